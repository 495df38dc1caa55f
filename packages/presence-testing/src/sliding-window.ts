/**
 * Counts calls in a sliding time window: the per-membership presence-call limit (Supabase allows 5
 * track/untrack calls per client per 30 s). A call made exactly `windowMs` after an earlier one no
 * longer counts that earlier one.
 */

export interface PresenceLimit {
  readonly calls: number
  readonly windowMs: number
}

export const SUPABASE_PRESENCE_LIMIT: PresenceLimit = Object.freeze({ calls: 5, windowMs: 30_000 })

export class SlidingWindow {
  private readonly times: number[] = []

  constructor(private readonly limit: PresenceLimit) {}

  /** Records a call at `now`; false when it would exceed the limit (the call is not recorded). */
  take(now: number): boolean {
    const times = this.times
    while (times.length > 0 && times[0]! + this.limit.windowMs <= now) times.shift()
    if (times.length >= this.limit.calls) return false
    times.push(now)
    return true
  }
}
