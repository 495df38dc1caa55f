/**
 * One verifying room driven exactly: the order things reach the client, what a signature covers
 * (property: any change to a signed meta, envelope or receipt is refused; so is a valid signature
 * under another user's credential), and the own credential's refresh in the middle of a room.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createTestIssuer } from '../../test/credentials.js'
import { createForger } from '../../test/forger.js'
import { scriptedTransport } from '../../test/scripted-transport.js'
import { BROADCAST_EVENT, RECEIPT_EVENT } from '../broadcast.js'
import type { PresenceError } from '../errors.js'
import type { PresenceEvent, TransportStatus } from '../ports.js'
import { createSessionTrust } from './session-trust.js'
import type { SignatureSuite } from './signature-suite.js'
import { createWebCryptoSuite } from './signature-suite-webcrypto.js'
import { MAX_WAITING_MESSAGES } from './verifying-transport.js'

const ROOM = 'wedding:123'
const NOW = Date.UTC(2026, 5, 12, 9, 0)

async function setup(options: { suite?: SignatureSuite; userId?: string } = {}) {
  const clock = createFakeClock(NOW)
  const issuer = await createTestIssuer(clock)
  const errors: PresenceError[] = []
  const inner = scriptedTransport()
  const make = (userId: string, sessionId: string, suite?: SignatureSuite) => {
    const trust = createSessionTrust({
      credentials: issuer.source(),
      keys: { jwks: issuer.jwks },
      ...(suite ? { suite } : {}),
    })
    const transport = trust.wrap(inner, {
      userId,
      sessionId,
      clock,
      scheduler: clock,
      report: (e) => errors.push(e),
    })
    return { trust, room: transport.openRoom(ROOM, { key: userId }) }
  }
  const observer = make(options.userId ?? 'u-venue', 's-venue', options.suite)
  const heard: unknown[] = []
  observer.room.onStatus((s) => heard.push(s))
  observer.room.onPresence((e) => heard.push(e))
  observer.room.onMessage(BROADCAST_EVENT, (p) => heard.push(p))
  observer.room.onMessage(RECEIPT_EVENT, (p) => heard.push(p))
  const script = inner.rooms[0]!
  /** A session of `userId` whose room's sends are captured signed, ready to replay. */
  const sender = (userId: string, sessionId: string) => {
    const { room } = make(userId, sessionId)
    const captured = inner.rooms.at(-1)!
    return {
      async meta(meta: Record<string, unknown>) {
        await room.track(meta)
        return captured.tracked.at(-1) as Record<string, unknown>
      },
      async message(event: string, payload: Record<string, unknown>) {
        await room.send(event, payload)
        return captured.sent.at(-1)!.payload as Record<string, unknown>
      },
    }
  }
  const turn = () => new Promise((r) => setImmediate(r))
  /** Waits until the observer has passed something on or reported something, then a little more. */
  const settled = async () => {
    const before = heard.length + errors.length
    for (let i = 0; i < 10_000 && heard.length + errors.length === before; i++) await turn()
    for (let i = 0; i < 20; i++) await turn()
  }
  /** Waits (event-loop turns, never wall time) until `done` holds; fails if it never does. */
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 100_000 && !done(); i++) await turn()
    expect(done()).toBe(true)
  }
  return { clock, issuer, errors, script, heard, sender, settled, until, observer }
}

const metaOf = (session: string, seq: number) => ({
  v: 1,
  session,
  status: 'online',
  seq,
  lease: 30_000,
  custom: { status: { text: 'At a venue', emoji: '📸' }, at: seq },
  activity: { action: 'viewing', target: 'timeline' },
})

describe('the verifying room', () => {
  it('passes events on in the order they arrived, however long each takes to verify', async () => {
    const webCrypto = createWebCryptoSuite()
    // The first signature checked takes until released; those after it are instant.
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    // Armed once the observer's own credential is in: then the first check is the photographer's.
    const armed = { first: false }
    const slow: SignatureSuite = {
      generateSessionKey: () => webCrypto.generateSessionKey(),
      async verify(key, data, signature) {
        if (armed.first) {
          armed.first = false
          await gate
        }
        return webCrypto.verify(key, data, signature)
      },
    }
    const { script, heard, sender, settled } = await setup({ suite: slow })
    const photo = sender('u-photo', 's-photo')
    const florist = sender('u-florist', 's-florist')
    const a = await photo.meta(metaOf('s-photo', NOW))
    const b = await florist.meta(metaOf('s-florist', NOW))
    await settled()
    armed.first = true
    script.status('joined' as TransportStatus)
    script.play({ type: 'join', key: 'u-photo', metas: [{ ref: 'r1', meta: a }] })
    script.play({ type: 'leave', key: 'u-photo', metas: [{ ref: 'r0', meta: {} }] })
    script.play({ type: 'join', key: 'u-florist', metas: [{ ref: 'r2', meta: b }] })
    await settled()
    expect(heard).toEqual(['joined'])
    release()
    await settled()
    const order = heard.map((e) =>
      typeof e === 'string' ? e : `${(e as PresenceEvent).type}:${(e as { key: string }).key}`,
    )
    expect(order).toEqual(['joined', 'join:u-photo', 'leave:u-photo', 'join:u-florist'])
    // What the client gets carries no proof, and a lease within its window.
    const joined = heard[1] as { metas: { meta: Record<string, unknown> }[] }
    expect(joined.metas[0]!.meta).toEqual(metaOf('s-photo', NOW))
  })

  it('a sync passes on the metas that verify and reports the rest', async () => {
    const { script, heard, sender, settled, errors } = await setup()
    const good = await sender('u-photo', 's-photo').meta(metaOf('s-photo', NOW))
    script.play({
      type: 'sync',
      state: {
        'u-photo': [{ ref: 'r1', meta: good }],
        'u-florist': [{ ref: 'r2', meta: good }],
        'u-caterer': [{ ref: 'r3', meta: metaOf('s-caterer', NOW) }],
      },
    })
    await settled()
    expect(heard).toEqual([
      { type: 'sync', state: { 'u-photo': [{ ref: 'r1', meta: metaOf('s-photo', NOW) }] } },
    ])
    // The signature binds the presence key: moved under another key, it no longer verifies.
    expect(errors.map((e) => (e.details as { reason: string }).reason).sort()).toEqual([
      'bad-signature',
      'missing-proof',
    ])
  })

  it('property: any change to a signed meta, envelope or receipt is refused', async () => {
    const { script, heard, sender, settled, errors } = await setup()
    const photo = sender('u-photo', 's-photo')
    const signed = {
      meta: await photo.meta(metaOf('s-photo', NOW)),
      envelope: await photo.message(BROADCAST_EVENT, {
        v: 1,
        id: 's-photo.1',
        event: 'urgent',
        from: 'u-photo',
        session: 's-photo',
        receipts: true,
        payload: { text: 'Ceremony moved to 4 PM', at: [16, 0] },
      }),
      receipt: await photo.message(RECEIPT_EVENT, {
        v: 1,
        id: 's-venue.1',
        user: 'u-photo',
        session: 's-photo',
        to: 's-venue',
      }),
    }
    let ref = 0
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('meta', 'envelope', 'receipt'),
        fc.nat(),
        fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null)),
        async (kind, pick, value) => {
          const copy = structuredClone(signed[kind])
          const leaves = pathsOf(copy)
          const path = leaves[pick % leaves.length]!
          const parent = path
            .slice(0, -1)
            .reduce<Record<string | number, unknown>>(
              (o, k) => o[k] as Record<string | number, unknown>,
              copy,
            )
          const last = path.at(-1)!
          if (JSON.stringify(parent[last]) === JSON.stringify(value)) return
          parent[last] = value
          const before = { heard: heard.length, errors: errors.length }
          if (kind === 'meta')
            script.play({ type: 'join', key: 'u-photo', metas: [{ ref: `r${ref++}`, meta: copy }] })
          else script.message(kind === 'envelope' ? BROADCAST_EVENT : RECEIPT_EVENT, copy)
          await settled()
          expect(heard.length).toBe(before.heard)
          // A receipt readdressed to another session is ignored unchecked: it is not ours.
          if (kind === 'receipt' && path.join() === 'to') return
          expect(errors.length).toBe(before.errors + 1)
          expect(errors.at(-1)!.code).toBe('PRESENCE_NOT_VERIFIED')
        },
      ),
      { numRuns: 150 },
    )
  })

  it('property: a valid signature under another user’s credential is refused', async () => {
    const { script, heard, settled, until, errors, issuer, clock } = await setup()
    const mallory = await createForger(issuer, clock, 'u-mallory', 's-mallory')
    const scope = { roomId: ROOM, private: false }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('u-photo', 'u-florist', 'u-venue'), async (victim) => {
        const meta = await mallory.sign(
          scope,
          { kind: 'presence', key: victim },
          metaOf('s-mallory', NOW),
        )
        const envelope = await mallory.sign(
          scope,
          { kind: 'message', event: BROADCAST_EVENT },
          {
            v: 1,
            id: 'm.1',
            event: 'urgent',
            from: victim,
            session: 's-mallory',
            receipts: false,
            payload: {},
          },
        )
        const before = heard.length
        const reported = errors.length
        script.play({ type: 'join', key: victim, metas: [{ ref: 'r', meta }] })
        script.message(BROADCAST_EVENT, envelope)
        // Both are verified asynchronously: wait for both reports, not for a number of turns.
        await until(() => errors.length >= reported + 2)
        await settled()
        expect(heard.length).toBe(before)
        expect(errors.slice(-2).map((e) => (e.details as { reason: string }).reason)).toEqual([
          'wrong-user',
          'wrong-user',
        ])
      }),
      { numRuns: 10 },
    )
  })

  it('the own credential is refreshed mid-room: later metas carry the new one, and still verify', async () => {
    const { script, heard, sender, settled, errors, clock } = await setup()
    const photo = sender('u-photo', 's-photo')
    const first = await photo.meta(metaOf('s-photo', NOW))
    await clock.advance(12 * 60_000) // past three quarters of 15 minutes
    await settled()
    const second = await photo.meta(metaOf('s-photo', clock.now()))
    const credOf = (m: Record<string, unknown>) => (m.proof as { cred: string }).cred
    expect(credOf(second)).not.toBe(credOf(first))
    script.play({ type: 'join', key: 'u-photo', metas: [{ ref: 'r2', meta: second }] })
    await settled()
    expect(heard).toHaveLength(1)
    expect(errors).toEqual([])
  })

  it('refuses to open a room under another presence key, and to send what cannot carry a proof', async () => {
    const clock = createFakeClock(NOW)
    const issuer = await createTestIssuer(clock)
    const trust = createSessionTrust({ credentials: issuer.source(), keys: { jwks: issuer.jwks } })
    const transport = trust.wrap(scriptedTransport(), {
      userId: 'u-venue',
      sessionId: 's',
      clock,
      scheduler: clock,
      report: () => {},
    })
    expect(() => transport.openRoom(ROOM, { key: 'u-photo' })).toThrow(/own user id/)
    const room = transport.openRoom(ROOM, { key: 'u-venue' })
    await expect(room.send('x', 'text')).rejects.toMatchObject({
      code: 'PRESENCE_INVALID_ARGUMENT',
    })
    await expect(room.track([1])).rejects.toMatchObject({ code: 'PRESENCE_INVALID_ARGUMENT' })
    expect(() => trust.wrap(scriptedTransport(), {} as never)).toThrow(/one client/)
    trust.dispose()
    await expect(room.track({})).rejects.toMatchObject({ code: 'PRESENCE_CLIENT_DESTROYED' })
  })
})

/** The paths to every leaf of a JSON value (objects and arrays walked). */
function pathsOf(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [path]
  const entries = Array.isArray(value)
    ? value.map((v, i) => [i, v] as const)
    : Object.entries(value)
  return entries.flatMap(([k, v]) => pathsOf(v, [...path, k]))
}

describe('a flood while the first clock estimate is awaited', () => {
  it(`keeps at most ${MAX_WAITING_MESSAGES} messages waiting; the rest are dropped and reported`, async () => {
    const clock = createFakeClock(NOW)
    const issuer = await createTestIssuer(clock)
    const inner = scriptedTransport()
    const errors: PresenceError[] = []
    const source = issuer.source()
    // The observer's credential source does not answer yet: it cannot judge any time.
    let answer: () => void = () => {}
    const answered = new Promise<void>((resolve) => (answer = resolve))
    const observer = createSessionTrust({
      credentials: async (request) => {
        await answered
        return source(request)
      },
      keys: { jwks: issuer.jwks },
    })
      .wrap(inner, {
        userId: 'u-venue',
        sessionId: 's-venue',
        clock,
        scheduler: clock,
        report: (e) => errors.push(e),
      })
      .openRoom(ROOM, { key: 'u-venue' })
    const heard: unknown[] = []
    observer.onMessage('flood', (payload) => heard.push(payload))
    const script = inner.rooms[0]!
    const mallory = createSessionTrust({ credentials: source, keys: { jwks: issuer.jwks } })
      .wrap(inner, {
        userId: 'u-mallory',
        sessionId: 's-mallory',
        clock,
        scheduler: clock,
        report: () => {},
      })
      .openRoom(ROOM, { key: 'u-mallory' })
    await mallory.send('flood', { n: 1 })
    const signed = inner.rooms.at(-1)!.sent.at(-1)!.payload

    const reasons = () => errors.map((e) => (e.details as { reason: string }).reason)
    for (let i = 0; i < MAX_WAITING_MESSAGES + 5; i++) script.message('flood', signed)
    // Dropped as they arrive, before anything could be checked.
    expect(reasons()).toEqual(Array(5).fill('backlog-full'))
    expect(heard).toEqual([])

    answer()
    const turn = () => new Promise((resolve) => setImmediate(resolve))
    for (let i = 0; i < 100_000 && errors.length < MAX_WAITING_MESSAGES + 4; i++) await turn()
    // The ones that waited are judged: the first passes, its copies are replays.
    expect(heard).toEqual([{ n: 1 }])
    expect(reasons().filter((r) => r === 'replayed')).toHaveLength(MAX_WAITING_MESSAGES - 1)
    // And the room takes messages again.
    script.message('flood', signed)
    for (let i = 0; i < 100_000 && errors.length < MAX_WAITING_MESSAGES + 5; i++) await turn()
    expect(reasons().at(-1)).toBe('replayed')
  })
})
