/**
 * Generated presence histories with known answers, for the insights and availability tests and
 * the bench: working days in a time zone turned into status transitions (online at the start, idle
 * blips during the day, offline at the end), drawn from presence-testing's seeded generator.
 */

import { type StatusEvent, wallTimeToEpoch, zonedParts } from '@wedsync/presence-server'
import { createPrng } from '@wedsync/presence-testing'

/** A generator of numbers in [0, 1); the same seed always gives the same sequence. */
export const seeded = createPrng

/** Local working hours, e.g. `[9, 17]` or `[13 + 20 / 60, 17]`; several blocks allowed. */
export type Schedule = (weekday: number) => readonly (readonly [number, number])[]

export const weekdays =
  (start: number, end: number): Schedule =>
  (weekday) =>
    weekday >= 1 && weekday <= 5 ? [[start, end]] : []

export interface HistoryOptions {
  readonly userId: string
  readonly timeZone: string
  /** First local day (its midnight's instant is found in the zone). */
  readonly from: number
  readonly days: number
  readonly schedule: Schedule
  /** Starts and ends move later by up to this many minutes (uniform). Default 0. */
  readonly jitterMinutes?: number
  /** Idle blips (online → idle → online) per working block. Default 0. */
  readonly idleBlips?: number
  readonly random?: () => number
}

/** Status transitions for a person who works `schedule` every day of [from, from + days). */
export function generateHistory(options: HistoryOptions): StatusEvent[] {
  const random = options.random ?? seeded(1)
  const jitter = (options.jitterMinutes ?? 0) * 60_000
  const events: StatusEvent[] = []
  let last: StatusEvent['to'] | null = null
  const push = (to: StatusEvent['to'], at: number) => {
    if (to === last) return
    events.push({ userId: options.userId, from: last, to, at })
    last = to
  }
  const startDay = zonedParts(options.from, options.timeZone)
  for (let d = 0; d < options.days; d++) {
    const date = new Date(Date.UTC(startDay.year, startDay.month - 1, startDay.day + d))
    const wall = (hours: number) =>
      wallTimeToEpoch(
        {
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
          hour: Math.floor(hours),
          minute: Math.round((hours % 1) * 60),
        },
        options.timeZone,
      )
    for (const [from, to] of options.schedule(date.getUTCDay())) {
      const start = wall(from) + Math.floor(random() * jitter)
      const end = wall(to) + Math.floor(random() * jitter)
      push('online', start)
      for (let b = 0; b < (options.idleBlips ?? 0); b++) {
        const at = start + Math.floor(random() * (end - start - 600_000))
        if (at <= events.at(-1)!.at) continue
        push('idle', at)
        push('online', at + 60_000 + Math.floor(random() * 240_000))
      }
      push('offline', end)
    }
  }
  return events.sort((a, b) => a.at - b.at)
}
