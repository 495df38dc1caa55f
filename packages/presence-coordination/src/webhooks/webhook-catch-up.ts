/**
 * Catches up transitions whose status hook never ran (the instance died between the presence
 * store's commit and the hook): on start and every `catchUpMs`, each subject the outbox has
 * recorded is compared with the user's stored presence (status and custom status), and a
 * difference is fanned out through the same `WebhookFanOut` (privacy, filters and order apply),
 * stamped with the store's `statusChangedAt`. A later hook for the same change then finds the
 * state already recorded and gives no events (and the receiver dedups by webhook-id anyway).
 * Invariants: runs on the injected clock/scheduler; one pass at a time; a user the outbox has
 * never recorded is not caught up (there is nothing to compare with).
 */
import {
  type Clock,
  type CustomStatus,
  type Scheduler,
  schedulerFor,
  systemClock,
} from '@wedsync/presence-core'
import type { PresenceStore } from '@wedsync/presence-server'
import type { WebhookFanOut } from './webhook-fan-out.js'
import type { WebhookStore } from './webhook-store.js'

export interface WebhookCatchUpOptions {
  readonly webhooks: Pick<WebhookStore, 'listSubjects'>
  readonly presence: Pick<PresenceStore, 'presenceFor'>
  readonly fanOut: WebhookFanOut
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Between passes. Default 30 s. */
  readonly catchUpMs?: number
  /** Subjects read per page. Default 500. */
  readonly pageSize?: number
  /** A pass failed (it is retried at the next tick). */
  readonly onError?: (error: unknown) => void
}

export interface WebhookCatchUp {
  /** One pass now; resolves with the transitions enqueued. */
  runOnce(): Promise<number>
  /** A pass now and then every `catchUpMs`. */
  start(): void
  stop(): void
}

function sameCustom(a: CustomStatus | null | undefined, b: CustomStatus | null | undefined) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null)
}

export function createWebhookCatchUp(options: WebhookCatchUpOptions): WebhookCatchUp {
  const { webhooks, presence, fanOut } = options
  const clock = options.clock ?? systemClock
  const scheduler = schedulerFor(clock, options.scheduler)
  const catchUpMs = options.catchUpMs ?? 30_000
  const pageSize = options.pageSize ?? 500
  let running: Promise<number> | undefined
  let cancel: (() => void) | undefined
  let started = false

  async function pass(): Promise<number> {
    let enqueued = 0
    let after: string | undefined
    for (;;) {
      const page = await webhooks.listSubjects({
        ...(after === undefined ? {} : { after }),
        limit: pageSize,
      })
      for (const recorded of page) {
        const [self] = await presence.presenceFor(recorded.userId, [recorded.userId])
        const stored = self?.presence
        if (!stored) continue
        const now = clock.now()
        const custom =
          stored.customStatus &&
          (stored.customStatus.expiresAt === undefined || stored.customStatus.expiresAt > now)
            ? stored.customStatus
            : null
        if (stored.status === recorded.status && sameCustom(custom, recorded.customStatus)) continue
        const result = await fanOut.enqueue({
          userId: recorded.userId,
          status: stored.status,
          customStatus: custom,
          at: stored.statusChangedAt,
        })
        if (!result.stale) enqueued++
      }
      if (page.length < pageSize) return enqueued
      after = page[page.length - 1]?.userId
    }
  }

  function runOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = undefined
    })
    return running
  }

  function tick() {
    if (!started) return
    runOnce()
      .catch((error) => options.onError?.(error))
      .finally(() => {
        if (started) cancel = scheduler.schedule(catchUpMs, tick)
      })
  }

  return {
    runOnce,
    start() {
      if (started) return
      started = true
      tick()
    },
    stop() {
      started = false
      cancel?.()
      cancel = undefined
    },
  }
}
