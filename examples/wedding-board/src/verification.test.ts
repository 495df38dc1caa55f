/**
 * Verified presence as the board and the simulated suppliers get it: when the board may verify,
 * and two clients whose credentials come from the demo's presence API over real HTTP — signed in
 * as themselves, checked against its JWKS — seeing each other on the in-memory hub.
 */
import { createPresenceClient, type PresenceError } from '@wedsync/presence-core'
import { createFakeClock, createMemoryHub, type FakeClock } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { type PresenceApiServer, startPresenceApiServer } from './demo/presence-api-server.js'
import { connectPresenceApi } from './presence-api.js'
import { boardTrust, cannotVerify, createVerifiedTrust, jwksUrlOf } from './verification.js'

let api: PresenceApiServer | undefined

afterEach(async () => {
  await api?.close()
  api = undefined
})

/**
 * Resolves once `check` holds. HTTP and WebCrypto complete outside the fake clock, so each turn
 * yields to the event loop and then runs due fake timers; the bound only turns a hang into a failure.
 */
async function until(clock: FakeClock, check: () => unknown, what: string): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (check()) return
    await new Promise((resolve) => setImmediate(resolve))
    await clock.flush()
  }
  throw new Error(`gave up waiting for ${what}`)
}

describe('when the board verifies', () => {
  const settings = {
    api: { createSession: () => Promise.reject(new Error('not called')) },
    jwksUrl: 'http://127.0.0.1:1/presence-api/presence/.well-known/jwks.json',
    userId: 'u-venue',
  }

  it('with a presence API on a page that can: verified', () => {
    expect(boardTrust(settings, { isSecureContext: true, crypto: globalThis.crypto }).mode).toBe(
      'verified',
    )
  })

  it('without a presence API, or where WebCrypto is hidden: unverified, saying why', () => {
    expect(boardTrust(undefined)).toEqual({
      mode: 'unverified',
      reason: 'this board has no presence API to get a session credential from',
    })
    // http://192.168.1.20:5173 is not a secure context: browsers hide crypto.subtle there.
    expect(boardTrust(settings, { isSecureContext: false, crypto: {} })).toEqual({
      mode: 'unverified',
      reason: 'this address is not a secure context (open the board on localhost or over https)',
    })
    expect(cannotVerify({ crypto: {} })).toBe('WebCrypto is not available here')
    expect(cannotVerify(globalThis)).toBeUndefined()
  })

  it('finds the JWKS under the API, on the page’s origin when the API is a path', () => {
    expect(jwksUrlOf('/presence-api/', 'http://127.0.0.1:5173/?as=u-photo')).toBe(
      'http://127.0.0.1:5173/presence-api/presence/.well-known/jwks.json',
    )
    expect(jwksUrlOf('http://127.0.0.1:40313/presence-api')).toBe(
      'http://127.0.0.1:40313/presence-api/presence/.well-known/jwks.json',
    )
  })
})

describe('clients verified by the demo presence API', () => {
  it('get credentials as themselves, see each other, and report nothing', async () => {
    const clock = createFakeClock(Date.UTC(2026, 5, 13, 9, 0))
    api = await startPresenceApiServer({ clock, scheduler: clock, history: false })
    const server = api
    const hub = createMemoryHub({ clock })
    const errors: PresenceError[] = []
    const verified = (userId: string) => {
      const client = createPresenceClient({
        transport: hub.connect(userId),
        userId,
        clock,
        trust: createVerifiedTrust({
          api: connectPresenceApi({ baseUrl: `${server.url}${server.basePath}`, userId, clock }),
          jwksUrl: server.jwksUrl,
          issuer: server.issuer,
          userId,
        }),
      })
      client.on('error', (error) => errors.push(error))
      return client
    }
    const venue = verified('u-venue')
    const photo = verified('u-photo')
    const board = venue.enter('wedding:123')
    photo.enter('wedding:123', { activity: { action: 'viewing', target: 'timeline' } })
    await until(clock, () => board.member('u-photo')?.status === 'online', 'the photographer')
    expect(venue.trust).toBe('verified')
    expect(photo.trust).toBe('verified')
    expect(board.member('u-photo')?.activity).toMatchObject({ target: 'timeline' })
    expect(errors).toEqual([])
    venue.destroy()
    photo.destroy()
    hub.dispose()
  })
})
