/**
 * The remote router over presence-server's API client against the real handlers in process (its
 * `fetch` is the handlers' fetch): what it sends, and `broadcastUrgent` running with it as its
 * router — the router itself on the server, mounted through `notificationEndpoint`.
 */
import { createPresenceClient } from '@wedsync/presence-core'
import { createPresenceApiClient, type PresenceApiClient } from '@wedsync/presence-server/client'
import { createFakeActivity, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { type TestServer, testServer, tokenFor } from '../../test/support.js'
import type { SentPayload } from './notification-endpoint.js'
import { createNotificationRouter, type Notification } from './notification-router.js'
import { createMemoryNotificationStore } from './notification-store.js'
import { remoteNotificationRouter } from './remote-notification-router.js'
import { broadcastUrgent, type UrgentNotificationPayload } from './urgent-broadcast.js'

const BASE = 'http://presence.test/api'

function clientOf(server: TestServer, userId: string): PresenceApiClient {
  return createPresenceApiClient({
    baseUrl: `${BASE}/`,
    accessToken: () => tokenFor(userId, server.clock),
    fetch: (input, init) => server.handlers.fetch(new Request(input, init)),
  })
}

describe('remoteNotificationRouter', () => {
  it('leaves the recipient’s status out of a notification: the server routes by its own', async () => {
    const bodies: unknown[] = []
    const client = createPresenceApiClient({
      baseUrl: '/presence-api',
      accessToken: () => 'tok',
      fetch: async (_url, init) => {
        bodies.push(JSON.parse(String(init.body)))
        return Response.json({ id: 'n-1' })
      },
    })
    await remoteNotificationRouter(client).send({
      id: 'n-1',
      recipientId: 'u-ben',
      urgency: 'routine',
      payload: { text: 'hi' },
      status: 'offline',
    })
    await remoteNotificationRouter(client).send({
      recipientId: 'u-ben',
      urgency: 'emergency',
      payload: 1,
    })
    expect(bodies).toEqual([
      { id: 'n-1', recipientId: 'u-ben', urgency: 'routine', payload: { text: 'hi' } },
      { recipientId: 'u-ben', urgency: 'emergency', payload: 1 },
    ])
  })
})

describe('broadcastUrgent with the router on the server', () => {
  it('routes everyone who did not confirm through POST /presence/notifications', async () => {
    const sent: string[] = []
    const hook =
      (route: string) => (n: Notification<SentPayload<UrgentNotificationPayload<unknown>>>) => {
        sent.push(`${route}:${n.recipientId}:${n.payload.senderId}:${n.payload.payload.event}`)
      }
    let router: ReturnType<typeof createNotificationRouter> | undefined
    const server = testServer({
      basePath: '/api',
      notifications: { router: { send: (input) => router!.send(input) } },
    })
    const { clock } = server
    router = createNotificationRouter({
      store: createMemoryNotificationStore(),
      hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
      presence: () => 'offline',
      clock,
      scheduler: clock,
    })
    for (const userId of ['u-venue', 'u-photo', 'u-caterer', 'u-dj'])
      await server.store.addTeamMember({ teamId: 'wedding:123', userId })

    const hub = createMemoryHub({ clock })
    const join = (userId: string) =>
      createPresenceClient({
        transport: hub.connect(userId),
        userId,
        clock,
        scheduler: clock,
        activity: createFakeActivity(),
      }).enter('wedding:123')
    const board = join('u-venue')
    join('u-photo')
    join('u-dj')
    await clock.advance(1_000)
    hub.partition('u-venue', 'u-dj') // online, but its receipt will not come back

    const pending = broadcastUrgent(board, remoteNotificationRouter(clientOf(server, 'u-venue')), {
      event: 'ceremony-moved',
      payload: { text: 'Ceremony moved to 16:00' },
      timeoutMs: 2_000,
      team: ['u-venue', 'u-photo', 'u-caterer', 'u-dj'],
      sender: 'u-venue',
    })
    await clock.advance(2_000)
    const result = await pending
    expect(result.delivered).toEqual(['u-photo'])
    expect(result.routed.map((r) => [r.userId, r.because, r.result?.delivered])).toEqual([
      ['u-dj', 'no-receipt', ['in-app', 'push', 'fallback']],
      ['u-caterer', 'not-in-room', ['in-app', 'push', 'fallback']],
    ])
    expect(sent).toContain('fallback:u-caterer:u-venue:ceremony-moved')
    expect(sent).toHaveLength(6)
  })
})
