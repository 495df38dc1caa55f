/**
 * The delivery worker's shell on a fake clock, with a memory store and a stub fetch: request
 * timeouts on the scheduler, redirects not followed, the polling loop (kick, retries when due,
 * stop), a store failure reported and polling kept, and a claim lost meanwhile.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { type AttemptOutcome, createWebhookWorker } from './delivery-worker.js'
import { generateWebhookSecret } from './signing.js'
import { createWebhookMetrics, webhookHealthChecks } from './webhook-observability.js'
import {
  createMemoryWebhookStore,
  type NewMessage,
  type WebhookMessage,
  type WebhookStore,
} from './webhook-store.js'

const SECRET = generateWebhookSecret()

async function seeded(clock: { now(): number }, users = ['u1']): Promise<WebhookStore> {
  const store = createMemoryWebhookStore()
  await store.createSubscription({
    id: 'wh_1',
    ownerId: 'u-owner',
    url: 'https://hooks.example.com/in',
    events: ['presence.online'],
    filter: {},
    secret: SECRET,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  })
  await store.enqueue(
    users.map((u, i) => ({
      id: `msg_${i}`,
      subscriptionId: 'wh_1',
      subjectId: u,
      type: 'presence.online' as const,
      payload: {
        type: 'presence.online' as const,
        timestamp: new Date(clock.now()).toISOString(),
        data: { userId: u, status: 'online' as const, previousStatus: 'offline' as const },
      },
      occurredAt: clock.now(),
      createdAt: clock.now(),
    })),
  )
  return store
}

/** A new message like the first one, for another user. */
function another(messages: WebhookMessage[], id: string, at: number): NewMessage {
  const { type, payload, subscriptionId, occurredAt } = messages[0]!
  return { id, subscriptionId, subjectId: id, type, payload, occurredAt, createdAt: at }
}

describe('webhook delivery worker', () => {
  it('signs what it sends, and gives up on a request at its timeout (on the scheduler)', async () => {
    const clock = createFakeClock(Date.now())
    const store = await seeded(clock)
    const seen: { url: string; init: RequestInit }[] = []
    const worker = createWebhookWorker({
      store,
      clock,
      pollMs: false,
      timeoutMs: 5_000,
      random: () => 0,
      fetch: (url, init) => {
        seen.push({ url: String(url), init: init! })
        return new Promise((_, reject) =>
          init!.signal!.addEventListener('abort', () => reject(init!.signal!.reason)),
        )
      },
    })
    const round = worker.runOnce()
    await clock.advance(5_000)
    const [outcome] = await round
    expect(outcome).toMatchObject({
      delivered: false,
      error: 'timed out after 5000 ms',
      paused: false,
    })
    const { init } = seen[0]!
    expect(init.redirect).toBe('manual')
    const headers = init.headers as Record<string, string>
    expect(new Webhook(SECRET).verify(String(init.body), headers)).toMatchObject({
      type: 'presence.online',
    })
    expect((await store.messages('wh_1'))[0]).toMatchObject({
      lastError: 'timed out after 5000 ms',
      nextAttemptAt: clock.now() + 2_500,
    })
  })

  it('does not follow redirects: a 3xx is a failure', async () => {
    const clock = createFakeClock()
    const store = await seeded(clock)
    const worker = createWebhookWorker({
      store,
      clock,
      pollMs: false,
      fetch: async () =>
        new Response(null, { status: 302, headers: { location: 'http://10.0.0.1/' } }),
    })
    expect(await worker.runOnce()).toMatchObject([
      { delivered: false, status: 302, error: 'HTTP 302' },
    ])
  })

  it('runs on its own once started: delivers when kicked, retries when due, stops', async () => {
    const clock = createFakeClock()
    const store = await seeded(clock, ['u1', 'u2'])
    let answer = 500
    const outcomes: AttemptOutcome[] = []
    const worker = createWebhookWorker({
      store,
      clock,
      pollMs: 60_000,
      random: () => 0,
      backoff: { baseMs: 2_000 },
      fetch: async () => new Response(null, { status: answer }),
      onAttempt: (o) => void outcomes.push(o),
    })
    worker.start()
    worker.start() // once
    await clock.advance(0)
    expect(outcomes.map((o) => o.delivered)).toEqual([false, false])
    answer = 204
    await clock.advance(999)
    expect(outcomes).toHaveLength(2)
    await clock.advance(1) // the retry came due: the worker woke for it, not for the poll
    expect(outcomes.map((o) => o.delivered)).toEqual([false, false, true, true])
    await store.enqueue([another(await store.messages('wh_1'), 'msg_late', clock.now())])
    worker.kick()
    await clock.advance(0)
    expect(outcomes.map((o) => o.message.id).at(-1)).toBe('msg_late')
    await worker.stop()
    await store.enqueue([another(await store.messages('wh_1'), 'msg_after_stop', clock.now())])
    worker.kick()
    await clock.advance(120_000)
    expect(outcomes.map((o) => o.message.id)).not.toContain('msg_after_stop')
  })

  it('reports a store that fails and keeps polling; a claim lost meanwhile records nothing', async () => {
    const clock = createFakeClock()
    const store = await seeded(clock)
    const errors: unknown[] = []
    let failClaims = true
    const worker = createWebhookWorker({
      store: {
        ...store,
        claim: (q) => (failClaims ? Promise.reject(new Error('db down')) : store.claim(q)),
        delivered: async () => false,
      },
      clock,
      pollMs: 1_000,
      fetch: async () => new Response(null, { status: 200 }),
      onError: (e) => void errors.push(e),
      onAttempt: () => {
        throw new Error('a bad listener')
      },
    })
    worker.start()
    await clock.advance(0)
    expect(errors).toEqual([new Error('db down')])
    failClaims = false
    await clock.advance(1_000)
    expect(errors.map(String)).toContain('Error: a bad listener')
    const outcomes = await worker.runOnce() // the lease is still held by the same owner
    expect(outcomes).toEqual([])
    await worker.stop()
  })

  it('health checks and metrics follow the store and the attempts', async () => {
    const clock = createFakeClock()
    const store = await seeded(clock)
    const metrics = createWebhookMetrics({ store, clock, scheduler: clock, refreshMs: 1_000 })
    expect(metrics.render()).not.toContain('presence_webhook_outbox_pending')
    metrics.start()
    await clock.advance(0)
    expect(metrics.render()).toContain('presence_webhook_outbox_pending 1')
    await clock.advance(5_000)
    expect(metrics.render()).toContain('presence_webhook_outbox_oldest_pending_seconds 5')
    metrics.stop()
    const worker = createWebhookWorker({
      store,
      clock,
      pollMs: false,
      fetch: async () => new Response(null, { status: 204 }),
      onAttempt: metrics.onAttempt,
    })
    await worker.runOnce()
    metrics.statusUpdate('online')
    metrics.rateLimited('webhooks')
    metrics.error('PRESENCE_INTERNAL')
    metrics.observeRequest('/presence/webhooks', 'POST', 201, 0.003)
    const text = metrics.render()
    expect(text).toContain('presence_webhook_attempts_total{outcome="delivered"} 1')
    expect(text).toContain('presence_webhook_delivery_lag_seconds_bucket{le="5"} 1')
    expect(text).toContain('presence_webhook_delivery_lag_seconds_bucket{le="1"} 0')
    expect(text).toContain('presence_rate_limit_rejections_total{limiter="webhooks"} 1')
    metrics.onAttempt({ ...(await worker.runOnce())[0]!, lostClaim: true } as AttemptOutcome)

    const checks = webhookHealthChecks(store)
    await expect(checks.webhooks!()).resolves.toBeUndefined()
    await expect(checks.webhooks_paused!()).resolves.toBeUndefined()
    await store.pause('wh_1', { at: clock.now(), reason: 'failing' })
    await expect(checks.webhooks_paused!()).rejects.toThrow('1 webhook subscription(s) paused')
  })
})
