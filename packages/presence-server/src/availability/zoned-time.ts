/**
 * Wall-clock time in an IANA time zone, through `Intl` only (no time zone data of our own): the
 * offset at an instant, the local date and hour of an instant, and the instant of a local wall
 * time. `Intl` calls are slow (≈10 µs each), so code that walks many instants in one zone uses the
 * zone's offset table, which looks at each day once and answers by lookup from then on.
 */
import { PresenceServerError } from '../errors.js'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

export interface WallTime {
  readonly year: number
  /** 1–12. */
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second?: number
}

export interface ZonedParts extends Required<WallTime> {
  /** 0 = Sunday … 6 = Saturday (as `Date#getDay`). */
  readonly weekday: number
}

const formats = new Map<string, Intl.DateTimeFormat>()

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(timeZone, format)
  }
  return format
}

/** True when `Intl` knows `timeZone` (an IANA name such as `Europe/London`, or `UTC`). */
export function isTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '' || timeZone.length > 64) return false
  try {
    formatFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** `timeZone`, or PRESENCE_PAYLOAD_INVALID naming `what` when `Intl` does not know it. */
export function checkTimeZone(timeZone: unknown, what = 'timeZone'): string {
  if (isTimeZone(timeZone)) return timeZone
  throw new PresenceServerError(
    'PRESENCE_PAYLOAD_INVALID',
    `${what} must be an IANA time zone such as Europe/London`,
  )
}

/** The local wall time of `epochMs` in `timeZone`. */
export function zonedParts(epochMs: number, timeZone: string): ZonedParts {
  const parts: Record<string, number> = {}
  for (const part of formatFor(timeZone).formatToParts(epochMs))
    if (part.type !== 'literal') parts[part.type] = Number(part.value)
  const wall = {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  }
  return { ...wall, weekday: new Date(Date.UTC(wall.year, wall.month - 1, wall.day)).getUTCDay() }
}

/** The zone's offset from UTC at `epochMs`, in ms (positive east of Greenwich). */
export function offsetAt(epochMs: number, timeZone: string): number {
  const p = zonedParts(epochMs, timeZone)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000))
}

/**
 * The instant a local wall time names in `timeZone`. A time skipped by a spring-forward
 * transition moves forward by the gap; an ambiguous one (the repeated hour) is the earlier instant.
 */
export function wallTimeToEpoch(wall: WallTime, timeZone: string): number {
  const asUtc = Date.UTC(
    wall.year,
    wall.month - 1,
    wall.day,
    wall.hour,
    wall.minute,
    wall.second ?? 0,
  )
  // The offsets either side of the wall time: the two candidate instants they give.
  const before = offsetAt(asUtc - DAY_MS / 2, timeZone)
  const after = offsetAt(asUtc + DAY_MS / 2, timeZone)
  const early = asUtc - Math.max(before, after)
  const late = asUtc - Math.min(before, after)
  for (const candidate of [early, late])
    if (candidate + offsetAt(candidate, timeZone) === asUtc) return candidate
  // In the gap of a spring-forward: no instant shows this wall time; take the one after the gap.
  return asUtc - before
}

/** "14:05" in `timeZone`. */
export function formatClock(epochMs: number, timeZone: string): string {
  const p = zonedParts(epochMs, timeZone)
  return `${pad(p.hour)}:${pad(p.minute)}`
}

/** Local days between the dates of `a` and `b` in `timeZone` (b's date minus a's). */
export function localDaysBetween(a: number, b: number, timeZone: string): number {
  const da = zonedParts(a, timeZone)
  const db = zonedParts(b, timeZone)
  return Math.round(
    (Date.UTC(db.year, db.month - 1, db.day) - Date.UTC(da.year, da.month - 1, da.day)) / DAY_MS,
  )
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** A zone's offsets, found once per day and kept: `offset(t)` is a lookup, not an `Intl` call. */
export interface OffsetTable {
  readonly timeZone: string
  offset(epochMs: number): number
}

interface DayOffsets {
  /** Offset at the start of the UTC day. */
  readonly start: number
  /** When the day holds a transition: its first minute, and the offset from then on. */
  readonly changeAt?: number
  readonly after?: number
}

/** Days kept per zone before the cache starts again (a year is 366). */
const MAX_CACHED_DAYS = 20_000
const MAX_CACHED_ZONES = 64
const tables = new Map<string, OffsetTable>()

/**
 * The offset table of `timeZone`, shared by every caller in the process. Each UTC day is looked
 * at once: the offsets at its start and end (two `Intl` calls, one shared with the next day), and
 * when they differ, the transition is found to the minute by bisection. Zones change offset at
 * most a few times a year and never twice in one day, which is what this relies on. Intl's answers
 * never change while the process runs, so the table is a cache of facts, not state.
 */
export function zoneOffsets(timeZone: string): OffsetTable {
  let table = tables.get(timeZone)
  if (table) return table
  if (tables.size >= MAX_CACHED_ZONES) tables.clear()
  const days = new Map<number, DayOffsets>()
  const startOf = (day: number) => days.get(day)?.start ?? offsetAt(day * DAY_MS, timeZone)
  const load = (day: number): DayOffsets => {
    if (days.size >= MAX_CACHED_DAYS) days.clear()
    const start = startOf(day)
    const end = startOf(day + 1)
    let info: DayOffsets = { start }
    if (end !== start) {
      let lo = day * DAY_MS
      let hi = lo + DAY_MS
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000
        if (offsetAt(mid, timeZone) === start) lo = mid
        else hi = mid
      }
      info = { start, changeAt: hi, after: offsetAt(hi, timeZone) }
    }
    days.set(day, info)
    return info
  }
  let lastDay = Number.NaN
  let last: DayOffsets = { start: 0 }
  table = {
    timeZone,
    offset(epochMs) {
      const day = Math.floor(epochMs / DAY_MS)
      if (day !== lastDay) {
        last = days.get(day) ?? load(day)
        lastDay = day
      }
      return last.changeAt !== undefined && epochMs >= last.changeAt ? last.after! : last.start
    },
  }
  tables.set(timeZone, table)
  return table
}

export const MS = { hour: HOUR_MS, day: DAY_MS } as const
