/**
 * Full-jitter exponential backoff (AWS "Exponential Backoff and Jitter"): the wait before retry
 * number `tries` is uniform in [0, min(cap, base · 2^(tries-1))]. Pure: the random number is an
 * argument. Invariants: the result is an integer in [0, capMs]; it never exceeds the nominal
 * exponential ceiling. Full jitter (not ±20 %) is what spreads a crowd: after a deploy drops every
 * socket at once, clients with a fixed schedule all come back in the same instant.
 */

export interface BackoffPolicy {
  /**
   * Ceiling of the first wait. 2 s: the wait averages 1 s, like realtime-js's first step, and 400
   * sockets dropped at once spread to at most ~17% in any 250 ms window (a 1 s ceiling: ~31%;
   * bench/README.md, reconnect storm).
   */
  readonly baseMs: number
  /**
   * Longest ceiling. 30 s: long enough to spread thousands of sockets over a window the server
   * absorbs, short enough that a user is back within half a minute of the server returning.
   */
  readonly capMs: number
}

export const DEFAULT_BACKOFF_POLICY: BackoffPolicy = { baseMs: 2_000, capMs: 30_000 }

/** The wait before retry number `tries` (1 = the first), for `random` ∈ [0, 1). */
export function fullJitterDelay(
  tries: number,
  random: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF_POLICY,
): number {
  const exponent = Math.min(Math.max(0, tries - 1), 30) // 2^30 already dwarfs any cap
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent)
  const r = Math.min(Math.max(random, 0), 1)
  return Math.round(ceiling * r)
}

/**
 * A `reconnectAfterMs` for realtime-js (`createClient(url, key, { realtime: { reconnectAfterMs:
 * fullJitterReconnect() } })`). realtime-js calls it with the try number, starting at 1.
 */
export function fullJitterReconnect(
  policy: Partial<BackoffPolicy> = {},
  random: () => number = Math.random,
): (tries: number) => number {
  const full = { ...DEFAULT_BACKOFF_POLICY, ...policy }
  return (tries) => fullJitterDelay(tries, random(), full)
}
