/**
 * POST /presence/notifications in process: the caller becomes the sender, only teammates may be
 * notified (or whom `mayNotify` allows), sends are rate limited, and a status change recorded by
 * POST /presence/status releases what the router held for a busy user.
 */
import { createDeferred } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import type { SentPayload } from './notification-endpoint.js'
import { createNotificationRouter, type Notification } from './notification-router.js'
import { createMemoryNotificationStore } from './notification-store.js'
import { createRateLimiter } from './rate-limiter.js'
import { testServer } from './test-support.js'

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error

async function weddingTeam(options: Parameters<typeof testServer>[0] = {}) {
  const sent: string[] = []
  let firstSend = createDeferred<string>()
  const hook = (route: string) => (n: Notification<SentPayload>) => {
    const line = `${route}:${n.recipientId}:${n.payload.senderId}:${JSON.stringify(n.payload.payload)}`
    sent.push(line)
    firstSend.resolve(line)
  }
  /** Resolves with the next hook call. */
  const nextSend = () => {
    firstSend = createDeferred<string>()
    return firstSend.promise
  }
  let router: ReturnType<typeof createNotificationRouter<SentPayload>> | undefined
  const server = testServer({
    ...options,
    notifications: {
      router: {
        send: (input) => router!.send(input),
        onPresenceChange: (userId, status) => router!.onPresenceChange(userId, status),
      },
      ...options.notifications,
    },
  })
  router = createNotificationRouter<SentPayload>({
    store: createMemoryNotificationStore(),
    hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
    presence: () => 'offline',
    clock: server.clock,
    scheduler: server.clock,
  })
  for (const [userId, role] of [
    ['u-venue', 'venue coordinator'],
    ['u-florist', 'florist'],
  ] as const)
    await server.store.addTeamMember({ teamId: 'wedding:123', userId, role })
  return { ...server, sent, nextSend, router }
}

describe('POST /presence/notifications', () => {
  it('routes a teammate’s notification, with the caller as its sender', async () => {
    const { call, sent } = await weddingTeam()
    const response = await call('u-venue', 'POST', '/presence/notifications', {
      id: 'b1:u-florist',
      recipientId: 'u-florist',
      urgency: 'emergency',
      payload: { text: 'Ceremony moved to 16:00' },
      status: 'busy',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      id: 'b1:u-florist',
      recipientId: 'u-florist',
      decision: { action: 'deliver', reason: 'emergency' },
      delivered: ['in-app', 'push', 'fallback'],
      held: false,
    })
    expect(sent).toContain('fallback:u-florist:u-venue:{"text":"Ceremony moved to 16:00"}')
  })

  it('refuses someone outside the sender’s teams, the same whether or not they exist', async () => {
    const { call, sent } = await weddingTeam()
    for (const recipientId of ['u-stranger', 'u-nobody-at-all']) {
      const response = await call('u-venue', 'POST', '/presence/notifications', {
        recipientId,
        urgency: 'emergency',
        payload: 'x',
      })
      expect(response.status).toBe(403)
      expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_FORBIDDEN' })
    }
    expect(sent).toEqual([])
  })

  it('lets the app decide who may notify whom', async () => {
    const { call } = await weddingTeam({
      notifications: {
        router: { send: async () => Promise.reject(new Error('not reached')) },
        mayNotify: (_sender, request) => request.urgency === 'routine',
      },
    })
    const response = await call('u-venue', 'POST', '/presence/notifications', {
      recipientId: 'u-florist',
      urgency: 'emergency',
      payload: 'x',
    })
    expect(response.status).toBe(403)
  })

  it('validates the body and needs a token', async () => {
    const { call } = await weddingTeam()
    expect((await call(null, 'POST', '/presence/notifications', {})).status).toBe(401)
    for (const body of [
      { recipientId: 'u-florist', urgency: 'now', payload: 1 },
      { recipientId: 'u-florist', urgency: 'routine' },
      { recipientId: 'u-florist', urgency: 'routine', payload: 1, extra: true },
      { recipientId: '', urgency: 'routine', payload: 1 },
    ]) {
      const response = await call('u-venue', 'POST', '/presence/notifications', body)
      expect(response.status).toBe(400)
      expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID' })
    }
  })

  it('limits sends per sender', async () => {
    const server = await weddingTeam()
    const limited = await weddingTeam({
      notifications: {
        router: { send: (input) => server.router.send(input) },
        rateLimiter: createRateLimiter({ clock: server.clock, limit: 2, prefix: 'notify:' }),
      },
    })
    const send = () =>
      limited.call('u-venue', 'POST', '/presence/notifications', {
        recipientId: 'u-florist',
        urgency: 'routine',
        payload: 1,
      })
    expect((await send()).status).toBe(200)
    expect((await send()).status).toBe(200)
    const third = await send()
    expect(third.status).toBe(429)
    expect(third.headers.get('retry-after')).toBe('60')
  })

  it('is not served without a router', async () => {
    const { call } = testServer()
    const response = await call('u-venue', 'POST', '/presence/notifications', {
      recipientId: 'u-venue',
      urgency: 'routine',
      payload: 1,
    })
    expect(response.status).toBe(404)
  })

  it('releases what it held for a busy user when their status update says they are free', async () => {
    const { call, sent, nextSend } = await weddingTeam()
    const held = await call('u-venue', 'POST', '/presence/notifications', {
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: { text: 'Bouquets?' },
      status: 'busy',
    })
    expect(await held.json()).toMatchObject({ held: true, decision: { reason: 'busy' } })
    expect(sent).toEqual([])

    const released = nextSend()
    await call('u-florist', 'POST', '/presence/status', { status: 'online' })
    expect(await released).toBe('in-app:u-florist:u-venue:{"text":"Bouquets?"}')
    expect(sent).toEqual(['in-app:u-florist:u-venue:{"text":"Bouquets?"}'])
  })

  it.each([
    ['rejects', async () => Promise.reject(new Error('store down'))],
    [
      'throws at once',
      () => {
        throw new Error('store down')
      },
    ],
  ])(
    'reports a release that %s through onError, without failing the status update',
    async (_, onPresenceChange) => {
      const errors: unknown[] = []
      const reported = createDeferred()
      const { call } = await weddingTeam({
        notifications: {
          router: {
            send: async () => Promise.reject(new Error('unused')),
            onPresenceChange: onPresenceChange as () => Promise<never>,
          },
        },
        onError: (error) => {
          errors.push(error)
          reported.resolve()
        },
      })
      const response = await call('u-florist', 'POST', '/presence/status', { status: 'online' })
      expect(response.status).toBe(200)
      await reported.promise
      expect((errors[0] as Error).message).toBe('store down')
    },
  )
})
