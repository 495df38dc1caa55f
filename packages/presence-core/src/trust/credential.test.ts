/**
 * Credentials from jose (an independent JWS implementation, as the server uses) read by the
 * hand-written verifier: what verifies, every way a credential is refused, caching, rotation.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import { SignJWT } from 'jose'
import { describe, expect, it, vi } from 'vitest'
import { createTestIssuer, TEST_ISSUER } from '../../test/credentials.js'
import { encodeBase64url } from './base64url.js'
import { checkLifetime, decodeCredential, readClaims } from './credential.js'
import { createCredentialVerifier } from './credential-verifier.js'
import { createIssuerKeys } from './issuer-keys.js'
import { createWebCryptoSuite } from './signature-suite-webcrypto.js'

const NOW = Date.UTC(2026, 5, 12, 9, 0)
const suite = createWebCryptoSuite()

async function setup() {
  const clock = createFakeClock(NOW)
  const issuer = await createTestIssuer(clock)
  const key = await suite.generateSessionKey()
  const request = { userId: 'u-photo', sessionId: 's-1', publicKey: key.publicJwk }
  const verifier = createCredentialVerifier({
    keys: createIssuerKeys({ jwks: issuer.jwks }, clock),
    suite,
    issuer: TEST_ISSUER,
    skewMs: 30_000,
  })
  return { clock, issuer, key, request, verifier }
}

const segment = (value: object) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)))

describe('credential verification', () => {
  it('verifies what jose signed and reads its claims', async () => {
    const { issuer, request, verifier, key } = await setup()
    const token = await issuer.issue({ ...request, rooms: ['wedding:123'] })
    const checked = await verifier.verify(token, NOW)
    expect(checked).toEqual({
      ok: true,
      value: {
        userId: 'u-photo',
        sessionId: 's-1',
        publicKey: key.publicJwk,
        issuer: TEST_ISSUER,
        issuedAt: NOW,
        expiresAt: NOW + 15 * 60_000,
        rooms: ['wedding:123'],
      },
    })
  })

  it('refuses a changed payload, another header, alg none and HS256', async () => {
    const { issuer, request, verifier } = await setup()
    const token = await issuer.issue(request)
    const [head, body, sig] = token.split('.') as [string, string, string]
    const claims = JSON.parse(atob(body.replace(/-/g, '+').replace(/_/g, '/')))
    const other = segment({ ...claims, sub: 'u-venue' })
    expect(await verifier.verify(`${head}.${other}.${sig}`, NOW)).toEqual({
      ok: false,
      reason: 'credential-invalid',
    })
    const header = JSON.parse(atob(head))
    for (const h of [
      { ...header, alg: 'none' },
      { ...header, alg: 'HS256' },
      { ...header, typ: 'JWT' },
      { ...header, crit: ['exp'] },
      { alg: 'ES256', typ: header.typ },
    ])
      expect(decodeCredential(`${segment(h)}.${body}.${sig}`).ok).toBe(false)
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'wedsync-session+jwt', kid: 'key-1' })
      .sign(new TextEncoder().encode('x'.repeat(32)))
    expect(await verifier.verify(hmac, NOW)).toEqual({ ok: false, reason: 'credential-invalid' })
    for (const junk of [undefined, 42, '', 'a.b', 'a.b.c', 'x'.repeat(9000)])
      expect((await verifier.verify(junk, NOW)).ok).toBe(false)
  })

  it('refuses claims that are missing, for another audience or issuer, or malformed', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43) }
    const good = {
      iss: TEST_ISSUER,
      aud: 'wedsync-presence',
      sub: 'u-photo',
      sid: 's-1',
      cnf: { jwk },
      iat: NOW / 1000,
      exp: NOW / 1000 + 900,
    }
    expect(readClaims(good, TEST_ISSUER).ok).toBe(true)
    expect(readClaims({ ...good, aud: ['x', 'wedsync-presence'] }, undefined).ok).toBe(true)
    for (const bad of [
      { ...good, sub: undefined },
      { ...good, sub: '__proto__' },
      { ...good, sid: '' },
      { ...good, sid: 's'.repeat(129) },
      { ...good, aud: 'authenticated' },
      { ...good, iss: 'https://evil.test' },
      { ...good, cnf: { jwk: { ...jwk, d: 'C'.repeat(43) } } },
      { ...good, cnf: { jwk: { ...jwk, crv: 'P-384' } } },
      { ...good, cnf: {} },
      { ...good, iat: 1.5 },
      { ...good, exp: '9' },
      { ...good, rooms: 'wedding:123' },
      { ...good, rooms: [1] },
      { ...good, rooms: Array.from({ length: 101 }, (_, i) => `r${i}`) },
    ])
      expect(readClaims(bad, TEST_ISSUER)).toEqual({ ok: false, reason: 'credential-invalid' })
  })

  it('checks its lifetime at every use, within the skew', async () => {
    const { issuer, request, verifier } = await setup()
    const claims = { ...(await verifier.verify(await issuer.issue(request), NOW)) }
    if (!claims.ok) throw new Error('expected a credential')
    const exp = claims.value.expiresAt
    expect(checkLifetime(claims.value, exp + 29_999, 30_000).ok).toBe(true)
    expect(checkLifetime(claims.value, exp + 30_000, 30_000)).toEqual({
      ok: false,
      reason: 'credential-expired',
    })
    expect(checkLifetime(claims.value, NOW - 30_001, 30_000)).toEqual({
      ok: false,
      reason: 'from-the-future',
    })
    const future = await issuer.issue({ ...request, at: NOW + 60_000 })
    expect(await verifier.verify(future, NOW)).toEqual({ ok: false, reason: 'from-the-future' })
  })

  it('checks a signature once per credential, and an expired one is let go', async () => {
    const { issuer, request, clock } = await setup()
    const counted = { ...suite, verify: vi.fn(suite.verify) }
    const verifier = createCredentialVerifier({
      keys: createIssuerKeys({ jwks: issuer.jwks }, clock),
      suite: counted,
      skewMs: 0,
    })
    const token = await issuer.issue({ ...request, ttlMs: 60_000 })
    for (let i = 0; i < 5; i++) expect((await verifier.verify(token, NOW)).ok).toBe(true)
    expect(counted.verify).toHaveBeenCalledTimes(1)
    expect(await verifier.verify(token, NOW + 60_000)).toEqual({
      ok: false,
      reason: 'credential-expired',
    })
    expect((await verifier.verify(token, NOW)).ok).toBe(true)
    expect(counted.verify).toHaveBeenCalledTimes(2)
  })
})

describe('issuer keys from a JWKS endpoint', () => {
  it('fetch when first needed, again for a kid they do not hold (a rotation), at most once per cooldown', async () => {
    const { issuer, request, clock } = await setup()
    const fetched: string[] = []
    const keys = createIssuerKeys(
      {
        jwksUrl: 'https://wedsync.test/presence/.well-known/jwks.json',
        fetch: async (url) => {
          fetched.push(url)
          return { ok: true, status: 200, json: async () => structuredClone(issuer.jwks) }
        },
      },
      clock,
    )
    const verifier = createCredentialVerifier({ keys, suite, skewMs: 30_000 })
    expect((await verifier.verify(await issuer.issue(request), NOW)).ok).toBe(true)
    expect(fetched).toHaveLength(1)
    await issuer.rotate('key-2')
    const rotated = await issuer.issue(request)
    // Within the cooldown the new kid is unknown, and that is not remembered…
    expect(await verifier.verify(rotated, clock.now())).toEqual({
      ok: false,
      reason: 'unknown-key',
    })
    expect(fetched).toHaveLength(1)
    // …after it, the set is fetched again and the credential verifies.
    await clock.advance(30_000)
    expect((await verifier.verify(rotated, clock.now())).ok).toBe(true)
    expect(fetched).toHaveLength(2)
  })

  it('an unreachable endpoint: keys-unavailable, and a key set fetched once stays usable', async () => {
    const { issuer, request, clock } = await setup()
    let up = false
    const keys = createIssuerKeys(
      {
        jwksUrl: 'https://wedsync.test/jwks',
        refetchAfterMs: 1_000,
        fetch: async () => {
          if (!up) throw new Error('ECONNREFUSED')
          return { ok: true, status: 200, json: async () => issuer.jwks }
        },
      },
      clock,
    )
    const verifier = createCredentialVerifier({ keys, suite, skewMs: 30_000 })
    const token = await issuer.issue(request)
    expect(await verifier.verify(token, NOW)).toEqual({ ok: false, reason: 'keys-unavailable' })
    up = true
    await clock.advance(1_000)
    expect((await verifier.verify(token, clock.now())).ok).toBe(true)
    up = false
    await clock.advance(1_000)
    expect(await keys.key('key-1')).toBeTruthy()
    expect(await keys.key('key-9')).toBeUndefined()
  })

  it('a fixed key set must hold an ES256 key; other algorithms and uses are left out', () => {
    const clock = createFakeClock(NOW)
    expect(() => createIssuerKeys({ jwks: { keys: [] } }, clock)).toThrow(/no ES256 key/)
    const jwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'B'.repeat(43), kid: 'k' }
    expect(() =>
      createIssuerKeys(
        {
          jwks: {
            keys: [
              { ...jwk, alg: 'ES384' },
              { ...jwk, use: 'enc' },
            ],
          },
        },
        clock,
      ),
    ).toThrow(/no ES256 key/)
  })
})
