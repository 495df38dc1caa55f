/**
 * `createRateLimiter`: a sliding-window log per key (at most `limit` admitted attempts in any
 * `windowMs`), over a shared `RateLimitStore`. Time comes from the injected Clock and is passed
 * to the store, so a fake clock drives every store and the window never depends on the store's
 * own clock. Rejected attempts are not counted. Stores make each attempt one atomic step, which
 * is what keeps the limit exact across concurrent calls and server instances.
 */
import { type Clock, systemClock } from '@wedsync/presence-core'

/** What a store answers for one attempt. */
export interface RateLimitHit {
  readonly allowed: boolean
  /** Admitted attempts in the window after this one (this one included when allowed). */
  readonly count: number
  /** Time of the oldest admitted attempt still in the window, if any. */
  readonly oldestAt?: number
}

/**
 * Where attempts are counted. Guarantees (checked by `runRateLimiterContract`):
 * - `hit` is atomic: it forgets attempts at or before `now - windowMs`, then admits and records
 *   the attempt at `now` only when fewer than `limit` remain — as one step, under any concurrency
 *   from any number of store instances that share the backend;
 * - rejected attempts leave no trace; keys are independent; `reset` forgets a key.
 */
export interface RateLimitStore {
  hit(key: string, now: number, windowMs: number, limit: number): Promise<RateLimitHit>
  reset(key: string): Promise<void>
  /** Resolves when the backend answers (health check). */
  ping?(): Promise<void>
  close?(): Promise<void>
}

export interface RateLimitResult {
  readonly allowed: boolean
  readonly limit: number
  /** Attempts left in the current window. */
  readonly remaining: number
  /** 0 when allowed; otherwise how long until one attempt is admitted again. */
  readonly retryAfterMs: number
  /** When the oldest admitted attempt leaves the window (epoch ms). */
  readonly resetAt: number
}

export interface RateLimiter {
  readonly limit: number
  readonly windowMs: number
  readonly store: RateLimitStore
  /** Counts one attempt for `key` (a user id) and says whether it is admitted. */
  consume(key: string): Promise<RateLimitResult>
  reset(key: string): Promise<void>
}

export interface RateLimiterOptions {
  /** Attempts admitted per window. Default 10 (SPEC 10: status updates per minute per user). */
  readonly limit?: number
  /** Default 60,000 ms. */
  readonly windowMs?: number
  /** Default: a new in-memory store (one process only). */
  readonly store?: RateLimitStore
  readonly clock?: Clock
  /** Prepended to every key, so limiters can share a store. Default `status:`. */
  readonly prefix?: string
}

export const DEFAULT_STATUS_LIMIT = { limit: 10, windowMs: 60_000 } as const

export function createRateLimiter(options: RateLimiterOptions = {}): RateLimiter {
  const limit = options.limit ?? DEFAULT_STATUS_LIMIT.limit
  const windowMs = options.windowMs ?? DEFAULT_STATUS_LIMIT.windowMs
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`limit must be a positive integer, got ${limit}`)
  if (!Number.isSafeInteger(windowMs) || windowMs < 1)
    throw new RangeError(`windowMs must be a positive integer, got ${windowMs}`)
  const store = options.store ?? createMemoryRateLimitStore()
  const clock = options.clock ?? systemClock
  const prefix = options.prefix ?? 'status:'

  return {
    limit,
    windowMs,
    store,
    async consume(key) {
      const now = clock.now()
      const hit = await store.hit(prefix + key, now, windowMs, limit)
      const resetAt = (hit.oldestAt ?? now) + windowMs
      return {
        allowed: hit.allowed,
        limit,
        remaining: Math.max(0, limit - hit.count),
        retryAfterMs: hit.allowed ? 0 : Math.max(1, resetAt - now),
        resetAt,
      }
    },
    reset(key) {
      return store.reset(prefix + key)
    },
  }
}

export interface MemoryRateLimitStoreOptions {
  /** Every this many hits, keys whose window has passed are dropped. Default 1,024. */
  readonly sweepEvery?: number
}

/**
 * Attempts kept in this process: exact and atomic within it (each hit runs to completion before
 * the next), not shared between processes. Memory is bounded by active keys: expired keys are
 * swept as hits come in, without timers, so it runs in edge runtimes too.
 */
export function createMemoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): RateLimitStore & { size(): number } {
  const sweepEvery = options.sweepEvery ?? 1_024
  const keys = new Map<string, { hits: number[]; expiresAt: number }>()
  let sinceSweep = 0

  function sweep(now: number): void {
    sinceSweep = 0
    for (const [key, entry] of keys) if (entry.expiresAt <= now) keys.delete(key)
  }

  return {
    async hit(key, now, windowMs, limit) {
      if (++sinceSweep >= sweepEvery) sweep(now)
      let entry = keys.get(key)
      if (!entry) {
        entry = { hits: [], expiresAt: now + windowMs }
        keys.set(key, entry)
      }
      const { hits } = entry
      let expired = 0
      while (expired < hits.length && hits[expired]! <= now - windowMs) expired++
      if (expired) hits.splice(0, expired)
      const allowed = hits.length < limit
      if (allowed) {
        // Keep the log sorted even if a caller's clock steps back.
        let at = hits.length
        while (at > 0 && hits[at - 1]! > now) at--
        hits.splice(at, 0, now)
        entry.expiresAt = Math.max(entry.expiresAt, now + windowMs)
      }
      return { allowed, count: hits.length, ...(hits.length ? { oldestAt: hits[0]! } : {}) }
    },
    async reset(key) {
      keys.delete(key)
    },
    async ping() {},
    size: () => keys.size,
  }
}
