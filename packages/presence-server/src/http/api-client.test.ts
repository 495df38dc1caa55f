/**
 * The API client against the real handlers in process (its `fetch` is the handlers' fetch): each
 * call's round trip, and errors as PresenceServerError with the catalogue's code.
 */
import { describe, expect, it } from 'vitest'
import { type TestServer, testServer, tokenFor } from '../../test/support.js'
import { isPresenceServerError, type PresenceServerError } from '../errors.js'
import { createPresenceApiClient, type PresenceApiClient } from './api-client.js'

const BASE = 'http://presence.test/api'

function clientOf(server: TestServer, userId: string): PresenceApiClient {
  return createPresenceApiClient({
    baseUrl: `${BASE}/`,
    accessToken: () => tokenFor(userId, server.clock),
    fetch: (input, init) => server.handlers.fetch(new Request(input, init)),
  })
}

async function rejection(work: Promise<unknown>): Promise<PresenceServerError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isPresenceServerError(error)) throw new Error(`expected a PresenceServerError: ${error}`)
  return error
}

describe('createPresenceApiClient', () => {
  it('reports presence and reads it back through the privacy checker', async () => {
    const server = testServer({ basePath: '/api' })
    const ana = clientOf(server, 'u-ana')
    const ben = clientOf(server, 'u-ben')
    const { presence, changed } = await ana.setStatus({
      status: 'busy',
      customStatus: { text: 'At a venue', expiresAt: server.clock.now() + 60_000 },
      activity: { action: 'viewing', target: 'timeline' },
    })
    expect(changed).toBe(true)
    expect(presence).toMatchObject({ userId: 'u-ana', status: 'busy' })
    await ana.heartbeat()
    expect(await ana.updateSettings({ showActivity: false })).toMatchObject({
      showActivity: false,
      showLastSeen: true,
    })
    expect(await ana.getSettings()).toMatchObject({ showActivity: false })
    const [seen] = await ben.lastSeen(['u-ana'])
    expect(seen).toMatchObject({ userId: 'u-ana', status: 'busy' })
    expect(seen).not.toHaveProperty('activity')
  })

  it("reports per session, heartbeats and leaves a session, with the session's credential", async () => {
    const sent: Request[] = []
    const server = testServer({ basePath: '/api' })
    const ana = createPresenceApiClient({
      baseUrl: BASE,
      accessToken: () => tokenFor('u-ana', server.clock),
      fetch: (input, init) => {
        const request = new Request(input, init)
        sent.push(request.clone())
        return server.handlers.fetch(request)
      },
    })
    await ana.setStatus({ status: 'online', sessionId: 'phone', session: { automatic: 'online' } })
    await ana.setStatus({ status: 'idle', sessionId: 'laptop', session: { automatic: 'idle' } })
    await ana.heartbeat({ sessionId: 'laptop', sessionCredential: 'a-credential' })
    const left = await ana.leave({ sessionId: 'phone' })
    expect(left).toMatchObject({ presence: { status: 'idle' }, changed: true })
    const heartbeat = sent[2]!
    expect(await heartbeat.json()).toEqual({ sessionId: 'laptop' })
    // Without an issuer the server ignores the header; the client sends it all the same.
    expect(heartbeat.headers.get('x-presence-session')).toBe('a-credential')
    expect(await sent[3]!.json()).toEqual({ sessionId: 'phone' })
    await ana.heartbeat()
    expect(await sent[4]!.json()).toEqual({})
  })

  it('reads team availability, with the sentence in the zone asked for', async () => {
    const server = testServer({
      basePath: '/api',
      teamNoun: { one: 'supplier', other: 'suppliers' },
    })
    for (const [userId, role] of [
      ['u-venue', 'venue coordinator'],
      ['u-florist', 'florist'],
    ] as const)
      await server.store.addTeamMember({ teamId: 'wedding:123', userId, role })
    const venue = clientOf(server, 'u-venue')
    await venue.setStatus({ status: 'online' })
    await clientOf(server, 'u-florist').setStatus({
      status: 'busy',
      customStatus: { text: 'At the flower market', expiresAt: server.clock.now() + 90 * 60_000 },
    })
    const team = await venue.teamAvailability('wedding:123', { timeZone: 'Europe/London' })
    expect(team.summary).toBe('1 of 2 suppliers is online; the florist is busy until 11:30')
    expect(team.timeZone).toBe('Europe/London')
    expect(team.members.find((m) => m.userId === 'u-florist')?.busyUntil).toBe(
      server.clock.now() + 90 * 60_000,
    )
  })

  it('turns error responses into PresenceServerError with the code, details and retry time', async () => {
    const server = testServer({ basePath: '/api' })
    const ana = clientOf(server, 'u-ana')
    const invalid = await rejection(ana.setStatus({ status: 'asleep' as 'online' }))
    expect(invalid).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID', status: 400 })
    expect(invalid.details).toEqual([expect.stringContaining('status')])
    const forbidden = await rejection(ana.teamAvailability('wedding:999'))
    expect(forbidden.code).toBe('PRESENCE_FORBIDDEN')
    for (let i = 0; i < 10; i++) await ana.setStatus({ status: i % 2 ? 'online' : 'idle' })
    const limited = await rejection(ana.setStatus({ status: 'online' }))
    expect(limited.code).toBe('PRESENCE_RATE_LIMITED')
    expect(limited.retryAfterMs).toBeGreaterThan(0)
    const noRouter = await rejection(
      ana.request('POST', '/presence/notifications', {
        recipientId: 'u-ana',
        urgency: 'routine',
        payload: 1,
      }),
    )
    expect(noRouter.code).toBe('PRESENCE_NOT_FOUND')
  })

  it('names an error the server did not explain by its HTTP status', async () => {
    const client = (status: number, body: string) =>
      createPresenceApiClient({
        baseUrl: '/presence-api',
        accessToken: () => 'token',
        fetch: async () => new Response(body, { status }),
      })
    const bad = await rejection(client(502, '<html>Bad gateway</html>').heartbeat())
    expect(bad).toMatchObject({ code: 'PRESENCE_INTERNAL' })
    expect(bad.message).toContain('HTTP 502')
    expect((await rejection(client(401, '').getSettings())).code).toBe('PRESENCE_UNAUTHENTICATED')
    expect((await rejection(client(404, '{}').getSettings())).code).toBe('PRESENCE_NOT_FOUND')
  })

  it('sends the path, the token and the body it is given', async () => {
    const requests: { url: string; init: RequestInit }[] = []
    const client = createPresenceApiClient({
      baseUrl: '/presence-api/',
      accessToken: async () => 'tok',
      fetch: async (url, init) => {
        requests.push({ url, init })
        return Response.json({ settings: { visibility: 'team' } })
      },
    })
    await client.updateSettings({ visibility: 'team' })
    await client.teamAvailability('wedding:1 2').catch(() => undefined)
    expect(requests[0]).toMatchObject({
      url: '/presence-api/presence/settings',
      init: {
        method: 'PUT',
        headers: { authorization: 'Bearer tok', 'content-type': 'application/json' },
        body: '{"visibility":"team"}',
      },
    })
    expect(requests[1]!.url).toBe('/presence-api/presence/teams/wedding%3A1%202/availability')
  })
})
