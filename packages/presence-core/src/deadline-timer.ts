/**
 * One timer for work due at a moving deadline. Moving the deadline later keeps the timer that is
 * already set: when it fires early it sets itself again for the rest. Only an earlier deadline
 * replaces it. Input, heartbeats and status changes all push deadlines later, many times per
 * timer period: a timer made and dropped each time would be garbage that outlives young
 * collections (a pending timer lives for seconds) in a process holding many rooms.
 */
import type { Clock, Scheduler } from './ports.js'

export interface DeadlineTimer {
  /** Runs the task at `at` (on the clock) instead of any earlier setting; undefined: never. */
  set(at: number | undefined): void
  /** When the task is due, if it is. */
  readonly at: number | undefined
}

export function createDeadlineTimer(
  clock: Clock,
  scheduler: Scheduler,
  task: () => void,
): DeadlineTimer {
  let due: number | undefined
  /** When the timer that is set fires, and how to cancel it. */
  let firesAt: number | undefined
  let cancel: (() => void) | undefined

  const arm = (at: number) => {
    firesAt = at
    cancel = scheduler.schedule(at - clock.now(), fire)
  }

  function fire(): void {
    firesAt = cancel = undefined
    if (due === undefined) return
    if (clock.now() < due) arm(due)
    else {
      due = undefined
      task()
    }
  }

  return {
    set(at) {
      due = at
      if (firesAt !== undefined && at !== undefined && firesAt <= at) return
      cancel?.()
      firesAt = cancel = undefined
      if (at !== undefined) arm(at)
    },
    get at() {
      return due
    },
  }
}
