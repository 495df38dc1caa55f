/**
 * When a failed delivery is tried again, and when a subscription is paused: pure, taking `now`
 * and a random source. Exponential backoff with "equal jitter": attempt n waits between half and
 * all of `min(maxMs, baseMs · 2^(n-1))`, so retries of many receivers that failed together spread
 * out, yet no retry comes sooner than half its step. A subscription is paused when one message
 * has failed `maxAttempts` times in a row (its queue goes no further, since order per user is
 * kept); resuming starts the count again.
 */

export interface BackoffPolicy {
  /** The first retry's step. Default 5 s. */
  readonly baseMs?: number
  /** The largest step. Default 1 hour. */
  readonly maxMs?: number
  /** Failed attempts of one message after which its subscription is paused. Default 12 (≈ 4 h). */
  readonly maxAttempts?: number
}

export const DEFAULT_BACKOFF = { baseMs: 5_000, maxMs: 3_600_000, maxAttempts: 12 } as const

/** The wait after the `attempt`-th failed attempt (1-based), jitter drawn from `random()` ∈ [0, 1). */
export function retryDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const base = policy.baseMs ?? DEFAULT_BACKOFF.baseMs
  const max = policy.maxMs ?? DEFAULT_BACKOFF.maxMs
  const step = Math.min(max, base * 2 ** Math.min(Math.max(attempt - 1, 0), 40))
  return Math.round(step / 2 + random() * (step / 2))
}

export type FailureDecision =
  | { readonly kind: 'retry'; readonly at: number }
  | { readonly kind: 'pause'; readonly at: number }

/**
 * What to do after the `attempt`-th failed attempt of a message at `now`: retry later, or pause
 * its subscription (the message still gets a retry time, used once it is resumed and due).
 */
export function onFailure(
  attempt: number,
  now: number,
  policy: BackoffPolicy,
  random: () => number,
): FailureDecision {
  const at = now + retryDelay(attempt, policy, random)
  return attempt >= (policy.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts)
    ? { kind: 'pause', at }
    : { kind: 'retry', at }
}

/** Whether a receiver's answer counts as delivered (Standard Webhooks: any 2xx). */
export function isDelivered(status: number): boolean {
  return status >= 200 && status < 300
}
