/**
 * Seeded presence history, so "usually back by" has weeks of patterns on the demo's first run:
 * each supplier's working routine (local hours per weekday) played over the last weeks as status
 * transitions — online at the start, short idle spells, offline at the end. Invented, and said to
 * be in the README; the live suppliers' transitions are recorded on top of it. Pure but for
 * `seedHistory`, which replays the transitions into a presence store.
 */
import {
  type PresenceStore,
  type StatusEvent,
  wallTimeToEpoch,
  zonedParts,
} from '@wedsync/presence-server'
import type { Random } from '../bots/plan.js'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** Working hours per weekday (0 = Sunday), local: `[13.25, 21]` is 13:15–21:00; may pass 24. */
export type Routine = (weekday: number) => readonly (readonly [number, number])[]

/** Every day in `days` (0 = Sunday), from `start` to `end` (local hours). */
export const on =
  (days: readonly number[], start: number, end: number): Routine =>
  (weekday) =>
    days.includes(weekday) ? [[start, end]] : []

/** Several routines in one: their blocks side by side. */
export const both =
  (...routines: readonly Routine[]): Routine =>
  (weekday) =>
    routines.flatMap((r) => r(weekday))

const WEEKDAYS = [1, 2, 3, 4, 5]

/** The cast's habits, in the venue's time zone: the times "usually back by" comes from. */
export const DEMO_ROUTINES: Readonly<Record<string, Routine>> = {
  'u-venue': both(on(WEEKDAYS, 8.5, 17.5), on([6], 10, 22)),
  // A lunch away from the desk, every weekday.
  'u-planner': both(on(WEEKDAYS, 9, 12.75), on(WEEKDAYS, 13.75, 18)),
  'u-photo': both(on([2, 3, 4, 5], 10, 19), on([6], 11, 23)),
  // At the flower market first thing; back at the shop late morning.
  'u-florist': on([1, 2, 3, 4, 5, 6], 11.25, 17),
  // Afternoons and evenings in the kitchen.
  'u-caterer': on([1, 2, 3, 4, 5, 6], 13.25, 21.5),
  'u-dj': both(on([1, 2, 3], 12, 15.5), on([4, 5, 6], 16, 23.75)),
  'u-baker': on([1, 2, 3, 4, 5, 6], 5.5, 13),
  'u-hair': on([0, 3, 4, 5, 6], 7.5, 16),
}

export interface HistoryOptions {
  readonly userId: string
  readonly routine: Routine
  readonly timeZone: string
  /** The window, epoch ms: days are generated from the local day of `from`, up to `to`. */
  readonly from: number
  readonly to: number
  readonly random: Random
  /** Starts and ends move later by up to this many minutes. Default 20. */
  readonly jitterMinutes?: number
  /** Idle spells (online → idle → online) per working block. Default 2. */
  readonly idleSpells?: number
}

/**
 * The transitions of someone who keeps `routine` every day of the window. A block is played only
 * if it ends before `to`: the history stops at the last finished block, and whoever is online now
 * is recorded live.
 */
export function routineHistory(options: HistoryOptions): StatusEvent[] {
  const { userId, timeZone, random } = options
  const jitter = (options.jitterMinutes ?? 20) * MINUTE
  const spells = options.idleSpells ?? 2
  const events: StatusEvent[] = []
  let last: StatusEvent['to'] | null = null
  const push = (to: StatusEvent['to'], at: number) => {
    if (to === last || at < options.from || at >= options.to) return
    events.push({ userId, from: last, to, at })
    last = to
  }
  const first = zonedParts(options.from, timeZone)
  for (let d = 0; ; d++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + d))
    const midnight = wallTimeToEpoch(
      {
        year: date.getUTCFullYear(),
        month: date.getUTCMonth() + 1,
        day: date.getUTCDate(),
        hour: 0,
        minute: 0,
      },
      timeZone,
    )
    if (midnight >= options.to) break
    for (const [from, to] of options.routine(date.getUTCDay())) {
      const start = midnight + from * HOUR + Math.floor(random() * jitter)
      const end = midnight + to * HOUR + Math.floor(random() * jitter)
      if (end >= options.to) continue
      push('online', start)
      let at = start
      for (let i = 0; i < spells; i++) {
        at += Math.floor(random() * ((end - at) / 2))
        const back = at + 5 * MINUTE + Math.floor(random() * 15 * MINUTE)
        if (back >= end - MINUTE) break
        push('idle', at)
        push('online', back)
        at = back
      }
      push('offline', end)
    }
  }
  return events
}

/** Every routine in `routines`, over the `days` before `now`, oldest first. */
export function castHistory(options: {
  readonly routines: Readonly<Record<string, Routine>>
  readonly now: number
  readonly days: number
  readonly timeZone: string
  readonly random: Random
}): StatusEvent[] {
  return Object.entries(options.routines)
    .flatMap(([userId, routine]) =>
      routineHistory({
        userId,
        routine,
        timeZone: options.timeZone,
        from: options.now - options.days * DAY,
        to: options.now,
        random: options.random,
      }),
    )
    .sort((a, b) => a.at - b.at)
}

/** Replays transitions into the store, oldest first, as if each had been reported then. */
export async function seedHistory(
  store: Pick<PresenceStore, 'recordStatus'>,
  events: readonly StatusEvent[],
): Promise<void> {
  for (const event of events)
    await store.recordStatus({ userId: event.userId, status: event.to, at: event.at })
}
