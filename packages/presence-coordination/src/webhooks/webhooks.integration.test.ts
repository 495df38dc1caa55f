/**
 * Presence webhooks end to end on the Postgres at 127.0.0.1:5432 (a schema per test), through
 * the real handlers and a real node:http receiver that checks signatures with the Standard
 * Webhooks library and processes each webhook-id once: signatures, an outage (503, then
 * connection refused) ridden out with backoff on a fake clock, a sender that dies mid-flight,
 * pausing and resuming, replay, and privacy and filters. The fake clock starts at the real time,
 * so the receiver's timestamp check (five minutes either way) holds.
 */
import type { CustomStatus, Status } from '@wedsync/presence-core'
import {
  createRateLimiter,
  type PresenceStore,
  type StatusTransition,
} from '@wedsync/presence-server'
import { createSqlStore, migratePostgres, pgClient } from '@wedsync/presence-server/postgres'
import { createFakeClock } from '@wedsync/presence-testing'
import { Webhook } from 'standardwebhooks'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { dropSchema, schemaName, testPool, testServer } from '../../test/support.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../test/webhook-receiver.js'
import { COORDINATION_MIGRATIONS } from '../migrations.js'
import { type AttemptOutcome, createWebhookWorker } from './delivery-worker.js'
import { createWebhookCatchUp } from './webhook-catch-up.js'
import { webhookEndpoint } from './webhook-endpoint.js'
import { createWebhookMetrics, webhookHealthChecks } from './webhook-observability.js'
import type { WebhookStore } from './webhook-store.js'
import { createSqlWebhookStore } from './webhook-store-sql.js'

const admin = testPool(6)
const schemas: string[] = []
let receiver: WebhookReceiver
beforeAll(async () => {
  receiver = await startWebhookReceiver()
})
afterAll(async () => {
  await receiver.close()
  for (const schema of schemas) await dropSchema(admin, schema)
  await admin.end()
})
beforeEach(() => {
  receiver.mode = 'ok'
  receiver.requests.length = 0
  receiver.processed.length = 0
})

const BACKOFF = { baseMs: 1_000, maxMs: 8_000, maxAttempts: 6 }

async function harness(options: { maxAttempts?: number } = {}) {
  const schema = schemaName('webhooks')
  schemas.push(schema)
  await migratePostgres(admin, schema, { extraMigrations: COORDINATION_MIGRATIONS })
  const presence: PresenceStore = createSqlStore({ client: pgClient(admin), schema })
  const pools: { end(): Promise<void> }[] = []
  /** A webhook store on its own pool: one server instance's. */
  const instanceStore = () => {
    const pool = testPool(3)
    pools.push(pool)
    return createSqlWebhookStore({ client: pgClient(pool), schema })
  }
  const webhooks = instanceStore()
  const clock = createFakeClock(Date.now())
  const metrics = createWebhookMetrics({ store: webhooks, clock, scheduler: clock })
  const outcomes: AttemptOutcome[] = []
  const backoff = { ...BACKOFF, ...(options.maxAttempts && { maxAttempts: options.maxAttempts }) }
  const newWorker = (store: WebhookStore, instanceId: string) =>
    createWebhookWorker({
      store,
      clock,
      instanceId,
      pollMs: false,
      backoff,
      random: () => 0.5, // each wait is 3/4 of its step
      leaseMs: 30_000,
      onAttempt: (o) => {
        outcomes.push(o)
        metrics.onAttempt(o)
      },
    })
  const worker = newWorker(webhooks, 'instance-a')
  const extension = webhookEndpoint({ store: webhooks, urlPolicy: { allowPrivateNetworks: true } })
  // The handlers do not await their hooks; the test does, to know the outbox is filled.
  const enqueued: Promise<unknown>[] = []
  /** `down`: the hook does not run (as when the instance dies between the store and the hook). */
  const hooks = { down: false }
  const server = testServer({
    store: presence,
    clock,
    rateLimiter: createRateLimiter({ clock, limit: 10_000 }),
    metrics,
    healthChecks: webhookHealthChecks(webhooks),
    extensions: [
      {
        ...extension,
        onStatusChange: (transition: StatusTransition, request: Request) => {
          if (hooks.down) return
          const work = Promise.resolve(extension.onStatusChange!(transition, request))
          enqueued.push(work)
          return work
        },
      },
    ],
  })

  async function subscribe(ownerId: string, path: string, body: Record<string, unknown> = {}) {
    const response = await server.call(ownerId, 'POST', '/presence/webhooks', {
      url: receiver.url(path),
      ...body,
    })
    expect(response.status).toBe(201)
    const created = (await response.json()) as { subscription: { id: string }; secret: string }
    receiver.trust(path, created.secret)
    return created
  }

  async function setStatus(userId: string, status: Status, customStatus?: CustomStatus | null) {
    await clock.advance(1_000) // transitions a second apart, as people make them
    const response = await server.call(userId, 'POST', '/presence/status', {
      status,
      ...(customStatus === undefined ? {} : { customStatus }),
    })
    expect(response.status).toBe(200)
    await Promise.all(enqueued)
  }

  /** Delivers until nothing is pending, moving the clock to each retry. */
  async function deliverAll(w = worker) {
    for (let round = 0; round < 50; round++) {
      await w.drain()
      const due = await webhooks.nextDue()
      if (due === undefined) return
      if (due > clock.now()) await clock.advance(due - clock.now())
    }
    throw new Error('still pending after 50 rounds')
  }

  return {
    schema,
    hooks,
    extension,
    presence,
    webhooks,
    clock,
    metrics,
    outcomes,
    worker,
    newWorker,
    instanceStore,
    server,
    subscribe,
    setStatus,
    deliverAll,
    async close() {
      await worker.stop()
      for (const pool of pools) await pool.end()
    },
  }
}

const types = (path: string, userId?: string) =>
  receiver.processed
    .filter((p) => p.path === path && (userId === undefined || p.payload.data.userId === userId))
    .map((p) => `${p.payload.data.userId}:${p.payload.type}:${p.payload.data.status}`)

describe('presence webhooks on Postgres with a real receiver', () => {
  it('signs each delivery the Standard Webhooks way; the receiver verifies it, a tampered body fails', async () => {
    const h = await harness()
    const { subscription, secret } = await h.subscribe('u-planner', '/hooks/signed')
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
    const read = await h.server.call('u-planner', 'GET', `/presence/webhooks/${subscription.id}`)
    expect(JSON.stringify(await read.json())).not.toContain(secret)

    await h.setStatus('u-photo', 'online')
    await h.setStatus('u-photo', 'busy', { text: 'Shooting the ceremony', emoji: '📸' })
    await h.setStatus('u-photo', 'offline')
    await h.deliverAll()

    expect(types('/hooks/signed')).toEqual([
      'u-photo:presence.online:online',
      'u-photo:presence.status_changed:busy',
      'u-photo:presence.custom_status_changed:busy',
      'u-photo:presence.offline:offline',
    ])
    expect(receiver.requests.every((r) => r.verified)).toBe(true)
    const [first] = receiver.requests
    expect(first!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/)
    expect(first!.headers['webhook-signature']).toMatch(/^v1,/)
    expect(first!.headers['content-type']).toBe('application/json')
    expect(receiver.processed[1]!.payload.data).toEqual({
      userId: 'u-photo',
      status: 'busy',
      previousStatus: 'online',
      customStatus: { text: 'Shooting the ceremony', emoji: '📸' },
    })

    const wh = new Webhook(secret)
    expect(wh.verify(first!.body, first!.headers)).toEqual(JSON.parse(first!.body))
    expect(() => wh.verify(first!.body.replace('online', 'offline'), first!.headers)).toThrow(
      /No matching signature/,
    )
    expect(() => wh.verify(first!.body, { ...first!.headers, 'webhook-id': 'msg_other' })).toThrow()
    const { secret: other } = await h.subscribe('u-planner', '/hooks/other')
    expect(() => new Webhook(other).verify(first!.body, first!.headers)).toThrow()
    await h.close()
  })

  it('rides out an outage (503, then connection refused) with growing backoff; all arrive, in order per user', async () => {
    const h = await harness()
    await h.subscribe('u-planner', '/hooks/outage')
    receiver.mode = 'fail'
    for (const status of ['online', 'busy', 'idle', 'offline'] as const) {
      await h.setStatus('u-dj', status)
      await h.setStatus('u-florist', status)
    }
    // Each user's first event is tried; the rest wait behind it.
    await h.worker.drain()
    expect(receiver.requests.map((r) => JSON.parse(r.body).data.userId).sort()).toEqual([
      'u-dj',
      'u-florist',
    ])
    // Not again before its backoff (3/4 of 1 s), then again.
    await h.clock.advance(749)
    expect(await h.worker.drain()).toBe(0)
    await h.clock.advance(1)
    expect(await h.worker.drain()).toBe(2)
    // The receiver goes away altogether: connection refused.
    await receiver.close()
    await h.clock.advance(1_500)
    expect(await h.worker.drain()).toBe(2)
    expect(h.outcomes.at(-1)?.error).toMatch(/ECONNREFUSED|fetch failed/)
    // Each failure waited longer than the one before: 750, 1500 ms.
    const djTimes = h.outcomes.filter((o) => o.message.subjectId === 'u-dj').map((o) => o.at)
    expect(djTimes.slice(1).map((t, i) => t - djTimes[i]!)).toEqual([750, 1_500])

    await receiver.open()
    receiver.mode = 'ok'
    await h.deliverAll()
    const flow = ['online', 'status_changed', 'status_changed', 'offline']
    for (const user of ['u-dj', 'u-florist'])
      expect(
        types('/hooks/outage', user).map((t) => t.split(':')[1]!.replace('presence.', '')),
      ).toEqual(flow)
    expect(receiver.processed).toHaveLength(8)
    expect(receiver.requests.filter((r) => r.duplicate)).toEqual([])
    expect((await h.webhooks.stats()).pending).toBe(0)
    await h.close()
  })

  it('a sender that dies mid-flight loses nothing; an idempotent receiver processes each event once', async () => {
    const h = await harness()
    const { subscription } = await h.subscribe('u-planner', '/hooks/restart')
    for (const status of ['online', 'busy', 'offline'] as const) {
      await h.setStatus('u-venue', status)
      await h.setStatus('u-caterer', status)
    }
    // Instance A sends the first event of each user, then dies before recording either as
    // delivered: its store's `delivered` never answers, and it is never heard of again.
    let sent = 0
    let bothSent!: () => void
    const received = new Promise<void>((resolve) => {
      bothSent = resolve
    })
    const a = h.newWorker(
      {
        ...h.instanceStore(),
        delivered: () => {
          if (++sent === 2) bothSent()
          return new Promise<boolean>(() => {})
        },
      },
      'instance-a-dies',
    )
    void a.runOnce()
    await received
    expect(receiver.processed).toHaveLength(2) // received, never recorded in the outbox
    // More transitions while no instance runs.
    await h.setStatus('u-venue', 'online')

    // Instance B starts on the same database; A's claims hold until their lease runs out.
    const b = h.newWorker(h.instanceStore(), 'instance-b')
    expect(await b.drain()).toBe(0)
    await h.clock.advance(30_000)
    await h.deliverAll(b)

    const all = await h.webhooks.messages(subscription.id)
    expect(all.every((m) => m.deliveredAt !== undefined)).toBe(true)
    expect(receiver.processed.map((p) => p.id).sort()).toEqual(all.map((m) => m.id).sort())
    expect(receiver.requests.filter((r) => r.duplicate)).toHaveLength(2) // A's two, sent again
    expect(types('/hooks/restart', 'u-venue')).toEqual([
      'u-venue:presence.online:online',
      'u-venue:presence.status_changed:busy',
      'u-venue:presence.offline:offline',
      'u-venue:presence.online:online',
    ])
    expect(types('/hooks/restart', 'u-caterer')).toHaveLength(3)
    await b.stop()
    await h.close()
  })

  it('catches up a transition whose hook never ran: sent once, not again, a late hook ignored', async () => {
    const h = await harness()
    await h.subscribe('u-planner', '/hooks/catch-up')
    await h.setStatus('u-venue', 'online')
    const catchUp = createWebhookCatchUp({
      webhooks: h.webhooks,
      presence: h.presence,
      fanOut: h.extension,
      clock: h.clock,
    })
    // The store commits busy; the instance dies before the hook runs.
    h.hooks.down = true
    await h.setStatus('u-venue', 'busy')
    h.hooks.down = false
    await h.deliverAll()
    expect(types('/hooks/catch-up')).toEqual(['u-venue:presence.online:online'])

    expect(await catchUp.runOnce()).toBe(1)
    await h.deliverAll()
    expect(types('/hooks/catch-up')).toEqual([
      'u-venue:presence.online:online',
      'u-venue:presence.status_changed:busy',
    ])
    expect(await catchUp.runOnce()).toBe(0)
    // The hook for the same change, late (stamped as the store stamped it): no event.
    const [stored] = await h.presence.presenceFor('u-venue', ['u-venue'])
    const late = await h.extension.enqueue({
      userId: 'u-venue',
      status: 'busy',
      from: 'online',
      at: stored!.presence!.statusChangedAt,
    })
    expect(late.messages).toBe(0)
    await h.deliverAll()
    expect(receiver.processed).toHaveLength(2)
    await h.close()
  })

  it('pauses a subscription that keeps failing, shows it in /health and /metrics, resumes through the API', async () => {
    const h = await harness({ maxAttempts: 3 })
    const { subscription } = await h.subscribe('u-planner', '/hooks/paused')
    receiver.mode = 'fail'
    await h.setStatus('u-photo', 'online')
    await h.setStatus('u-photo', 'busy')
    await h.deliverAll()
    expect(receiver.requests).toHaveLength(3) // attempts of the first event; then paused

    const read = await h.server.call('u-planner', 'GET', `/presence/webhooks/${subscription.id}`)
    expect((await read.json()).subscription).toMatchObject({
      pausedReason: 'failing',
      lastError: 'HTTP 503',
    })
    const health = await h.server.call(null, 'GET', '/health')
    expect(health.status).toBe(503)
    expect((await health.json()).checks).toMatchObject({ webhooks: 'ok', webhooks_paused: 'fail' })
    await h.metrics.refresh()
    const text = await (await h.server.call(null, 'GET', '/metrics')).text()
    expect(text).toContain('presence_webhook_subscriptions{state="paused"} 1')
    expect(text).toContain('presence_webhook_pauses_total 1')
    expect(text).toContain('presence_webhook_attempts_total{outcome="failed"} 3')
    expect(text).toContain('presence_webhook_outbox_pending 2')
    expect(text).toContain('presence_status_updates_total{status="busy"} 1') // the base registry

    // Paused: time passes, nothing is sent, events still queue.
    await h.clock.advance(60_000)
    await h.setStatus('u-photo', 'offline')
    expect(await h.worker.drain()).toBe(0)

    receiver.mode = 'ok'
    const resumed = await h.server.call(
      'u-planner',
      'POST',
      `/presence/webhooks/${subscription.id}/resume`,
    )
    expect(resumed.status).toBe(200)
    expect((await resumed.json()).subscription.pausedAt).toBeUndefined()
    await h.deliverAll()
    expect(types('/hooks/paused')).toEqual([
      'u-photo:presence.online:online',
      'u-photo:presence.status_changed:busy',
      'u-photo:presence.offline:offline',
    ])
    expect((await h.server.call(null, 'GET', '/health')).status).toBe(200)
    await h.metrics.refresh()
    expect(await (await h.server.call(null, 'GET', '/metrics')).text()).toContain(
      'presence_webhook_subscriptions{state="active"} 1',
    )
    await h.close()
  })

  it('replays delivered events by id and by time range, with the same webhook-id', async () => {
    const h = await harness()
    const { subscription } = await h.subscribe('u-planner', '/hooks/replay')
    await h.setStatus('u-dj', 'online')
    const afterFirst = h.clock.now()
    await h.setStatus('u-dj', 'busy')
    await h.setStatus('u-dj', 'offline')
    await h.deliverAll()
    const [e1, e2, e3] = receiver.processed.map((p) => p.id)
    const replay = (body: unknown) =>
      h.server.call('u-planner', 'POST', `/presence/webhooks/${subscription.id}/replay`, body)

    const byId = await replay({ ids: [e2, 'msg_unknown'] })
    expect(await byId.json()).toEqual({ replayed: 1, ids: [e2] })
    await h.deliverAll()
    const byRange = await replay({ from: afterFirst + 1, to: h.clock.now() + 1 })
    expect(await byRange.json()).toEqual({ replayed: 2, ids: [e2, e3] })
    await h.deliverAll()

    const sent = receiver.requests.map((r) => r.headers['webhook-id'])
    expect(sent).toEqual([e1, e2, e3, e2, e2, e3])
    expect(receiver.requests.slice(3).every((r) => r.verified && r.duplicate)).toBe(true)
    expect(receiver.processed).toHaveLength(3) // the receiver's idempotency key holds
    const log = await h.server.call(
      'u-planner',
      'GET',
      `/presence/webhooks/${subscription.id}/messages`,
    )
    const { messages } = (await log.json()) as {
      messages: { replay?: boolean; deliveredAt?: number }[]
    }
    expect(messages.filter((m) => m.replay)).toHaveLength(3)
    expect(messages.every((m) => m.deliveredAt !== undefined)).toBe(true)
    // Another user cannot replay it (404, like a missing one).
    const stranger = await h.server.call(
      'u-other',
      'POST',
      `/presence/webhooks/${subscription.id}/replay`,
      {
        ids: [e1],
      },
    )
    expect(stranger.status).toBe(404)
    await h.close()
  })

  it('an owner gets only events about users they may see, through their filters', async () => {
    const h = await harness()
    for (const [teamId, userId] of [
      ['t-smith', 'u-planner'],
      ['t-smith', 'u-photo'],
      ['t-smith', 'u-teamonly'],
      ['t-jones', 'u-dj'],
    ] as const)
      await h.presence.addTeamMember({ teamId, userId })
    await h.presence.updateSettings('u-hidden', { visibility: 'nobody' }, h.clock.now())
    await h.presence.updateSettings('u-teamonly', { visibility: 'team' }, h.clock.now())
    await h.presence.updateSettings('u-ghost', { appearOffline: true }, h.clock.now())

    await h.subscribe('u-planner', '/hooks/all')
    await h.subscribe('u-planner', '/hooks/team', { filter: { teamIds: ['t-smith'] } })
    await h.subscribe('u-planner', '/hooks/room', { filter: { roomIds: ['t-smith'] } })
    await h.subscribe('u-planner', '/hooks/user', { filter: { userIds: ['u-dj'] } })
    await h.subscribe('u-planner', '/hooks/offline', { events: ['presence.offline'] })
    await h.subscribe('u-stranger', '/hooks/stranger')
    await h.subscribe('u-hidden', '/hooks/self')
    // A filter naming a team its owner is not in is refused.
    const foreign = await h.server.call('u-stranger', 'POST', '/presence/webhooks', {
      url: receiver.url('/hooks/x'),
      filter: { teamIds: ['t-smith'] },
    })
    expect(foreign.status).toBe(403)

    for (const user of ['u-photo', 'u-dj', 'u-hidden', 'u-teamonly', 'u-ghost']) {
      await h.setStatus(user, 'online')
      await h.setStatus(user, 'offline')
    }
    await h.deliverAll()
    const users = (path: string) => [...new Set(types(path).map((t) => t.split(':')[0]))]
    expect(users('/hooks/all')).toEqual(['u-photo', 'u-dj', 'u-teamonly'])
    expect(users('/hooks/team')).toEqual(['u-photo', 'u-teamonly'])
    expect(users('/hooks/room')).toEqual(['u-photo', 'u-teamonly'])
    expect(users('/hooks/user')).toEqual(['u-dj'])
    expect(types('/hooks/offline')).toEqual([
      'u-photo:presence.offline:offline',
      'u-dj:presence.offline:offline',
      'u-teamonly:presence.offline:offline',
    ])
    expect(users('/hooks/stranger')).toEqual(['u-photo', 'u-dj'])
    expect(users('/hooks/self')).toEqual(['u-photo', 'u-dj', 'u-hidden']) // themself, always
    expect(receiver.processed.some((p) => p.payload.data.userId === 'u-ghost')).toBe(false)
    await h.close()
  })
})
