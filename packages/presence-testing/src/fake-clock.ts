/**
 * A fake clock that is also a scheduler: time moves only when a test advances it. Due timers run in
 * time order (equal times in scheduling order), with now() set to each timer's due time, and after
 * each one pending promise callbacks settle, so async work a timer starts completes in the advance.
 */
import type { Clock, Scheduler } from '@wedsync/presence-core'

export interface FakeClock extends Clock, Scheduler {
  /**
   * Runs every timer due within the next `ms` (including ones scheduled during the advance), then
   * leaves now() at the old now() + `ms`. Rejects with a task's error after running the rest.
   * Calls made while an advance is running wait for it, then start from where it ended.
   */
  advance(ms: number): Promise<void>
  /** Runs what is due now (and what that schedules with no delay): `advance(0)`. */
  flush(): Promise<void>
  /** Jumps forward to `epochMs`, running timers on the way, like `advance`; never backwards. */
  set(epochMs: number): Promise<void>
  /** Timers scheduled and neither run nor cancelled. */
  pending(): number
}

/** 13 June 2026, 09:00 UTC: a fixed start so test output and snapshots do not depend on today. */
export const FAKE_CLOCK_START = Date.UTC(2026, 5, 13, 9, 0)

/** Timers run at one instant before the clock assumes a timer keeps rescheduling itself. */
const MAX_TIMERS_PER_INSTANT = 10_000

interface Timer {
  readonly due: number
  readonly seq: number
  readonly task: () => void
  live: boolean
}

export function createFakeClock(start: number = FAKE_CLOCK_START): FakeClock {
  if (!Number.isFinite(start)) throw new RangeError(`fake clock start must be finite, got ${start}`)
  const queue = new TimerHeap()
  let now = start
  let seq = 0
  let live = 0
  let turn: Promise<void> = Promise.resolve()

  async function runUntil(target: number): Promise<void> {
    const errors: unknown[] = []
    let instant = now
    let ranAtInstant = 0
    await settle()
    for (;;) {
      const timer = queue.popDue(target)
      if (!timer) {
        if (now === target) break
        now = target
        await settle() // work resumed at the target may schedule more timers due right now
        continue
      }
      now = timer.due
      if (now !== instant) {
        instant = now
        ranAtInstant = 0
      }
      if (++ranAtInstant > MAX_TIMERS_PER_INSTANT) {
        throw new Error(
          `fake clock: more than ${MAX_TIMERS_PER_INSTANT} timers ran at one instant; a timer probably reschedules itself with no delay`,
        )
      }
      timer.live = false
      live--
      try {
        timer.task()
      } catch (error) {
        errors.push(error)
      }
      await settle()
    }
    if (errors.length === 1) throw errors[0]
    if (errors.length > 1)
      throw new AggregateError(errors, `${errors.length} fake clock timers threw`)
  }

  // Advances queue behind each other so two concurrent calls never interleave their timers.
  function enqueue(target: () => number): Promise<void> {
    const run = turn.then(() => runUntil(target()))
    turn = run.catch(() => undefined)
    return run
  }

  return {
    now: () => now,
    schedule(delayMs, task) {
      const delay = Number.isNaN(delayMs) ? 0 : Math.max(0, delayMs)
      const timer: Timer = { due: now + delay, seq: seq++, task, live: true }
      queue.push(timer)
      live++
      return () => {
        if (!timer.live) return
        timer.live = false
        live--
      }
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        return Promise.reject(new RangeError(`advance needs a finite ms >= 0, got ${ms}`))
      }
      return enqueue(() => now + ms)
    },
    flush() {
      return enqueue(() => now)
    },
    set(epochMs) {
      if (!Number.isFinite(epochMs)) {
        return Promise.reject(new RangeError(`set needs a finite time, got ${epochMs}`))
      }
      return enqueue(() => {
        if (epochMs < now) {
          throw new RangeError(`the fake clock never goes backwards: ${epochMs} < now() ${now}`)
        }
        return epochMs
      })
    },
    pending: () => live,
  }
}

// Taken at load so a test that later installs vi.useFakeTimers() cannot stall advance().
const yieldTurn: (resolve: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? globalThis.setImmediate.bind(globalThis)
    : (resolve) => globalThis.setTimeout(resolve, 0)

/** Lets promise callbacks queued so far (and those they queue) run: one macrotask turn, no delay. */
function settle(): Promise<void> {
  return new Promise((resolve) => yieldTurn(resolve))
}

/** Min-heap by (due, seq); cancelled timers stay in it until they surface and are skipped. */
class TimerHeap {
  private readonly heap: Timer[] = []

  push(timer: Timer): void {
    const heap = this.heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(timer, heap[parent]!)) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = timer
  }

  /** Removes and returns the earliest live timer due at or before `limit`. */
  popDue(limit: number): Timer | undefined {
    for (;;) {
      const top = this.heap[0]
      if (!top || (top.live && top.due > limit)) return undefined
      this.pop()
      if (top.live) return top
    }
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()!
    if (heap.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && before(heap[right]!, heap[left]!) ? right : left
      if (!before(heap[child]!, last)) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq)
}
