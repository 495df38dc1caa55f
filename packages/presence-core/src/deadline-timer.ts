/**
 * One timer for work due at a moving deadline. Moving the deadline later keeps the timer that is
 * already set: when it fires early it sets itself again for the rest. Only an earlier deadline
 * replaces it. Input, heartbeats and status changes all push deadlines later, many times per
 * timer period: a timer made and dropped each time would be garbage that outlives young
 * collections (a pending timer lives for seconds) in a process holding many rooms.
 */
import type { Clock, Scheduler } from './ports.js'

/** Runs the task at `at` (on the clock) instead of any earlier setting; undefined: never. */
export type DeadlineTimer = (at: number | undefined) => void

export function createDeadlineTimer(
  clock: Clock,
  scheduler: Scheduler,
  task: () => void,
): DeadlineTimer {
  let due: number | undefined
  /** When the timer that is set fires. */
  let firesAt: number | undefined
  let cancel: (() => void) | undefined

  const arm = (at: number) => {
    firesAt = at
    cancel = scheduler.schedule(at - clock.now(), fire)
  }

  function fire(): void {
    firesAt = undefined
    if (due === undefined) return
    if (clock.now() < due) arm(due)
    else {
      due = undefined
      task()
    }
  }

  return (at) => {
    due = at
    if (firesAt !== undefined && at !== undefined && firesAt <= at) return
    cancel?.()
    firesAt = undefined
    if (at !== undefined) arm(at)
  }
}
