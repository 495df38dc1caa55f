/**
 * Keeps the team's availability fresh: asks the presence API when told something changed (the
 * room did) and every `refreshMs` in any case, with at most one request in flight and one more
 * after it, however often it is told. A failed request keeps the last answer and says why.
 * Time comes from the injected scheduler.
 */
import type { Clock, Scheduler } from '@wedsync/presence-core'
import type { TeamAvailabilitySummary } from '@wedsync/presence-server/client'

export type FeedState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly summary: TeamAvailabilitySummary; readonly at: number }
  | {
      readonly status: 'failed'
      readonly error: string
      /** The last answer, if there was one. */
      readonly summary?: TeamAvailabilitySummary
    }

export interface AvailabilityFeed {
  current(): FeedState
  subscribe(listener: () => void): () => void
  /** Something changed: ask again (now, or right after the request in flight). */
  refresh(): void
  stop(): void
}

export interface AvailabilityFeedOptions {
  readonly load: (signal: AbortSignal) => Promise<TeamAvailabilitySummary>
  readonly clock: Clock
  readonly scheduler: Scheduler
  /** Default 30 s: busy-until times pass and history-based guesses move without a room change. */
  readonly refreshMs?: number
}

const LOADING: FeedState = { status: 'loading' }

export function createAvailabilityFeed(options: AvailabilityFeedOptions): AvailabilityFeed {
  const { clock, scheduler } = options
  const refreshMs = options.refreshMs ?? 30_000
  const listeners = new Set<() => void>()
  const abort = new AbortController()
  let state: FeedState = LOADING
  let inFlight = false
  let again = false
  let cancelTimer: (() => void) | undefined

  const set = (next: FeedState) => {
    state = next
    for (const listener of Array.from(listeners)) listener()
  }

  const load = async () => {
    if (abort.signal.aborted) return
    if (inFlight) {
      again = true
      return
    }
    inFlight = true
    cancelTimer?.()
    try {
      const summary = await options.load(abort.signal)
      if (!abort.signal.aborted) set({ status: 'ready', summary, at: clock.now() })
    } catch (error) {
      if (abort.signal.aborted) return
      const last = state.status === 'loading' ? undefined : state.summary
      set({
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
        ...(last ? { summary: last } : {}),
      })
    } finally {
      inFlight = false
    }
    if (abort.signal.aborted) return
    cancelTimer = scheduler.schedule(refreshMs, () => void load())
    if (again) {
      again = false
      await load()
    }
  }
  void load()

  return {
    current: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    refresh: () => void load(),
    stop() {
      abort.abort()
      cancelTimer?.()
      listeners.clear()
    },
  }
}
