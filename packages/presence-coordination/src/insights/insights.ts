/**
 * Availability patterns from recorded presence history (`presence_events`, SPEC 16): for each
 * weekday × hour in the person's own time zone, the share of that hour they were available,
 * averaged over the weeks observed. Pure and deterministic: the same events, window and zone give
 * the same pattern. A pattern says when it rests on too little history to mean anything.
 */
import type { Status } from '@wedsync/presence-core'
import { MS, type OffsetTable, type StatusEvent, zoneOffsets } from '@wedsync/presence-server'

const HOUR = MS.hour
const DAY = MS.day

/** Statuses that count as available: at the desk, reachable now. */
export const DEFAULT_AVAILABLE: readonly Status[] = ['online', 'idle']

export interface PatternOptions {
  readonly userId: string
  /** The user's transitions; any order (they are sorted). Events outside [from, to) are ignored. */
  readonly events: readonly StatusEvent[]
  /** The window, epoch ms: typically the last 28 or 90 days up to now. */
  readonly from: number
  readonly to: number
  /** The user's IANA time zone: hours are theirs, not the server's. */
  readonly timeZone: string
  readonly available?: readonly Status[]
  /** Fewer days of history than this is not enough for a pattern. Default 14. */
  readonly minDays?: number
  /** A cell observed for fewer hours than this (≈ weeks) has no value. Default 2. */
  readonly minSamples?: number
  /**
   * An available stretch longer than this is cut there: history records status changes, and a
   * session that ended without an `offline` would otherwise read as available for days.
   * Default 16 hours.
   */
  readonly maxAvailableMs?: number
  /** When the user was last seen: what follows their last event counts as available only until then. */
  readonly lastSeenAt?: number
}

export interface AvailabilityPattern {
  readonly userId: string
  readonly timeZone: string
  readonly from: number
  readonly to: number
  /** True when there is enough history to rely on the pattern. */
  readonly enoughData: boolean
  /** Why there is not enough data, in plain English; absent when there is. */
  readonly reason?: string
  /** Days of the window covered by history. */
  readonly observedDays: number
  /**
   * `cells[weekday][hour]`: weekday 0 = Sunday … 6 = Saturday, hour 0–23 local; the share (0–1)
   * of that hour the user was available, or null where it was observed too rarely.
   */
  readonly cells: readonly (readonly (number | null)[])[]
  /** `samples[weekday][hour]`: hours of history behind each cell (≈ the weeks observed). */
  readonly samples: readonly (readonly number[])[]
}

/** Weekday (0 = Sunday) and hour of a local-time epoch (epoch ms + offset). */
export function localCell(localMs: number): number {
  const day = Math.floor(localMs / DAY)
  const weekday = (((day + 4) % 7) + 7) % 7 // 1 January 1970 was a Thursday
  const hour = Math.floor((localMs - day * DAY) / HOUR)
  return weekday * 24 + hour
}

/**
 * Calls `add(cell, ms)` for each local-hour piece of [start, end): the walk follows the zone's
 * offsets, so a half-hour zone or a daylight-saving day lands in the right local hours.
 */
export function forEachLocalHour(
  start: number,
  end: number,
  offsets: OffsetTable,
  add: (cell: number, ms: number) => void,
): void {
  let t = start
  while (t < end) {
    const offset = offsets.offset(t)
    const local = t + offset
    const nextLocalHour = (Math.floor(local / HOUR) + 1) * HOUR
    const pieceEnd = Math.min(end, nextLocalHour - offset)
    add(localCell(local), pieceEnd - t)
    t = pieceEnd
  }
}

/** The user's availability pattern over [from, to) in their time zone. */
export function availabilityPattern(options: PatternOptions): AvailabilityPattern {
  const { userId, from, to, timeZone } = options
  const available = new Set(options.available ?? DEFAULT_AVAILABLE)
  const minDays = options.minDays ?? 14
  const minSamples = options.minSamples ?? 2
  const maxAvailableMs = options.maxAvailableMs ?? 16 * HOUR
  const events = options.events.filter((e) => e.at >= from && e.at < to).sort((a, b) => a.at - b.at)

  const observed = new Float64Array(7 * 24)
  const availableMs = new Float64Array(7 * 24)
  let observedTotal = 0
  if (events.length > 0) {
    const offsets = zoneOffsets(timeZone)
    const first = events[0]!
    // The status the first event replaced held since before the window: observed from `from`.
    let start = first.from === null ? first.at : from
    let status: Status | null = first.from
    const span = (a: number, b: number, isAvailable: boolean) => {
      if (b <= a) return
      observedTotal += b - a
      forEachLocalHour(a, b, offsets, (cell, ms) => {
        observed[cell]! += ms
        if (isAvailable) availableMs[cell]! += ms
      })
    }
    const interval = (a: number, b: number, s: Status | null) => {
      if (s === null) return
      if (!available.has(s)) return span(a, b, false)
      const cut = Math.min(b, a + maxAvailableMs)
      span(a, cut, true)
      span(cut, b, false)
    }
    for (const event of events) {
      interval(start, event.at, status)
      start = event.at
      status = event.to
    }
    const lastEnd =
      options.lastSeenAt !== undefined && status !== null && available.has(status)
        ? Math.max(start, Math.min(to, options.lastSeenAt))
        : to
    interval(start, lastEnd, status)
    if (lastEnd < to) span(lastEnd, to, false)
  }

  const observedDays = Math.floor(observedTotal / DAY)
  const cells: (number | null)[][] = []
  const samples: number[][] = []
  for (let weekday = 0; weekday < 7; weekday++) {
    const row: (number | null)[] = []
    const sampleRow: number[] = []
    for (let hour = 0; hour < 24; hour++) {
      const i = weekday * 24 + hour
      const hours = observed[i]! / HOUR
      sampleRow.push(Math.round(hours * 100) / 100)
      row.push(hours >= minSamples ? round3(availableMs[i]! / observed[i]!) : null)
    }
    cells.push(row)
    samples.push(sampleRow)
  }
  const enoughData = observedDays >= minDays
  const reason = enoughData
    ? undefined
    : events.length === 0
      ? 'No recorded presence history in this period.'
      : `Only ${observedDays} ${observedDays === 1 ? 'day' : 'days'} of presence history; a pattern needs at least ${minDays}.`
  return {
    userId,
    timeZone,
    from,
    to,
    enoughData,
    ...(reason === undefined ? {} : { reason }),
    observedDays,
    cells,
    samples,
  }
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000
}

/** The pattern's value for the local hour containing `at`, or null when unknown. */
export function availabilityAt(pattern: AvailabilityPattern, at: number): number | null {
  if (!pattern.enoughData) return null
  const cell = localCell(at + zoneOffsets(pattern.timeZone).offset(at))
  return pattern.cells[Math.floor(cell / 24)]![cell % 24]!
}

export interface UsuallyBackOptions {
  /** A cell at or above this share counts as "usually available". Default 0.5. */
  readonly threshold?: number
  /** How far ahead to look. Default 24 hours. */
  readonly lookaheadMs?: number
  /** Round the answer up to this. Default 15 minutes. */
  readonly roundToMs?: number
}

/**
 * When someone who is not available now is usually back, from their pattern: the first local
 * hour from now that they are usually available in, less the share of it they usually miss
 * (arriving at 13:20 most days makes 13:00–14:00 two-thirds available: back by 13:20), rounded
 * up to the quarter hour. Undefined without enough data or when no such hour is in reach.
 */
export function usuallyBackAt(
  pattern: AvailabilityPattern,
  now: number,
  options: UsuallyBackOptions = {},
): number | undefined {
  if (!pattern.enoughData) return undefined
  const threshold = options.threshold ?? 0.5
  const lookahead = options.lookaheadMs ?? DAY
  const round = options.roundToMs ?? 15 * 60_000
  const offsets = zoneOffsets(pattern.timeZone)
  // Walk local hours from the one containing now.
  let t = now
  while (t < now + lookahead) {
    const offset = offsets.offset(t)
    const local = t + offset
    const hourStart = Math.floor(local / HOUR) * HOUR - offset
    const cell = localCell(local)
    const share = pattern.cells[Math.floor(cell / 24)]![cell % 24]
    if (share !== null && share !== undefined && share >= threshold) {
      const estimate = Math.ceil((hourStart + (1 - share) * HOUR) / round) * round
      if (estimate > now) return estimate
    }
    t = hourStart + HOUR
  }
  return undefined
}
