/**
 * The shared ticker behind "last seen" text: one timer per clock for every component, firing on
 * each 30-second mark of the clock and only while someone listens. Its time is the clock floored to
 * the last mark, so every reader between two ticks sees the same value (a stable store snapshot).
 */
import type { Clock, Scheduler } from '@wedsync/presence-core'

/** "active 5 min ago" lags the truth by at most this much. */
export const TICK_MS = 30_000

export interface Ticker {
  /** The clock's time floored to the last tick mark. */
  readonly now: () => number
  /** Calls `listener` at every tick mark while subscribed. */
  readonly subscribe: (listener: () => void) => () => void
}

const tickers = new WeakMap<Clock, WeakMap<Scheduler, Ticker>>()

/** The one ticker of this clock and scheduler, shared by every component that uses them. */
export function tickerFor(clock: Clock, scheduler: Scheduler): Ticker {
  let byScheduler = tickers.get(clock)
  if (!byScheduler) {
    byScheduler = new WeakMap()
    tickers.set(clock, byScheduler)
  }
  let ticker = byScheduler.get(scheduler)
  if (!ticker) {
    ticker = createTicker(clock, scheduler)
    byScheduler.set(scheduler, ticker)
  }
  return ticker
}

function createTicker(clock: Clock, scheduler: Scheduler): Ticker {
  const listeners = new Set<() => void>()
  let cancel: (() => void) | undefined

  const floor = (t: number) => t - (((t % TICK_MS) + TICK_MS) % TICK_MS)

  // Aims at the next mark from the clock's own time, so a late (or early) timer does not drift.
  const schedule = () => {
    const now = clock.now()
    cancel = scheduler.schedule(floor(now) + TICK_MS - now, tick)
  }

  function tick(): void {
    schedule()
    for (const listener of Array.from(listeners)) listener()
  }

  return {
    now: () => floor(clock.now()),
    subscribe(listener) {
      listeners.add(listener)
      if (!cancel) schedule()
      return () => {
        listeners.delete(listener)
        if (listeners.size > 0 || !cancel) return
        cancel()
        cancel = undefined
      }
    },
  }
}
