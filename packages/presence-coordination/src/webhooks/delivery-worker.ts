/**
 * The delivery worker: the shell around the outbox. It claims due messages (the oldest of each
 * (subscription, user) queue), POSTs each, signed, to its subscription's URL, and records the
 * outcome: delivered on a 2xx; otherwise the next attempt's time from the pure backoff, and the
 * subscription paused once a message has failed `maxAttempts` times. All its timers (polling, the
 * request timeout) run on the injected clock and scheduler, so tests drive it with a fake clock.
 * All delivery state is in the store, so any number of workers (instances) may run on one
 * database, and one that dies mid-flight loses nothing: its claims run out and are taken again
 * (the receiver may then see an event twice, with the same `webhook-id`: at least once).
 * Redirects are not followed (a redirect could lead past the URL policy); they count as failures.
 */
import { type Clock, type Scheduler, schedulerFor, systemClock } from '@wedsync/presence-core'
import { type BackoffPolicy, isDelivered, onFailure } from './backoff.js'
import { signWebhook } from './signing.js'
import type { ClaimedMessage, WebhookStore } from './webhook-store.js'

export interface WebhookWorkerOptions {
  readonly store: WebhookStore
  readonly clock?: Clock
  /** Default: the clock when it can schedule (a fake clock), else the system's. */
  readonly scheduler?: Scheduler
  /** Default: the global fetch. */
  readonly fetch?: typeof globalThis.fetch
  /** This worker's id in claims. Default: a random one. */
  readonly instanceId?: string
  /** Messages claimed (and sent concurrently) per round. Default 50. */
  readonly batchSize?: number
  /** How long a request may take. Default 10 s. */
  readonly timeoutMs?: number
  /** How long a claim is exclusive; more than `timeoutMs`. Default 30 s. */
  readonly leaseMs?: number
  readonly backoff?: BackoffPolicy
  /** Jitter source, [0, 1). Default Math.random. */
  readonly random?: () => number
  /**
   * Look for due messages at least this often (messages other instances enqueued, retries that
   * came due); false: only when kicked or run by hand. Default 1 s.
   */
  readonly pollMs?: number | false
  /** Told of every attempt's outcome (metrics, logs). */
  readonly onAttempt?: (outcome: AttemptOutcome) => void
  readonly onError?: (error: unknown) => void
}

export interface AttemptOutcome {
  readonly message: ClaimedMessage
  readonly delivered: boolean
  /** The receiver's HTTP status, when it answered. */
  readonly status?: number
  readonly error?: string
  /** The subscription was paused by this failure. */
  readonly paused: boolean
  /** When the attempt ended (the worker's clock). */
  readonly at: number
  /** The claim was lost meanwhile (lease ran out, taken by another worker): nothing recorded. */
  readonly lostClaim: boolean
}

export interface WebhookWorker {
  /** Starts polling (when `pollMs` is not false) and runs a round now. */
  start(): void
  /** Claims and sends one batch; resolves with each attempt's outcome. */
  runOnce(): Promise<AttemptOutcome[]>
  /** Runs rounds until one claims nothing; resolves with how many attempts were made. */
  drain(): Promise<number>
  /** Asks for a round soon (after an enqueue). */
  kick(): void
  /** Stops scheduling; resolves when the round in flight has ended. */
  stop(): Promise<void>
}

export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const { store } = options
  const clock = options.clock ?? systemClock
  const scheduler = schedulerFor(clock, options.scheduler)
  const send = options.fetch ?? globalThis.fetch.bind(globalThis)
  const owner = options.instanceId ?? `worker-${globalThis.crypto.randomUUID()}`
  const batchSize = options.batchSize ?? 50
  const timeoutMs = options.timeoutMs ?? 10_000
  const leaseMs = options.leaseMs ?? Math.max(30_000, timeoutMs * 3)
  const backoff = options.backoff ?? {}
  const random = options.random ?? Math.random
  const pollMs = options.pollMs ?? 1_000

  let started = false
  let stopped = false
  let running: Promise<unknown> | undefined
  let again = false
  let cancelTimer: (() => void) | undefined

  async function attempt(message: ClaimedMessage): Promise<AttemptOutcome> {
    const body = JSON.stringify(message.payload)
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'wedsync-presence-webhooks',
      ...signWebhook(message.secret, message.id, clock.now(), body),
    }
    const controller = new AbortController()
    const cancelTimeout = scheduler.schedule(timeoutMs, () =>
      controller.abort(new Error(`timed out after ${timeoutMs} ms`)),
    )
    let status: number | undefined
    let error: string | undefined
    try {
      const response = await send(message.url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: controller.signal,
      })
      status = response.status
      await response.body?.cancel().catch(() => {})
      if (!isDelivered(status)) error = `HTTP ${status}`
    } catch (e) {
      error = describe(controller.signal.aborted ? controller.signal.reason : e)
    } finally {
      cancelTimeout()
    }
    const at = clock.now()
    if (error === undefined) {
      const recorded = await store.delivered(message.seq, owner, at)
      return {
        message,
        delivered: true,
        ...(status && { status }),
        paused: false,
        at,
        lostClaim: !recorded,
      }
    }
    const decision = onFailure(message.attempts, at, backoff, random)
    const recorded = await store.failed(message.seq, owner, { nextAttemptAt: decision.at, error })
    const paused =
      recorded &&
      decision.kind === 'pause' &&
      (await store.pause(message.subscriptionId, { at, reason: 'failing', error }))
    return {
      message,
      delivered: false,
      ...(status && { status }),
      error,
      paused,
      at,
      lostClaim: !recorded,
    }
  }

  async function runOnce(): Promise<AttemptOutcome[]> {
    const claimed = await store.claim({ owner, now: clock.now(), leaseMs, limit: batchSize })
    const outcomes = await Promise.all(claimed.map(attempt))
    for (const outcome of outcomes) {
      try {
        options.onAttempt?.(outcome)
      } catch (error) {
        options.onError?.(error)
      }
    }
    return outcomes
  }

  async function drain(): Promise<number> {
    let total = 0
    for (;;) {
      const outcomes = await runOnce()
      total += outcomes.length
      if (outcomes.length === 0 || stopped) return total
    }
  }

  function schedule(delayMs: number): void {
    if (stopped || !started) return
    cancelTimer?.()
    cancelTimer = scheduler.schedule(Math.max(0, delayMs), tick)
  }

  function tick(): void {
    cancelTimer = undefined
    if (stopped) return
    if (running) {
      again = true
      return
    }
    running = (async () => {
      do {
        again = false
        await drain()
      } while (again && !stopped)
      // Sleep until the next retry comes due, or the poll, whichever is first.
      const due = await store.nextDue()
      const untilDue = due === undefined ? Infinity : due - clock.now()
      const wait = Math.min(untilDue, pollMs === false ? Infinity : pollMs)
      if (Number.isFinite(wait)) schedule(wait)
    })()
      .catch((error: unknown) => {
        options.onError?.(error)
        if (pollMs !== false) schedule(pollMs)
      })
      .finally(() => {
        running = undefined
      })
  }

  return {
    start() {
      if (started) return
      started = true
      schedule(0)
    },
    runOnce,
    drain,
    kick() {
      if (running) again = true
      else schedule(0)
    },
    async stop() {
      stopped = true
      cancelTimer?.()
      await running
    },
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause
    const code = (cause as { code?: unknown } | undefined)?.code
    return typeof code === 'string' ? `${error.message} (${code})` : error.message
  }
  return String(error)
}
