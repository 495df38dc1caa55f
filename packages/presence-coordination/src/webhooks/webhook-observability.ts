/**
 * Webhooks in `/health` and `/metrics`, through the handlers' existing options: health checks for
 * `healthChecks`, and a `PresenceMetrics` for `metrics` that renders the base registry followed
 * by the webhook series (the extension point is the registry itself: `render()` is what `/metrics`
 * serves). Counters come from the worker's `onAttempt`; gauges (subscriptions by state, pending
 * messages, the oldest one's age) from the store, refreshed on the scheduler, since `render()` is
 * synchronous. Labels come from fixed sets only, never from subscription or user data.
 */
import { type Clock, type Scheduler, systemClock, systemScheduler } from '@wedsync/presence-core'
import { createMetrics, type PresenceMetrics } from '@wedsync/presence-server'
import type { AttemptOutcome } from './delivery-worker.js'
import type { OutboxStats, WebhookStore } from './webhook-store.js'

/**
 * `webhooks`: the outbox answers. `webhooks_paused`: fails while a subscription is paused for
 * failing (its receiver needs attention), so `/health` answers 503 then; leave it out of the
 * checks a load balancer uses to take instances out of service.
 */
export function webhookHealthChecks(
  store: Pick<WebhookStore, 'ping' | 'stats'>,
): Record<string, () => Promise<unknown>> {
  return {
    webhooks: () => store.ping(),
    webhooks_paused: async () => {
      const { pausedSubscriptions } = await store.stats()
      if (pausedSubscriptions > 0)
        throw new Error(`${pausedSubscriptions} webhook subscription(s) paused`)
    },
  }
}

/** Transition → delivery, seconds. */
export const DELIVERY_LAG_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 60, 300, 3600] as const

export interface WebhookMetricsOptions {
  readonly store: Pick<WebhookStore, 'stats'>
  /** The registry to extend. Default: a new one (`createMetrics()`). */
  readonly base?: PresenceMetrics
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Between gauge refreshes. Default 15 s. */
  readonly refreshMs?: number
  /** Series prefix. Default `presence`. */
  readonly prefix?: string
}

export interface WebhookMetrics extends PresenceMetrics {
  /** For the worker's `onAttempt`. */
  readonly onAttempt: (outcome: AttemptOutcome) => void
  /** Reads the gauges from the store now. */
  refresh(): Promise<void>
  /** Refreshes the gauges every `refreshMs` until `stop()`. */
  start(): void
  stop(): void
}

export function createWebhookMetrics(options: WebhookMetricsOptions): WebhookMetrics {
  const base = options.base ?? createMetrics(options.prefix)
  const prefix = options.prefix ?? 'presence'
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  const refreshMs = options.refreshMs ?? 15_000
  const attempts = { delivered: 0, failed: 0 }
  let pauses = 0
  const lag = { counts: DELIVERY_LAG_BUCKETS.map(() => 0), sum: 0, count: 0 }
  let stats: OutboxStats | undefined
  let cancel: (() => void) | undefined

  async function refresh(): Promise<void> {
    stats = await options.store.stats()
  }

  const n = (name: string) => `${prefix}_webhook_${name}`
  return {
    observeRequest: (...args) => base.observeRequest(...args),
    statusUpdate: (status) => base.statusUpdate(status),
    rateLimited: (limiter) => base.rateLimited(limiter),
    error: (code) => base.error(code),
    onAttempt(outcome) {
      if (outcome.lostClaim) return
      attempts[outcome.delivered ? 'delivered' : 'failed']++
      if (outcome.paused) pauses++
      if (outcome.delivered && outcome.message.replayOf === undefined) {
        const seconds = Math.max(0, (outcome.at - outcome.message.occurredAt) / 1000)
        DELIVERY_LAG_BUCKETS.forEach((le, i) => {
          if (seconds <= le) lag.counts[i]!++
        })
        lag.sum += seconds
        lag.count++
      }
    },
    refresh,
    start() {
      const tick = () => {
        refresh()
          .catch(() => {}) // the health check reports a store that does not answer
          .finally(() => {
            cancel = scheduler.schedule(refreshMs, tick)
          })
      }
      tick()
    },
    stop() {
      cancel?.()
      cancel = undefined
    },
    render() {
      const lines: string[] = [
        `# HELP ${n('attempts_total')} Delivery attempts, per outcome.`,
        `# TYPE ${n('attempts_total')} counter`,
        `${n('attempts_total')}{outcome="delivered"} ${attempts.delivered}`,
        `${n('attempts_total')}{outcome="failed"} ${attempts.failed}`,
        `# HELP ${n('pauses_total')} Subscriptions paused for failing.`,
        `# TYPE ${n('pauses_total')} counter`,
        `${n('pauses_total')} ${pauses}`,
        `# HELP ${n('delivery_lag_seconds')} From the transition to its delivery (first sends).`,
        `# TYPE ${n('delivery_lag_seconds')} histogram`,
        ...DELIVERY_LAG_BUCKETS.map(
          (le, i) => `${n('delivery_lag_seconds')}_bucket{le="${le}"} ${lag.counts[i]}`,
        ),
        `${n('delivery_lag_seconds')}_bucket{le="+Inf"} ${lag.count}`,
        `${n('delivery_lag_seconds')}_sum ${lag.sum}`,
        `${n('delivery_lag_seconds')}_count ${lag.count}`,
      ]
      if (stats) {
        const age =
          stats.oldestPendingAt === undefined ? 0 : (clock.now() - stats.oldestPendingAt) / 1000
        lines.push(
          `# HELP ${n('subscriptions')} Subscriptions, per state.`,
          `# TYPE ${n('subscriptions')} gauge`,
          `${n('subscriptions')}{state="active"} ${stats.activeSubscriptions}`,
          `${n('subscriptions')}{state="paused"} ${stats.pausedSubscriptions}`,
          `# HELP ${n('outbox_pending')} Messages not yet delivered.`,
          `# TYPE ${n('outbox_pending')} gauge`,
          `${n('outbox_pending')} ${stats.pending}`,
          `# HELP ${n('outbox_oldest_pending_seconds')} Age of the oldest undelivered message.`,
          `# TYPE ${n('outbox_oldest_pending_seconds')} gauge`,
          `${n('outbox_oldest_pending_seconds')} ${Math.max(0, age)}`,
        )
      }
      return `${base.render()}${lines.join('\n')}\n`
    },
  }
}
