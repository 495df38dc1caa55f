/**
 * The proof's shape, what its signature covers, and the binding checks, on literal payloads.
 */
import { describe, expect, it } from 'vitest'
import { BROADCAST_EVENT, RECEIPT_EVENT } from '../broadcast.js'
import type { CredentialClaims } from './credential.js'
import { checkBinding, leaseWithinWindow, type Proof, signingText, splitProof } from './proof.js'

const NOW = 1_781_254_800_000
const SIG = 'A'.repeat(86) // 64 bytes
const claims: CredentialClaims = {
  userId: 'u-photo',
  sessionId: 's-1',
  publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) },
  issuedAt: NOW - 60_000,
  expiresAt: NOW + 840_000,
}
const scope = { roomId: 'wedding:123', private: true }
const rules = { scope, now: NOW, skewMs: 30_000, maxMessageAgeMs: 60_000 }
const presence = { kind: 'presence', key: 'u-photo' } as const
const proof = (extra: Partial<Proof> = {}): Proof => ({
  v: 1,
  cred: 'c',
  room: 'wedding:123',
  at: NOW,
  until: NOW + 30_000,
  sig: SIG,
  ...extra,
})
/** A proof as messages carry it: no window. */
function messageProof(extra: Partial<Proof> = {}): Proof {
  const { until: _, ...rest } = proof(extra)
  return rest
}
const meta = { v: 1, session: 's-1', status: 'online', seq: NOW, lease: 30_000 }

describe('splitProof', () => {
  it('takes the proof off the payload', () => {
    const split = splitProof({ ...meta, proof: proof() })
    expect(split.ok && split.value.body).toEqual(meta)
    expect(split.ok && split.value.signature.byteLength).toBe(64)
  })

  it('says which part is missing or malformed', () => {
    expect(splitProof(meta)).toEqual({ ok: false, reason: 'missing-proof' })
    expect(splitProof(null)).toEqual({ ok: false, reason: 'missing-proof' })
    expect(splitProof([proof()])).toEqual({ ok: false, reason: 'missing-proof' })
    for (const bad of [
      null,
      'p',
      { ...proof(), v: 2 },
      { ...proof(), cred: 1 },
      { ...proof(), room: undefined },
      { ...proof(), at: -1 },
      { ...proof(), at: 1.5 },
      { ...proof(), until: 'later' },
      { ...proof(), sig: 'A'.repeat(85) },
      { ...proof(), sig: `${'A'.repeat(84)}+/` },
    ])
      expect(splitProof({ ...meta, proof: bad })).toEqual({ ok: false, reason: 'malformed-proof' })
  })
})

describe('signingText', () => {
  it('binds the version, the room and whether it is private, the subject, the times and the body', () => {
    expect(signingText(scope, presence, NOW, NOW + 30_000, { b: 1, a: 2 })).toBe(
      `["wedsync-presence/1","private","wedding:123","presence","u-photo",${NOW},${NOW + 30_000},{"a":2,"b":1}]`,
    )
    expect(
      signingText(
        { ...scope, private: false },
        { kind: 'message', event: 'e' },
        NOW,
        undefined,
        {},
      ),
    ).toBe(`["wedsync-presence/1","public","wedding:123","message","e",${NOW},null,{}]`)
  })
})

describe('checkBinding', () => {
  const check = (body: Record<string, unknown>, p: Proof, r = rules, c = claims) =>
    checkBinding(presence, body, p, c, r)

  it('passes a meta of the credential’s user and session, in its room and window', () => {
    expect(check(meta, proof()).ok).toBe(true)
    // A meta that names no session carries no session claim of its own.
    const { session: _, ...anonymous } = meta
    expect(check(anonymous, proof()).ok).toBe(true)
  })

  it.each([
    ['wrong-user', meta, proof(), rules, { ...claims, userId: 'u-venue' }],
    ['wrong-session', { ...meta, session: 's-2' }, proof(), rules, claims],
    ['wrong-room', meta, proof({ room: 'wedding:999' }), rules, claims],
    ['room-not-allowed', meta, proof(), rules, { ...claims, rooms: ['wedding:999'] }],
    ['credential-expired', meta, proof(), rules, { ...claims, expiresAt: NOW - 30_000 }],
    ['from-the-future', meta, proof({ at: NOW + 30_001, until: NOW + 60_001 }), rules, claims],
    ['window-too-long', meta, proof({ until: NOW + 30_001 }), rules, claims],
    ['window-passed', meta, proof({ at: NOW - 60_000, until: NOW - 30_000 }), rules, claims],
    ['malformed-proof', meta, proof({ until: NOW }), rules, claims],
    ['malformed-proof', meta, messageProof(), rules, claims],
  ] as const)('%s', (reason, body, p, r, c) => {
    expect(check(body, p, r, c)).toEqual({ ok: false, reason })
  })

  it('the window is bounded by the meta’s own lease, or by the longest lease without one', () => {
    expect(check({ ...meta, lease: 10_000 }, proof()).ok).toBe(false)
    const { lease: _, ...noLease } = meta
    expect(check(noLease, proof({ until: NOW + 86_400_000 })).ok).toBe(true)
    expect(check(noLease, proof({ until: NOW + 86_400_001 })).ok).toBe(false)
  })

  it('checks the sender fields of envelopes and receipts, and the age of messages', () => {
    const envelope = { v: 1, id: 's-1.1', event: 'urgent', from: 'u-photo', session: 's-1' }
    const receipt = { v: 1, id: 'x.1', user: 'u-photo', session: 's-1', to: 's-9' }
    const message = (event: string, body: Record<string, unknown>, p = messageProof()) =>
      checkBinding({ kind: 'message', event }, body, p, claims, rules)
    expect(message(BROADCAST_EVENT, envelope).ok).toBe(true)
    expect(message(RECEIPT_EVENT, receipt).ok).toBe(true)
    expect(message(BROADCAST_EVENT, { ...envelope, from: 'u-venue' })).toEqual({
      ok: false,
      reason: 'wrong-user',
    })
    expect(message(RECEIPT_EVENT, { ...receipt, user: 'u-venue' })).toEqual({
      ok: false,
      reason: 'wrong-user',
    })
    expect(message(RECEIPT_EVENT, { ...receipt, session: undefined })).toEqual({
      ok: false,
      reason: 'wrong-session',
    })
    // Other events name no sender: the signature is their only identity.
    expect(message('cursor', { x: 1 }).ok).toBe(true)
    expect(message('cursor', {}, messageProof({ at: NOW - 90_001 }))).toEqual({
      ok: false,
      reason: 'too-old',
    })
    expect(message('cursor', {}, messageProof({ at: NOW - 90_000 })).ok).toBe(true)
    expect(checkBinding({ kind: 'message', event: 'cursor' }, {}, proof(), claims, rules)).toEqual({
      ok: false,
      reason: 'malformed-proof',
    })
  })
})

describe('leaseWithinWindow', () => {
  it('cuts a lease to what is left of its window (plus skew)', () => {
    const p = proof({ at: NOW - 20_000, until: NOW + 10_000 })
    expect(leaseWithinWindow(30_000, p, NOW, 0)).toBe(10_000)
    expect(leaseWithinWindow(30_000, p, NOW, 30_000)).toBe(30_000)
    expect(leaseWithinWindow(5_000, p, NOW, 0)).toBe(5_000)
  })
})
