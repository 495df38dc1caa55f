/**
 * `suggestMeetingTimes` (SPEC 16): slots in a period when most of a wedding's team is usually
 * available, from each member's availability pattern, never over a calendar-busy window. Pure and
 * deterministic: ties go to the earlier slot, and suggestions never overlap each other.
 */
import { MS, type OffsetTable, PresenceServerError, zoneOffsets } from '@wedsync/presence-server'
import { type AvailabilityPattern, forEachLocalHour } from './insights.js'

/** A busy window, epoch ms, end exclusive (from a calendar: see calendar-ics). */
export interface BusyWindow {
  readonly start: number
  readonly end: number
}

export interface MeetingMember {
  readonly userId: string
  readonly pattern: AvailabilityPattern
  /** Calendar-busy windows: a slot overlapping one is impossible for this member. */
  readonly busy?: readonly BusyWindow[]
}

export interface SuggestMeetingOptions {
  readonly members: readonly MeetingMember[]
  readonly durationMinutes: number
  /** The period to search, epoch ms. At most 31 days. */
  readonly within: { readonly start: number; readonly end: number }
  /** Slots with fewer likely attendees are left out. Default 1. */
  readonly minAttendees?: number
  /** Candidate starts are this far apart, at multiples of it since the epoch (on the hour in UTC). Default 30. */
  readonly stepMinutes?: number
  /** A member whose usual availability over the slot is at least this is likely to attend. Default 0.5. */
  readonly threshold?: number
  /** Most suggestions returned. Default 5. */
  readonly limit?: number
}

export interface MeetingSlot {
  readonly start: number
  readonly end: number
  /** Likely to attend: usually available then, no calendar conflict. */
  readonly attendees: readonly string[]
  /** A calendar-busy window overlaps the slot. */
  readonly busy: readonly string[]
  /** Usually not available then. */
  readonly unlikely: readonly string[]
  /** Not enough history to say. */
  readonly unknown: readonly string[]
  /** Expected attendance: the sum of each known member's usual availability over the slot. */
  readonly expected: number
}

const MAX_WITHIN_MS = 31 * MS.day

function invalid(message: string): PresenceServerError {
  return new PresenceServerError('PRESENCE_PAYLOAD_INVALID', message)
}

function check(options: SuggestMeetingOptions): void {
  const { durationMinutes, within } = options
  if (!Number.isInteger(durationMinutes) || durationMinutes < 5 || durationMinutes > 24 * 60)
    throw invalid('durationMinutes must be a whole number from 5 to 1440')
  if (
    !Number.isFinite(within?.start) ||
    !Number.isFinite(within?.end) ||
    within.end <= within.start
  )
    throw invalid('within must be a period with start before end')
  if (within.end - within.start > MAX_WITHIN_MS) throw invalid('within must span at most 31 days')
  const step = options.stepMinutes ?? 30
  if (!Number.isInteger(step) || step < 5 || step > 24 * 60)
    throw invalid('stepMinutes must be a whole number from 5 to 1440')
  if (!Array.isArray(options.members) || options.members.length > 1_000)
    throw invalid('members must be an array of at most 1,000')
}

/** The member's usual availability over [start, end): the time-weighted share, or null if unknown. */
function usualShare(
  pattern: AvailabilityPattern,
  offsets: OffsetTable,
  start: number,
  end: number,
): number | null {
  if (!pattern.enoughData) return null
  let sum = 0
  let unknown = false
  forEachLocalHour(start, end, offsets, (cell, ms) => {
    const share = pattern.cells[Math.floor(cell / 24)]![cell % 24]
    if (share === null || share === undefined) unknown = true
    else sum += share * ms
  })
  return unknown ? null : sum / (end - start)
}

function overlapsAny(windows: readonly BusyWindow[], start: number, end: number): boolean {
  for (const w of windows) if (w.start < end && w.end > start) return true
  return false
}

/**
 * Ranks candidate slots by likely attendees, then expected attendance, then time, and returns
 * the best `limit` that do not overlap each other. Throws PRESENCE_PAYLOAD_INVALID on bad input.
 */
export function suggestMeetingTimes(options: SuggestMeetingOptions): MeetingSlot[] {
  check(options)
  const { members, within } = options
  const duration = options.durationMinutes * 60_000
  const step = (options.stepMinutes ?? 30) * 60_000
  const threshold = options.threshold ?? 0.5
  const minAttendees = options.minAttendees ?? 1
  const limit = options.limit ?? 5

  const people = members.map((m) => ({
    userId: m.userId,
    pattern: m.pattern,
    offsets: zoneOffsets(m.pattern.timeZone),
    busy: (m.busy ?? []).filter((w) => w.end > within.start && w.start < within.end),
  }))

  const candidates: MeetingSlot[] = []
  const first = Math.ceil(within.start / step) * step
  for (let start = first; start + duration <= within.end; start += step) {
    const end = start + duration
    const attendees: string[] = []
    const busy: string[] = []
    const unlikely: string[] = []
    const unknown: string[] = []
    let expected = 0
    for (const p of people) {
      if (overlapsAny(p.busy, start, end)) {
        busy.push(p.userId)
        continue
      }
      const share = usualShare(p.pattern, p.offsets, start, end)
      if (share === null) unknown.push(p.userId)
      else {
        expected += share
        if (share >= threshold) attendees.push(p.userId)
        else unlikely.push(p.userId)
      }
    }
    if (attendees.length < minAttendees) continue
    candidates.push({
      start,
      end,
      attendees,
      busy,
      unlikely,
      unknown,
      expected: Math.round(expected * 100) / 100,
    })
  }
  candidates.sort(
    (a, b) =>
      b.attendees.length - a.attendees.length || b.expected - a.expected || a.start - b.start,
  )
  const chosen: MeetingSlot[] = []
  for (const slot of candidates) {
    if (chosen.length >= limit) break
    if (chosen.some((c) => c.start < slot.end && c.end > slot.start)) continue
    chosen.push(slot)
  }
  return chosen
}
