/**
 * The gate in front of the store and the rate limiters on a request path: every call has a
 * deadline, at most `maxConcurrent` calls run at once, and at most `maxQueued` wait for a turn.
 * Invariants: a call past its deadline rejects with `PRESENCE_STORE_UNAVAILABLE` (503, with
 * `retryAfterMs`) at the deadline, whether it is queued or running; a queued call whose deadline
 * passed is never started (so a timed-out write that was still waiting is never applied later);
 * a call arriving when the queue is full is refused at once (load shedding). A running call that
 * times out keeps its slot until the store settles it, so a stalled store fills the slots, then
 * the queue, then sheds: the work the gate lets through stays bounded. A status update carries its
 * deadline to the store (`notAfter`), which refuses it once past: an update already on its way
 * when the store stalled is not applied after its 503 either. Through `gateStore` and
 * `gateRateLimiter`, a call that fails before its deadline (Postgres refusing connections while
 * it restarts, a dropped socket) is the same 503 with `retryAfterMs`: a store that is down and
 * one that is slow look alike to a client.
 */
import { type Scheduler, systemScheduler } from '@wedsync/presence-core'
import { isPresenceServerError, PresenceServerError } from '../errors.js'
import type { RateLimiter } from '../rate-limit/rate-limiter.js'
import type { PresenceStore, SweepOptions } from '../stores/presence-store.js'

export const DEFAULT_STORE_TIMEOUT_MS = 2_000
/** Matches the default pg pool size: more would only queue in the driver, unbounded. */
export const DEFAULT_STORE_CONCURRENCY = 10
/**
 * Enough for a healthy store to clear a burst within the deadline (10 slots at a few ms a call);
 * a stalled store fills it within the deadline and sheds from then on.
 */
export const DEFAULT_STORE_QUEUE = 1_000

export interface StoreGateOptions {
  /** Deadline of each call, from when it is asked for (queueing included). Default 2,000 ms. */
  readonly timeoutMs?: number
  /** Calls running at once. Default 10. */
  readonly maxConcurrent?: number
  /** Calls waiting for a turn; past it, calls are refused at once. Default 1,000. */
  readonly maxQueued?: number
  /** Times the deadlines. Default: real timers. */
  readonly scheduler?: Scheduler
}

export interface StoreGate {
  readonly timeoutMs: number
  /** Runs `work` under the deadline and the bounds; rejects with a 503 PresenceServerError. */
  run<T>(work: () => Promise<T>): Promise<T>
  /** Calls running now (timed-out ones the store has not settled included). */
  running(): number
  queued(): number
}

interface Waiting {
  readonly start: () => void
}

export function createStoreGate(options: StoreGateOptions = {}): StoreGate {
  const timeoutMs = positiveInt(options.timeoutMs ?? DEFAULT_STORE_TIMEOUT_MS, 'storeTimeoutMs')
  const maxConcurrent = positiveInt(
    options.maxConcurrent ?? DEFAULT_STORE_CONCURRENCY,
    'storeConcurrency',
  )
  const maxQueued = nonNegativeInt(options.maxQueued ?? DEFAULT_STORE_QUEUE, 'storeQueueLimit')
  const scheduler = options.scheduler ?? systemScheduler
  let active = 0
  const queue: Waiting[] = []

  const unavailable = (reason: string) =>
    new PresenceServerError('PRESENCE_STORE_UNAVAILABLE', undefined, {
      // Retry once the deadline has passed again: sooner would only land in the same queue.
      retryAfterMs: timeoutMs,
      cause: new Error(reason),
    })

  const release = () => {
    active--
    while (queue.length > 0 && active < maxConcurrent) {
      queue.shift()!.start()
    }
  }

  const run = <T>(work: () => Promise<T>): Promise<T> => {
    if (active >= maxConcurrent && queue.length >= maxQueued)
      return Promise.reject(unavailable('store queue full'))
    return new Promise<T>((resolve, reject) => {
      let settled = false
      const waiting: Waiting = {
        start: () => {
          active++
          let result: Promise<T>
          try {
            result = work()
          } catch (error) {
            result = Promise.reject(error)
          }
          result.then(
            (value) => {
              if (!settled) {
                settled = true
                cancel()
                resolve(value)
              }
            },
            (error: unknown) => {
              if (!settled) {
                settled = true
                cancel()
                reject(error)
              }
            },
          )
          void result.finally(release).catch(() => {})
        },
      }
      const cancel = scheduler.schedule(timeoutMs, () => {
        if (settled) return
        settled = true
        // A queued call leaves the queue, never to start: during a long stall nothing releases a
        // slot, and expired calls left queued would grow the queue without bound.
        const index = queue.indexOf(waiting)
        if (index >= 0) queue.splice(index, 1)
        reject(unavailable(`store call exceeded ${timeoutMs} ms`))
      })
      if (active < maxConcurrent) waiting.start()
      else queue.push(waiting)
    })
  }

  return {
    timeoutMs,
    run,
    running: () => active,
    queued: () => queue.length,
  }
}

/**
 * `work` through `gate`; its failure, unless already a server error, becomes
 * PRESENCE_STORE_UNAVAILABLE with the deadline as `retryAfterMs` — a refused connection fails in
 * milliseconds, and its client should wait as one that met a silent store does.
 */
function through<T>(gate: StoreGate, work: () => Promise<T>): Promise<T> {
  return gate.run(work).catch((error: unknown) => {
    if (isPresenceServerError(error)) throw error
    throw new PresenceServerError('PRESENCE_STORE_UNAVAILABLE', undefined, {
      retryAfterMs: gate.timeoutMs,
      cause: error,
    })
  })
}

/** The store with every call through `gate`. */
export function gateStore(store: PresenceStore, gate: StoreGate): PresenceStore {
  const call = <T>(work: () => Promise<T>) => through(gate, work)
  return {
    getSettings: (userId) => call(() => store.getSettings(userId)),
    updateSettings: (userId, patch, at) => call(() => store.updateSettings(userId, patch, at)),
    recordStatus: (change) => {
      // The deadline travels with the update, so a store that gets it only after its 503 went
      // out (a stall that let the call start, then held it) refuses it instead of applying it.
      const deadline = Date.now() + gate.timeoutMs
      const notAfter = Math.min(deadline, change.notAfter ?? deadline)
      return call(() => store.recordStatus({ ...change, notAfter }))
    },
    recordHeartbeat: (userId, at, options) =>
      call(() => store.recordHeartbeat(userId, at, options)),
    ...(store.endSession && {
      endSession: (userId: string, sessionId: string, at: number) =>
        call(() => store.endSession!(userId, sessionId, at)),
    }),
    // The sweeper is not a request: it has no caller waiting, so it is not behind the gate.
    ...(store.sweepSessions && {
      sweepSessions: (now: number, options?: SweepOptions) => store.sweepSessions!(now, options),
    }),
    ...(store.sessionsOf && {
      sessionsOf: (userId: string) => call(() => store.sessionsOf!(userId)),
    }),
    presenceFor: (viewerId, userIds) => call(() => store.presenceFor(viewerId, userIds)),
    teamMembers: (teamId) => call(() => store.teamMembers(teamId)),
    addTeamMember: (member) => call(() => store.addTeamMember(member)),
    removeTeamMember: (teamId, userId) => call(() => store.removeTeamMember(teamId, userId)),
    addContact: (userId, contactId) => call(() => store.addContact(userId, contactId)),
    removeContact: (userId, contactId) => call(() => store.removeContact(userId, contactId)),
    statusEvents: (userId, query) => call(() => store.statusEvents(userId, query)),
    pruneEvents: (before) => call(() => store.pruneEvents(before)),
    // Health has its own deadline and must see the store itself, not the gate's queue.
    ping: () => store.ping(),
    close: () => store.close(),
  }
}

/** The limiter with `consume` and `reset` through `gate`; `store` is the limiter's own. */
export function gateRateLimiter(limiter: RateLimiter, gate: StoreGate): RateLimiter {
  return {
    limit: limiter.limit,
    windowMs: limiter.windowMs,
    store: limiter.store,
    consume: (key) => through(gate, () => limiter.consume(key)),
    reset: (key) => through(gate, () => limiter.reset(key)),
  }
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer, got ${value}`)
  return value
}

function nonNegativeInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be an integer >= 0, got ${value}`)
  return value
}
