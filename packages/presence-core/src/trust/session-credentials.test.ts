/**
 * This session's own credential: obtained for its key, refreshed at three quarters of its life,
 * retried with backoff when the server fails, refused when it proves someone else.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createTestIssuer, TEST_ISSUER } from '../../test/credentials.js'
import type { PresenceError } from '../errors.js'
import { createCredentialVerifier } from './credential-verifier.js'
import { createIssuerKeys } from './issuer-keys.js'
import { type CredentialSource, createSessionCredentials } from './session-credentials.js'
import { createWebCryptoSuite } from './signature-suite-webcrypto.js'

const NOW = Date.UTC(2026, 5, 12, 9, 0)
const suite = createWebCryptoSuite()

async function setup(
  source?: (issuer: Awaited<ReturnType<typeof createTestIssuer>>) => CredentialSource,
) {
  const clock = createFakeClock(NOW)
  const issuer = await createTestIssuer(clock)
  const errors: PresenceError[] = []
  const verifier = createCredentialVerifier({
    keys: createIssuerKeys({ jwks: issuer.jwks }, clock),
    suite,
    issuer: TEST_ISSUER,
    skewMs: 30_000,
  })
  const requests = issuer.source()
  const credentials = createSessionCredentials({
    source: source ? source(issuer) : requests,
    suite,
    verifier,
    session: {
      userId: 'u-photo',
      sessionId: 's-1',
      clock,
      scheduler: clock,
      report: (e) => errors.push(e),
    },
    rooms: ['wedding:123'],
    random: () => 1,
  })
  return { clock, issuer, errors, credentials, requests }
}

describe('session credentials', () => {
  it('asks for this session’s key and rooms, and gives the credential once it proves this session', async () => {
    const { credentials, requests } = await setup()
    const own = await credentials.current()
    expect(own.claims).toMatchObject({
      userId: 'u-photo',
      sessionId: 's-1',
      rooms: ['wedding:123'],
    })
    expect(requests.requests).toEqual([
      { userId: 'u-photo', sessionId: 's-1', publicKey: own.key.publicJwk, rooms: ['wedding:123'] },
    ])
    // The public key is all that leaves: no private member in what the server was sent.
    expect(Object.keys(requests.requests[0]!.publicKey).sort()).toEqual(['crv', 'kty', 'x', 'y'])
    expect(await credentials.current()).toBe(own)
  })

  it('refreshes at three quarters of its lifetime, keeping the same key', async () => {
    const { credentials, requests, clock } = await setup()
    const first = await credentials.current()
    await clock.advance(0.75 * 15 * 60_000 - 1)
    expect(requests.requests).toHaveLength(1)
    await clock.advance(1)
    const settle = async () => {
      // A bound on event-loop turns, not time: signing runs on the thread pool, slow on a loaded machine.
      for (let i = 0; i < 100_000 && (await credentials.current()) === first; i++)
        await new Promise((r) => setImmediate(r))
    }
    await settle()
    const second = await credentials.current()
    expect(second.token).not.toBe(first.token)
    expect(second.key).toBe(first.key)
    expect(requests.requests).toHaveLength(2)
  })

  it('a credential for another user or key is refused and reported; retries back off', async () => {
    let calls = 0
    const { credentials, errors, clock } = await setup((issuer) => async (request) => {
      calls++
      if (calls === 1) return issuer.issue({ ...request, userId: 'u-venue' })
      if (calls === 2) return { credential: await issuer.issue({ ...request, sessionId: 's-2' }) }
      if (calls === 3) throw new Error('503 from the presence API')
      if (calls === 4) return 'not.a.credential'
      return issuer.issue(request)
    })
    const current = credentials.current()
    const waitFor = async (n: number) => {
      for (let i = 0; i < 100_000 && errors.length < n; i++)
        await new Promise((r) => setImmediate(r))
    }
    await waitFor(1)
    expect(errors[0]!.message).toMatch(/u-venue\/s-1, not this session/)
    // Full jitter with random() = 1: 1 s, 2 s, 4 s, 8 s.
    await clock.advance(1_000)
    await waitFor(2)
    expect(errors[1]!.message).toMatch(/u-photo\/s-2/)
    await clock.advance(2_000)
    await waitFor(3)
    expect(errors[2]!.message).toMatch(/503 from the presence API/)
    await clock.advance(4_000)
    await waitFor(4)
    expect(errors[3]!.message).toMatch(/would be dropped by every observer/)
    expect(calls).toBe(4)
    await clock.advance(8_000)
    expect((await current).claims.userId).toBe('u-photo')
    expect(errors.map((e) => e.code)).toEqual(Array(4).fill('PRESENCE_CREDENTIAL_UNAVAILABLE'))
  })

  it('dispose rejects whoever waits, and every later ask', async () => {
    const { credentials } = await setup(() => () => new Promise(() => {}))
    const waiting = credentials.current()
    credentials.dispose()
    await expect(waiting).rejects.toMatchObject({ code: 'PRESENCE_CLIENT_DESTROYED' })
    await expect(credentials.current()).rejects.toMatchObject({ code: 'PRESENCE_CLIENT_DESTROYED' })
  })
})
