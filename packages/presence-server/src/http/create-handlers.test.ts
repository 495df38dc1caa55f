/**
 * The handlers in process with `Request` objects: authentication, own presence only, validation
 * and body limits, the status rate limit, heartbeats, settings.
 */
import { describe, expect, it } from 'vitest'
import { SECRET, testServer, tokenFor } from '../../test/support.js'
import { createRateLimiter } from '../rate-limit/rate-limiter.js'
import { createMemoryStore } from '../stores/store-memory.js'

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error

describe('authentication', () => {
  it.each([
    ['POST', '/presence/status', { status: 'online' }],
    ['POST', '/presence/heartbeat', undefined],
    ['GET', '/presence/settings', undefined],
    ['PUT', '/presence/settings', { visibility: 'team' }],
    ['GET', '/presence/last-seen?userIds=u-ben', undefined],
    ['GET', '/presence/teams/t1/availability', undefined],
  ])('%s %s without a token → 401', async (method, path, body) => {
    const { call } = testServer()
    const response = await call(null, method, path, body)
    expect(response.status).toBe(401)
    expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_UNAUTHENTICATED' })
  })

  it('refuses a token signed with another secret', async () => {
    const server = testServer()
    const token = await tokenFor('u-ana', server.clock, { secret: `${SECRET}-other` })
    const response = await server.handlers.fetch(
      new Request('http://presence.test/presence/settings', {
        headers: { authorization: `Bearer ${token}` },
      }),
    )
    expect(response.status).toBe(401)
  })
})

describe('POST /presence/status', () => {
  it('stores the caller’s status, custom status and activity, and a transition', async () => {
    const { call, clock, store } = testServer()
    const response = await call('u-ana', 'POST', '/presence/status', {
      status: 'busy',
      customStatus: { text: ' At a venue\u202e ', emoji: '📍', expiresAt: clock.now() + 3_600_000 },
      activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('ratelimit-remaining')).toBe('9')
    expect(await response.json()).toEqual({
      presence: {
        userId: 'u-ana',
        status: 'busy',
        lastSeenAt: clock.now(),
        customStatus: { text: 'At a venue', emoji: '📍', expiresAt: clock.now() + 3_600_000 },
        activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
      },
      changed: true,
    })
    expect(await store.statusEvents('u-ana')).toEqual([
      { userId: 'u-ana', from: null, to: 'busy', at: clock.now() },
    ])
  })

  it('refuses to change another user’s presence → 403', async () => {
    const { call, store } = testServer()
    const response = await call('u-ana', 'POST', '/presence/status', {
      status: 'offline',
      userId: 'u-ben',
    })
    expect(response.status).toBe(403)
    expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_FORBIDDEN' })
    expect(await store.statusEvents('u-ben')).toEqual([])
    const own = await call('u-ana', 'POST', '/presence/status', {
      status: 'online',
      userId: 'u-ana',
    })
    expect(own.status).toBe(200)
  })

  it.each([
    ['malformed JSON', '{"status": "online"', 'Body is not valid JSON'],
    ['an empty body', '', 'Expected a JSON body'],
    ['a JSON array', '[]', 'Invalid status update'],
    ['an unknown status', { status: 'dancing' }, 'Invalid status update'],
    ['a wrong type', { status: 42 }, 'Invalid status update'],
    ['an unknown field', { status: 'online', admin: true }, 'Invalid status update'],
    [
      'a custom status without visible text',
      { status: 'online', customStatus: { text: '\u200b' } },
      'Invalid status update',
    ],
    [
      'an emoji that is not one',
      { status: 'online', customStatus: { text: 'x', emoji: 'xx' } },
      'Invalid status update',
    ],
    [
      'a negative expiry',
      { status: 'online', customStatus: { text: 'x', expiresAt: -1 } },
      'Invalid status update',
    ],
    [
      'an oversized activity field',
      { status: 'online', activity: { action: 'x'.repeat(65) } },
      'Invalid status update',
    ],
  ])('refuses %s → 400 PRESENCE_PAYLOAD_INVALID', async (_name, body, message) => {
    const { call } = testServer()
    const response = await call('u-ana', 'POST', '/presence/status', body)
    expect(response.status).toBe(400)
    expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID', message })
  })

  it('lists what is wrong in details', async () => {
    const { call } = testServer()
    const response = await call('u-ana', 'POST', '/presence/status', {
      status: 1,
      activity: { action: '' },
    })
    expect((await errorOf(response)) as unknown).toMatchObject({
      details: [expect.stringMatching(/^status: /), expect.stringMatching(/^activity\.action: /)],
    })
  })

  it('refuses bodies over 16 KB → 413, declared or streamed', async () => {
    const server = testServer()
    const big = JSON.stringify({ status: 'online', customStatus: { text: 'x'.repeat(17_000) } })
    const declared = await server.call('u-ana', 'POST', '/presence/status', big)
    expect(declared.status).toBe(413)
    expect(await errorOf(declared)).toMatchObject({ code: 'PRESENCE_PAYLOAD_TOO_LARGE' })
    const chunk = new TextEncoder().encode('x'.repeat(4_096))
    let sent = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const streamed = await server.handlers.fetch(
      new Request('http://presence.test/presence/status', {
        method: 'POST',
        body: stream,
        headers: { authorization: `Bearer ${await tokenFor('u-ana', server.clock)}` },
        duplex: 'half',
      } as RequestInit),
    )
    expect(streamed.status).toBe(413)
    expect(sent).toBeLessThan(10) // stopped reading right after the limit
  })

  it('refuses a body that is not UTF-8 → 400', async () => {
    const server = testServer()
    const response = await server.handlers.fetch(
      new Request('http://presence.test/presence/status', {
        method: 'POST',
        body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
        headers: { authorization: `Bearer ${await tokenFor('u-ana', server.clock)}` },
      }),
    )
    expect(response.status).toBe(400)
  })

  it('answers the 11th update in a minute with 429 and Retry-After; the window slides', async () => {
    const { call, clock } = testServer()
    for (let i = 0; i < 10; i++) {
      expect(
        (await call('u-ana', 'POST', '/presence/status', { status: i % 2 ? 'busy' : 'online' }))
          .status,
      ).toBe(200)
      await clock.advance(1_000)
    }
    const refused = await call('u-ana', 'POST', '/presence/status', { status: 'away' })
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('50') // the first update leaves the window in 50 s
    expect(await errorOf(refused)).toMatchObject({ code: 'PRESENCE_RATE_LIMITED' })
    expect((await call('u-ben', 'POST', '/presence/status', { status: 'online' })).status).toBe(200)
    await clock.advance(50_000)
    expect((await call('u-ana', 'POST', '/presence/status', { status: 'away' })).status).toBe(200)
  })

  it('does not spend the budget on invalid or forbidden requests', async () => {
    const { call } = testServer({ rateLimiter: createRateLimiter({ limit: 1 }) })
    await call('u-ana', 'POST', '/presence/status', { status: 'nope' })
    await call('u-ana', 'POST', '/presence/status', { status: 'online', userId: 'u-ben' })
    expect((await call('u-ana', 'POST', '/presence/status', { status: 'online' })).status).toBe(200)
  })

  it('keeps the stored custom status when absent and clears it with null', async () => {
    const { call } = testServer()
    await call('u-ana', 'POST', '/presence/status', {
      status: 'online',
      customStatus: { text: 'Lunch' },
    })
    const kept = await (await call('u-ana', 'POST', '/presence/status', { status: 'busy' })).json()
    expect(kept.presence.customStatus).toEqual({ text: 'Lunch' })
    expect(kept.changed).toBe(true)
    const cleared = await (
      await call('u-ana', 'POST', '/presence/status', { status: 'busy', customStatus: null })
    ).json()
    expect(cleared.presence.customStatus).toBeUndefined()
    expect(cleared.changed).toBe(false)
  })

  it('answers 503 PRESENCE_STORE_UNAVAILABLE when the store fails, without its message', async () => {
    const store = createMemoryStore()
    store.recordStatus = async () => {
      throw new Error('connection refused at 10.0.0.7:5432 password=hunter2')
    }
    const seen: unknown[] = []
    const { call } = testServer({ store, onError: (error) => seen.push(error) })
    const response = await call('u-ana', 'POST', '/presence/status', { status: 'online' })
    expect(response.status).toBe(503)
    const text = await response.text()
    expect(text).not.toContain('hunter2')
    expect(JSON.parse(text)).toEqual({
      error: { code: 'PRESENCE_STORE_UNAVAILABLE', message: 'Presence store unavailable' },
    })
    expect(seen).toHaveLength(1)
  })
})

describe('POST /presence/heartbeat', () => {
  it('moves last seen forward and answers 204, on its own budget', async () => {
    const { call, clock, store } = testServer({ rateLimiter: createRateLimiter({ limit: 1 }) })
    await call('u-ana', 'POST', '/presence/status', { status: 'busy' })
    await clock.advance(15_000)
    const beat = await call('u-ana', 'POST', '/presence/heartbeat')
    expect(beat.status).toBe(204)
    const [seen] = await store.presenceFor('u-ana', ['u-ana'])
    expect(seen?.presence).toMatchObject({ status: 'busy', lastSeenAt: clock.now() })
    expect((await call('u-ana', 'POST', '/presence/heartbeat', {})).status).toBe(204)
  })

  it('refuses another user’s heartbeat and a body with other fields', async () => {
    const { call } = testServer()
    expect((await call('u-ana', 'POST', '/presence/heartbeat', { userId: 'u-ben' })).status).toBe(
      403,
    )
    expect((await call('u-ana', 'POST', '/presence/heartbeat', { status: 'online' })).status).toBe(
      400,
    )
  })

  it('answers 429 past the heartbeat budget', async () => {
    const { call } = testServer({
      heartbeatLimiter: createRateLimiter({ limit: 2, windowMs: 30_000, prefix: 'hb:' }),
    })
    expect((await call('u-ana', 'POST', '/presence/heartbeat')).status).toBe(204)
    expect((await call('u-ana', 'POST', '/presence/heartbeat')).status).toBe(204)
    const refused = await call('u-ana', 'POST', '/presence/heartbeat')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).not.toBeNull()
  })
})

describe('settings', () => {
  it('reads the defaults, then a change takes effect on the next read', async () => {
    const { call } = testServer()
    expect(await (await call('u-ana', 'GET', '/presence/settings')).json()).toEqual({
      settings: {
        visibility: 'everyone',
        showLastSeen: true,
        showActivity: true,
        appearOffline: false,
      },
    })
    const put = await call('u-ana', 'PUT', '/presence/settings', {
      visibility: 'contacts',
      showActivity: false,
    })
    expect(put.status).toBe(200)
    expect(await (await call('u-ana', 'GET', '/presence/settings')).json()).toEqual({
      settings: {
        visibility: 'contacts',
        showLastSeen: true,
        showActivity: false,
        appearOffline: false,
      },
    })
    expect(
      (await (await call('u-ben', 'GET', '/presence/settings')).json()).settings.visibility,
    ).toBe('everyone')
  })

  it.each([
    [{}, 'no setting'],
    [{ visibility: 'friends' }, 'an unknown visibility'],
    [{ showLastSeen: 'no' }, 'a string for a boolean'],
    [{ visibility: 'team', userId: 'u-ben' }, 'another user’s id'],
  ])('refuses %j (%s) → 400', async (body, _what) => {
    const { call } = testServer()
    const response = await call('u-ana', 'PUT', '/presence/settings', body)
    expect(response.status).toBe(400)
    expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID' })
  })
})
