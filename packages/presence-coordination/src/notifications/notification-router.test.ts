import type { Status } from '@wedsync/presence-core'
import { createMemoryStore, isPresenceServerError } from '@wedsync/presence-server'
import { createFakeClock, type FakeClock } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createNotificationRouter,
  type DeliveryContext,
  type Notification,
  type NotificationRouter,
  type NotificationRouterOptions,
  presenceFromStore,
} from './notification-router.js'
import { createMemoryNotificationStore, type NotificationStore } from './notification-store.js'

const HOUR = 3_600_000

interface Sent {
  readonly route: string
  readonly id: string
  readonly to: string
  readonly payload: unknown
  readonly context: DeliveryContext
}

function world(overrides: Partial<NotificationRouterOptions> = {}) {
  const clock = createFakeClock()
  const statuses = new Map<string, Status>()
  const sent: Sent[] = []
  const errors: unknown[] = []
  const store: NotificationStore = overrides.store ?? createMemoryNotificationStore()
  const hook = (route: string) => (n: Notification, context: DeliveryContext) => {
    sent.push({ route, id: n.id, to: n.recipientId, payload: n.payload, context })
  }
  const routers: NotificationRouter[] = []
  const make = (more: Partial<NotificationRouterOptions> = {}) => {
    const router = createNotificationRouter({
      store,
      hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
      presence: (userId) => statuses.get(userId) ?? 'offline',
      clock,
      scheduler: clock,
      onError: (error) => errors.push(error),
      ...overrides,
      ...more,
    })
    routers.push(router)
    return router
  }
  return { clock, statuses, sent, errors, store, make, routers }
}

let cleanup: (() => void)[] = []
afterEach(() => {
  for (const c of cleanup) c()
  cleanup = []
})

function started(w: ReturnType<typeof world>, more?: Partial<NotificationRouterOptions>) {
  const router = w.make(more)
  cleanup.push(() => router.stop())
  return router
}

const routes = (sent: readonly Sent[]) => sent.map((s) => `${s.route}:${s.to}`)

describe('createNotificationRouter: delivering now', () => {
  it.each([
    ['online', ['in-app']],
    ['idle', ['in-app', 'push']],
    ['away', ['in-app', 'push']],
    ['offline', ['fallback']],
  ] as const)('routine to someone %s goes %j', async (status, expected) => {
    const w = world()
    w.statuses.set('u-photo', status)
    const result = await w.make().send({
      recipientId: 'u-photo',
      urgency: 'routine',
      payload: { text: 'Timeline updated' },
    })
    expect(result).toMatchObject({ held: false, delivered: expected, failed: [], skipped: [] })
    expect(w.sent.map((s) => s.route)).toEqual(expected)
    expect(w.sent[0]!.payload).toEqual({ text: 'Timeline updated' })
    expect(await w.store.pending()).toEqual([])
  })

  it('an emergency goes on every route at once, even to someone busy', async () => {
    const w = world()
    w.statuses.set('u-planner', 'busy')
    const result = await w.make().send({
      recipientId: 'u-planner',
      urgency: 'emergency',
      payload: { text: 'Ceremony moved to 16:00' },
    })
    expect(result.delivered).toEqual(['in-app', 'push', 'fallback'])
    expect(w.sent.map((s) => s.context.reason)).toEqual(['emergency', 'emergency', 'emergency'])
  })

  it('uses the status the caller gives instead of asking', async () => {
    const w = world()
    w.statuses.set('u-dj', 'offline')
    await w.make().send({ recipientId: 'u-dj', urgency: 'routine', payload: 1, status: 'online' })
    expect(routes(w.sent)).toEqual(['in-app:u-dj'])
  })

  it('reports routes without a hook as skipped, and hooks that throw as failed', async () => {
    const w = world({
      hooks: {
        inApp: () => {
          throw new Error('socket gone')
        },
        push: async () => {},
      },
    })
    w.statuses.set('u-a', 'idle')
    w.statuses.set('u-b', 'offline')
    const router = w.make()
    expect(await router.send({ recipientId: 'u-a', urgency: 'routine', payload: 1 })).toMatchObject(
      { delivered: ['push'], failed: ['in-app'], skipped: [] },
    )
    expect(await router.send({ recipientId: 'u-b', urgency: 'routine', payload: 1 })).toMatchObject(
      { delivered: [], failed: [], skipped: ['fallback'] },
    )
    expect(w.errors).toHaveLength(1)
  })

  it('takes ids of up to 513 characters: room for a sender-scoped id', async () => {
    const w = world()
    const id = `${'%3A'.repeat(128)}:${'x'.repeat(128)}`
    const result = await w.make().send({ id, recipientId: 'u', urgency: 'routine', payload: 1 })
    expect(result.id).toBe(id)
    expect(id).toHaveLength(513)
  })

  it('refuses malformed input with a typed error', async () => {
    const w = world()
    const router = w.make()
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    const bad: [unknown, string][] = [
      [{ recipientId: '', urgency: 'routine', payload: 1 }, 'PRESENCE_PAYLOAD_INVALID'],
      [{ recipientId: 'u', urgency: 'soon', payload: 1 }, 'PRESENCE_PAYLOAD_INVALID'],
      [{ recipientId: 'u', urgency: 'routine', payload: 1n }, 'PRESENCE_PAYLOAD_INVALID'],
      [{ recipientId: 'u', urgency: 'routine', payload: cyclic }, 'PRESENCE_PAYLOAD_INVALID'],
      [{ recipientId: 'u', urgency: 'routine', payload: () => 1 }, 'PRESENCE_PAYLOAD_INVALID'],
      [
        { recipientId: 'u', urgency: 'routine', payload: 'x'.repeat(70_000) },
        'PRESENCE_PAYLOAD_TOO_LARGE',
      ],
      [
        { id: 'x'.repeat(514), recipientId: 'u', urgency: 'routine', payload: 1 },
        'PRESENCE_PAYLOAD_INVALID',
      ],
      [
        { id: 'a\nb', recipientId: 'u', urgency: 'routine', payload: 1 },
        'PRESENCE_PAYLOAD_INVALID',
      ],
    ]
    for (const [input, code] of bad) {
      const error = await router.send(input as never).catch((e: unknown) => e)
      expect(isPresenceServerError(error) && error.code).toBe(code)
    }
    const error = await router.onPresenceChange('u', 'asleep' as never).catch((e: unknown) => e)
    expect(isPresenceServerError(error) && error.code).toBe('PRESENCE_PAYLOAD_INVALID')
    expect(w.sent).toEqual([])
  })
})

describe('createNotificationRouter: holding and releasing', () => {
  it('holds a routine note while busy and releases it once when they come online', async () => {
    const w = world()
    w.statuses.set('u-florist', 'busy')
    const router = started(w)
    await router.start()
    const result = await router.send({
      id: 'n-1',
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: { text: 'Bouquet count?' },
    })
    expect(result).toMatchObject({
      held: true,
      decision: { action: 'hold', reason: 'busy', giveUpAt: w.clock.now() + HOUR },
    })
    expect(w.sent).toEqual([])
    await w.clock.advance(20 * 60_000)
    expect(await router.onPresenceChange('u-florist', 'busy')).toEqual([])
    w.statuses.set('u-florist', 'online')
    const released = await router.onPresenceChange('u-florist', { status: 'online' })
    expect(released).toMatchObject([{ id: 'n-1', delivered: ['in-app'] }])
    expect(w.sent).toMatchObject([
      { route: 'in-app', id: 'n-1', context: { reason: 'online', heldForMs: 20 * 60_000 } },
    ])
    expect(await router.onPresenceChange('u-florist', 'online')).toEqual([])
    await w.clock.advance(2 * HOUR)
    expect(w.sent).toHaveLength(1)
    expect(await w.store.get('n-1')).toMatchObject({ releasedRoutes: ['in-app'], attempts: 1 })
  })

  it('gives up waiting after an hour: in-app and push if still busy', async () => {
    const w = world()
    w.statuses.set('u-florist', 'busy')
    const router = started(w)
    await router.start()
    await router.send({ recipientId: 'u-florist', urgency: 'routine', payload: 'a' })
    await w.clock.advance(HOUR - 1)
    expect(w.sent).toEqual([])
    await w.clock.advance(1)
    expect(w.sent.map((s) => [s.route, s.context.reason])).toEqual([
      ['in-app', 'hold-expired'],
      ['push', 'hold-expired'],
    ])
  })

  it('goes to the fallback at once when they go offline while it waits', async () => {
    const w = world({ maxHoldMs: 10 * 60_000 })
    w.statuses.set('u-caterer', 'busy')
    const router = started(w)
    await router.start()
    await router.send({ recipientId: 'u-caterer', urgency: 'routine', payload: 'menu' })
    w.statuses.set('u-caterer', 'offline')
    await router.onPresenceChange('u-caterer', 'offline')
    expect(routes(w.sent)).toEqual(['fallback:u-caterer'])
    await w.clock.advance(HOUR)
    expect(w.sent).toHaveLength(1)
  })

  it('quiet hours hold until they end, whatever the status does meanwhile', async () => {
    // The fake clock starts 13 June 2026 09:00 UTC; quiet 09:00–10:30 UTC for this test.
    const w = world({
      preferences: () => ({ quietHours: { start: '09:00', end: '10:30', timeZone: 'UTC' } }),
    })
    w.statuses.set('u-dj', 'away')
    const router = started(w)
    await router.start()
    const held = await router.send({ recipientId: 'u-dj', urgency: 'routine', payload: 'x' })
    expect(held.decision).toEqual({
      action: 'hold',
      giveUpAt: w.clock.now() + 90 * 60_000,
      reason: 'quiet-hours',
    })
    w.statuses.set('u-dj', 'idle')
    expect(await router.onPresenceChange('u-dj', 'idle')).toEqual([])
    await w.clock.advance(90 * 60_000)
    expect(w.sent.map((s) => [s.route, s.context.reason])).toEqual([
      ['in-app', 'hold-expired'],
      ['push', 'hold-expired'],
    ])
  })

  it('a busy hold whose deadline falls in quiet hours waits for them to end', async () => {
    const w = world({
      preferences: () => ({ quietHours: { start: '09:30', end: '12:00', timeZone: 'UTC' } }),
    })
    w.statuses.set('u-dj', 'busy')
    const router = started(w)
    await router.start()
    await router.send({ id: 'n', recipientId: 'u-dj', urgency: 'routine', payload: 'x' })
    await w.clock.advance(HOUR)
    expect(w.sent).toEqual([])
    expect(await w.store.get('n')).toMatchObject({
      reason: 'quiet-hours',
      giveUpAt: Date.UTC(2026, 5, 13, 12, 0),
    })
    await w.clock.advance(2 * HOUR)
    expect(w.sent.map((s) => s.route)).toEqual(['in-app', 'push'])
  })

  it('a second send with the same id while held changes nothing', async () => {
    const w = world()
    w.statuses.set('u-a', 'busy')
    const router = w.make()
    await router.send({ id: 'same', recipientId: 'u-a', urgency: 'routine', payload: 1 })
    await router.send({ id: 'same', recipientId: 'u-a', urgency: 'routine', payload: 2 })
    expect(await w.store.pending()).toMatchObject([{ id: 'same', payload: 1 }])
    await router.onPresenceChange('u-a', 'online')
    expect(w.sent.map((s) => s.payload)).toEqual([1])
  })

  it('if they came back while it was being held, it goes at once', async () => {
    const w = world()
    let calls = 0
    const router = w.make({ presence: () => (++calls === 1 ? 'busy' : 'online') })
    const result = await router.send({ recipientId: 'u-a', urgency: 'routine', payload: 1 })
    expect(result).toMatchObject({ held: false, delivered: ['in-app'] })
    expect(await w.store.pending()).toEqual([])
  })

  it('retries a release whose every route failed, and never loses it', async () => {
    let fail = true
    const w = world({
      retryMs: 5_000,
      hooks: {
        inApp: () => {
          if (fail) throw new Error('down')
        },
      },
    })
    w.statuses.set('u-a', 'busy')
    const router = started(w)
    await router.start()
    await router.send({ id: 'n', recipientId: 'u-a', urgency: 'routine', payload: 1 })
    w.statuses.set('u-a', 'online')
    expect(await router.onPresenceChange('u-a', 'online')).toMatchObject([{ failed: ['in-app'] }])
    expect(await w.store.get('n')).not.toHaveProperty('releasedAt')
    fail = false
    await w.clock.advance(5_000)
    expect(await router.onPresenceChange('u-a', 'online')).toMatchObject([
      { delivered: ['in-app'] },
    ])
    expect(await w.store.get('n')).toMatchObject({ attempts: 2, releasedRoutes: ['in-app'] })
    expect(w.errors).toHaveLength(1)
  })

  it('two routers on one store release a due notification once', async () => {
    const w = world()
    w.statuses.set('u-a', 'busy')
    const a = started(w, { instanceId: 'a' })
    const b = started(w, { instanceId: 'b' })
    await a.start()
    await b.start()
    await a.send({ id: 'n', recipientId: 'u-a', urgency: 'routine', payload: 1 })
    // b never saw the hold; it finds the deadline by polling the store.
    await w.clock.advance(HOUR + 30_000)
    expect(w.sent.map((s) => s.route)).toEqual(['in-app', 'push'])
    expect((await w.store.get('n'))?.releasedBy).toBe('a')
  })

  it('a router started after a restart releases what an earlier one held', async () => {
    const w = world({ pollMs: false })
    w.statuses.set('u-a', 'busy')
    const first = w.make({ instanceId: 'first' })
    await first.send({ id: 'n', recipientId: 'u-a', urgency: 'routine', payload: { k: 1 } })
    first.stop()
    const second = started(w, { instanceId: 'second' })
    await second.start()
    await w.clock.advance(HOUR)
    expect(w.sent).toMatchObject([
      { route: 'in-app', id: 'n', payload: { k: 1 } },
      { route: 'push' },
    ])
    expect((await w.store.get('n'))?.releasedBy).toBe('second')
  })

  it('keeps running when the store fails, and reports it', async () => {
    const base = createMemoryNotificationStore()
    let broken = false
    const store: NotificationStore = {
      ...base,
      claim: (q) => (broken ? Promise.reject(new Error('db down')) : base.claim(q)),
      nextWake: () => (broken ? Promise.reject(new Error('db down')) : base.nextWake()),
    }
    const w = world({ store, pollMs: 60_000 })
    w.statuses.set('u-a', 'busy')
    const router = started(w)
    await router.start()
    await router.send({ recipientId: 'u-a', urgency: 'routine', payload: 1 })
    broken = true
    await w.clock.advance(HOUR)
    expect(w.errors.length).toBeGreaterThan(0)
    broken = false
    await w.clock.advance(60_000)
    expect(w.sent.map((s) => s.route)).toEqual(['in-app', 'push'])
  })
})

describe('createNotificationRouter: catching up from the store', () => {
  it('releases on the poll for a recipient who became available with no onPresenceChange', async () => {
    const w = world({ pollMs: 30_000 })
    w.statuses.set('u-a', 'busy')
    const router = started(w)
    await router.start()
    await router.send({ id: 'n1', recipientId: 'u-a', urgency: 'routine', payload: 1 })
    await router.send({ id: 'n2', recipientId: 'u-a', urgency: 'routine', payload: 2 })
    await w.clock.advance(30_000)
    expect(w.sent).toEqual([]) // still busy: the poll holds on
    w.statuses.set('u-a', 'online') // written elsewhere; this router is never told
    await w.clock.advance(30_000)
    expect(w.sent.map((s) => `${s.route}:${s.id}`)).toEqual(['in-app:n1', 'in-app:n2'])
    await w.clock.advance(HOUR)
    expect(w.sent).toHaveLength(2)
  })

  it('looks everyone up once per poll, not on every deadline wake (a flood of deadlines)', async () => {
    const w = world({ pollMs: 30_000 })
    w.statuses.set('u-a', 'busy')
    w.statuses.set('u-b', 'busy')
    const lookups = new Map<string, number>()
    const router = started(w, {
      // u-a's holds end after 5 s each; u-b waits the hour.
      preferences: (userId) => (userId === 'u-a' ? { maxHoldMs: 5_000 } : undefined),
      presence: (userId) => {
        lookups.set(userId, (lookups.get(userId) ?? 0) + 1)
        return w.statuses.get(userId) ?? 'offline'
      },
    })
    await router.start()
    await router.send({ id: 'b1', recipientId: 'u-b', urgency: 'routine', payload: 0 })
    for (let i = 0; i < 10; i++) {
      await router.send({ id: `a${i}`, recipientId: 'u-a', urgency: 'routine', payload: i })
      await w.clock.advance(1_000) // ten deadlines, a second apart, inside one poll interval
    }
    lookups.clear()
    await w.clock.advance(20_000) // the ten deadline wakes pass, then the poll at 30 s
    expect(new Set(w.sent.filter((s) => s.to === 'u-a').map((s) => s.id)).size).toBe(10)
    expect(w.sent.filter((s) => s.to === 'u-b')).toEqual([])
    // u-b, held all along, is looked up by the one poll: not once per u-a deadline.
    expect(lookups.get('u-b')).toBe(1)
  })

  it('reports a presence lookup that fails and keeps the rest going', async () => {
    const w = world({ pollMs: false })
    w.statuses.set('u-a', 'busy')
    w.statuses.set('u-b', 'busy')
    const router = started(w)
    await router.send({ id: 'a1', recipientId: 'u-a', urgency: 'routine', payload: 1 })
    await router.send({ id: 'b1', recipientId: 'u-b', urgency: 'routine', payload: 1 })
    w.statuses.set('u-b', 'online')
    const failing = started(w, {
      presence: (userId) => {
        if (userId === 'u-a') throw new Error('presence down')
        return w.statuses.get(userId) ?? 'offline'
      },
    })
    const results = await failing.releaseDue()
    expect(results.map((r) => r.id)).toEqual(['b1'])
    expect(w.errors).toHaveLength(1)
  })
})

describe('presenceFromStore', () => {
  it('applies the lease and treats appear-offline as offline', async () => {
    const clock: FakeClock = createFakeClock()
    const store = createMemoryStore()
    const presence = presenceFromStore(store, { clock, leaseMs: 30_000 })
    expect(await presence('u-never')).toBe('offline')
    await store.recordStatus({ userId: 'u-a', status: 'busy', at: clock.now() })
    expect(await presence('u-a')).toBe('busy')
    await clock.advance(31_000)
    expect(await presence('u-a')).toBe('offline')
    await store.recordStatus({ userId: 'u-a', status: 'online', at: clock.now() })
    expect(await presence('u-a')).toBe('online')
    await store.updateSettings('u-a', { appearOffline: true }, clock.now())
    expect(await presence('u-a')).toBe('offline')
  })
})
