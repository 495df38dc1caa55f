/**
 * POST /presence/notifications in process: the caller becomes the sender, only teammates may be
 * notified (or whom `mayNotify` allows), sends are rate limited, and a status change recorded by
 * POST /presence/status releases what the router held for a busy user. Then what a malicious
 * teammate with a valid token tried: steering the route with a claimed status, taking over
 * another sender's id, and a flood of emergencies.
 */

import { createRateLimiter, MAX_NOTIFICATION_ID_LENGTH } from '@wedsync/presence-server'
import { createDeferred } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import type { SentPayload } from './notification-endpoint.js'
import { scopedNotificationId } from './notification-endpoint.js'
import {
  createNotificationRouter,
  type DeliveryResult,
  type Notification,
  presenceFromStore,
} from './notification-router.js'
import { createMemoryNotificationStore } from './notification-store.js'

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error

async function weddingTeam(options: Parameters<typeof testServer>[0] = {}) {
  const sent: string[] = []
  let firstSend = createDeferred<string>()
  const waiters: { count: number; resolve: () => void }[] = []
  const hook = (route: string) => (n: Notification<SentPayload>) => {
    const line = `${route}:${n.recipientId}:${n.payload.senderId}:${JSON.stringify(n.payload.payload)}`
    sent.push(line)
    firstSend.resolve(line)
    for (const waiter of waiters) if (sent.length >= waiter.count) waiter.resolve()
  }
  /** Resolves once the hooks have been called `count` times in all. */
  const sendsReach = (count: number) => {
    const reached = createDeferred()
    if (sent.length >= count) reached.resolve()
    else waiters.push({ count, resolve: () => reached.resolve() })
    return reached.promise
  }
  /** Resolves with the next hook call. */
  const nextSend = () => {
    firstSend = createDeferred<string>()
    return firstSend.promise
  }
  let router: ReturnType<typeof createNotificationRouter<SentPayload>> | undefined
  /** Every notification the router was asked to send. */
  const routed: string[] = []
  const server = testServer({
    ...options,
    notifications: {
      router: {
        send: (input) => {
          routed.push(input.id ?? '(no id)')
          return router!.send(input)
        },
        onPresenceChange: (userId, status) => router!.onPresenceChange(userId, status),
      },
      ...options.notifications,
    },
  })
  const notificationStore = createMemoryNotificationStore()
  router = createNotificationRouter<SentPayload>({
    store: notificationStore,
    hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
    // The stored status: nobody has reported any yet, so everyone starts offline.
    presence: presenceFromStore(server.store, { clock: server.clock }),
    clock: server.clock,
    scheduler: server.clock,
  })
  for (const [userId, role] of [
    ['u-venue', 'venue coordinator'],
    ['u-florist', 'florist'],
    ['u-planner', 'planner'],
    ['u-dj', 'dj'],
  ] as const)
    await server.store.addTeamMember({ teamId: 'wedding:123', userId, role })
  /** `userId` reports `status` through the status endpoint (what the router then looks up). */
  const report = async (userId: string, status: string) =>
    expect((await server.call(userId, 'POST', '/presence/status', { status })).status).toBe(200)
  return { ...server, sent, nextSend, sendsReach, router, routed, notificationStore, report }
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
    const { call, sent, nextSend, report } = await weddingTeam()
    await report('u-florist', 'busy')
    const held = await call('u-venue', 'POST', '/presence/notifications', {
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: { text: 'Bouquets?' },
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

describe('POST /presence/notifications against a malicious teammate', () => {
  const send = (
    server: Awaited<ReturnType<typeof weddingTeam>>,
    senderId: string,
    body: Record<string, unknown>,
  ) => server.call(senderId, 'POST', '/presence/notifications', body)

  it('routes by the stored status: a claimed status in the body is ignored', async () => {
    const team = await weddingTeam()
    await team.report('u-florist', 'online')
    // The sender claims the recipient is offline, to make an online florist get an SMS.
    const response = await send(team, 'u-venue', {
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: 'Bouquets?',
      status: 'offline',
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      decision: { action: 'deliver', routes: ['in-app'] },
      delivered: ['in-app'],
    })
    expect(team.sent).toEqual(['in-app:u-florist:u-venue:"Bouquets?"'])

    // Nor does a claimed "online" get a routine message past a busy recipient's hold.
    await team.report('u-dj', 'busy')
    const held = await send(team, 'u-venue', {
      recipientId: 'u-dj',
      urgency: 'routine',
      payload: 'Playlist?',
      status: 'online',
    })
    expect(await held.json()).toMatchObject({ held: true, decision: { reason: 'busy' } })
  })

  it('scopes ids by sender: a teammate cannot take over someone else’s held message', async () => {
    const team = await weddingTeam()
    await team.report('u-florist', 'busy')
    const mine = await send(team, 'u-venue', {
      id: 'n-1',
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: 'Bouquets at 15:00',
    })
    // Same id from another teammate: a notification of their own, not a replacement of this one.
    const theirs = await send(team, 'u-planner', {
      id: 'n-1',
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: 'Cancel the bouquets',
    })
    for (const response of [mine, theirs]) {
      expect(response.status).toBe(200)
      // The caller gets its own id back, as it sent it.
      expect(await response.json()).toMatchObject({ id: 'n-1', held: true })
    }
    expect(team.routed).toEqual(['u-venue:n-1', 'u-planner:n-1'])
    expect((await team.notificationStore.pending()).map((n) => n.id).sort()).toEqual([
      'u-planner:n-1',
      'u-venue:n-1',
    ])

    // A repeat by the same sender stays idempotent: still one held notification each.
    const repeat = await send(team, 'u-venue', {
      id: 'n-1',
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: 'Bouquets at 15:00',
    })
    expect(await repeat.json()).toMatchObject({ id: 'n-1', held: true })
    expect(await team.notificationStore.pending()).toHaveLength(2)

    const released = team.sendsReach(2)
    await team.report('u-florist', 'online')
    await released
    expect(team.sent.sort()).toEqual([
      'in-app:u-florist:u-planner:"Cancel the bouquets"',
      'in-app:u-florist:u-venue:"Bouquets at 15:00"',
    ])
  })

  it('makes an id per send when none is given, and tells the caller', async () => {
    const team = await weddingTeam()
    const response = await send(team, 'u-venue', {
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: 1,
    })
    const { id } = (await response.json()) as DeliveryResult
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(team.routed).toEqual([`u-venue:${id}`])
  })

  it('keeps scoped ids apart even when sender ids contain the separator', async () => {
    expect(scopedNotificationId('u-venue', 'n-1')).toBe('u-venue:n-1')
    expect(scopedNotificationId('a:b', 'c')).not.toBe(scopedNotificationId('a', 'b:c'))
    expect(scopedNotificationId('a%3Ab', 'c')).not.toBe(scopedNotificationId('a:b', 'c'))
    // The longest sender id, all separators, with the longest id still fits the router.
    const team = await weddingTeam()
    const sender = ':'.repeat(128)
    await team.store.addTeamMember({ teamId: 'wedding:123', userId: sender })
    const response = await send(team, sender, {
      id: 'x'.repeat(128),
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: 1,
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ id: 'x'.repeat(128) })
    expect(team.routed).toEqual([`${'%3A'.repeat(128)}:${'x'.repeat(128)}`])
    expect(team.routed[0]).toHaveLength(MAX_NOTIFICATION_ID_LENGTH)
  })

  it('turns 116 emergencies in a burst into 5 fallback calls; the rest are 429, never routed', async () => {
    const team = await weddingTeam()
    const responses = await Promise.all(
      Array.from({ length: 116 }, (_, i) =>
        send(team, 'u-venue', {
          id: `sos-${i}`,
          recipientId: 'u-florist',
          urgency: 'emergency',
          payload: 'Call me',
        }),
      ),
    )
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(111)
    expect(team.routed).toHaveLength(5)
    expect(team.sent.filter((line) => line.startsWith('fallback:'))).toHaveLength(5)
    const refused = responses.find((r) => r.status === 429)!
    expect(refused.headers.get('retry-after')).toBe('600')
    expect(await errorOf(refused)).toMatchObject({ code: 'PRESENCE_RATE_LIMITED' })
    expect(team.handlers.metrics.render()).toContain(
      'presence_rate_limit_rejections_total{limiter="notification-emergency"} 111',
    )

    // The emergency budget is per pair and separate: routine news and other recipients still go.
    expect(
      (await send(team, 'u-venue', { recipientId: 'u-florist', urgency: 'routine', payload: 1 }))
        .status,
    ).toBe(200)
    expect(
      (await send(team, 'u-venue', { recipientId: 'u-dj', urgency: 'emergency', payload: 1 }))
        .status,
    ).toBe(200)
    expect(
      (
        await send(team, 'u-planner', {
          recipientId: 'u-florist',
          urgency: 'emergency',
          payload: 1,
        })
      ).status,
    ).toBe(200)

    await team.clock.advance(10 * 60_000)
    const later = await send(team, 'u-venue', {
      recipientId: 'u-florist',
      urgency: 'emergency',
      payload: 'Call me',
    })
    expect(later.status).toBe(200)
  })

  it('limits sends per sender → recipient, any urgency: 30 an hour by default', async () => {
    const team = await weddingTeam()
    const results: Response[] = []
    for (let i = 0; i < 31; i++)
      results.push(
        await send(team, 'u-venue', {
          recipientId: 'u-florist',
          urgency: i % 10 === 0 ? 'emergency' : 'routine',
          payload: i,
        }),
      )
    expect(results.slice(0, 30).every((r) => r.status === 200)).toBe(true)
    expect(results[30]!.status).toBe(429)
    expect(results[30]!.headers.get('retry-after')).toBe('3600')
    expect(team.routed).toHaveLength(30)
    // Nothing accepted is lost: every 200 was delivered or held.
    for (const response of results.slice(0, 30)) {
      const result = (await response.json()) as DeliveryResult
      expect(result.held || result.delivered.length > 0).toBe(true)
    }
    expect(
      (await send(team, 'u-venue', { recipientId: 'u-dj', urgency: 'routine', payload: 1 })).status,
    ).toBe(200)
    await team.clock.advance(60 * 60_000)
    expect(
      (await send(team, 'u-venue', { recipientId: 'u-florist', urgency: 'routine', payload: 1 }))
        .status,
    ).toBe(200)
  })

  it('takes the app’s per-recipient and emergency limiters', async () => {
    const base = await weddingTeam()
    const team = await weddingTeam({
      notifications: {
        router: { send: (input) => base.router.send(input) },
        recipientRateLimiter: createRateLimiter({ clock: base.clock, limit: 3, prefix: 'r:' }),
        emergencyRateLimiter: createRateLimiter({ clock: base.clock, limit: 1, prefix: 'e:' }),
      },
    })
    const emergency = { recipientId: 'u-florist', urgency: 'emergency', payload: 1 }
    const routine = { recipientId: 'u-florist', urgency: 'routine', payload: 1 }
    expect((await send(team, 'u-venue', emergency)).status).toBe(200)
    expect((await send(team, 'u-venue', emergency)).status).toBe(429)
    // The refused emergency cost nothing of the pair's budget: two routine sends still go.
    expect((await send(team, 'u-venue', routine)).status).toBe(200)
    expect((await send(team, 'u-venue', routine)).status).toBe(200)
    expect((await send(team, 'u-venue', routine)).status).toBe(429)
  })
})
