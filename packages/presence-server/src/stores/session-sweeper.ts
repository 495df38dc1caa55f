/**
 * The lease sweeper's shell: runs the store's `sweepSessions(now)` every `everyMs` on the given
 * clock and scheduler, at once again while a sweep came back full (a backlog after a pause), and
 * hands each user transition it recorded to `onStatusChange` (webhooks, routing). All its state
 * is in the store — what is due, who claimed it — so any number of instances may run one, and a
 * restarted instance picks up where the last left off. One sweep at a time per sweeper; a failed
 * sweep goes to `onError` and the next runs on schedule.
 */
import { type Clock, type Scheduler, systemClock, systemScheduler } from '@wedsync/presence-core'
import type { PresenceStore, StatusEvent, SweepResult } from './presence-store.js'

export interface SessionSweeperOptions {
  readonly store: Pick<PresenceStore, 'sweepSessions'>
  readonly clock?: Clock
  /** Default: the clock when it can schedule (a fake clock), else the system's. */
  readonly scheduler?: Scheduler
  /**
   * Between sweeps. Default 5 s: a session that vanished counts on the server for at most its
   * lease and this long (a room shows it for its lease).
   */
  readonly everyMs?: number
  /** Users recomputed per sweep. Default 500. */
  readonly limit?: number
  /** Told of each user transition a sweep recorded, after it is stored. */
  readonly onStatusChange?: (transition: StatusEvent) => unknown
  readonly onError?: (error: unknown) => void
}

export interface SessionSweeper {
  /** Sweeps now (and again while the sweep comes back full); resolves with the last result. */
  sweep(): Promise<SweepResult>
  stop(): void
}

const EMPTY: SweepResult = { expired: 0, users: 0, transitions: [], customStatusChanged: [] }

export function startSessionSweeper(options: SessionSweeperOptions): SessionSweeper {
  const { store } = options
  if (!store.sweepSessions) throw new TypeError('startSessionSweeper: the store keeps no sessions')
  const clock = options.clock ?? systemClock
  const scheduler =
    options.scheduler ??
    (typeof (clock as Partial<Scheduler>).schedule === 'function'
      ? (clock as Clock & Scheduler)
      : systemScheduler)
  const everyMs = options.everyMs ?? 5_000
  const limit = options.limit ?? 500
  let stopped = false
  let running: Promise<SweepResult> | undefined
  let cancel: (() => void) | undefined

  async function run(): Promise<SweepResult> {
    let result = EMPTY
    do {
      result = await store.sweepSessions!(clock.now(), { limit })
      for (const transition of result.transitions) {
        try {
          await options.onStatusChange?.(transition)
        } catch (error) {
          options.onError?.(error)
        }
      }
    } while (!stopped && result.users >= limit)
    return result
  }

  function sweep(): Promise<SweepResult> {
    running ??= run().finally(() => {
      running = undefined
    })
    return running
  }

  function tick(): void {
    if (stopped) return
    sweep()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        if (!stopped) cancel = scheduler.schedule(everyMs, tick)
      })
  }
  cancel = scheduler.schedule(everyMs, tick)

  return {
    sweep,
    stop() {
      stopped = true
      cancel?.()
    },
  }
}
