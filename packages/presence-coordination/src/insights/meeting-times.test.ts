import { isPresenceServerError, wallTimeToEpoch, zonedParts } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import { generateHistory, seeded, weekdays } from '../../test/history.js'
import { type AvailabilityPattern, availabilityPattern } from './insights.js'
import { type SuggestMeetingOptions, suggestMeetingTimes } from './meeting-times.js'

const DAY = 86_400_000
const LONDON = 'Europe/London'
const FROM = Date.UTC(2026, 4, 4) // Monday 4 May 2026, 01:00 London
const TO = FROM + 42 * DAY
const at = (day: number, hour: number, minute = 0) =>
  wallTimeToEpoch({ year: 2026, month: 6, day, hour, minute }, LONDON) // June 2026

/** A wedding team whose working hours overlap, all five of them, only from 13:00 to 14:00. */
const HOURS: Record<string, [number, number]> = {
  'u-venue': [9, 17],
  'u-planner': [10, 18],
  'u-photo': [13, 19],
  'u-florist': [8, 14],
  'u-caterer': [12, 15],
}

function team(seed: number, zone = LONDON): AvailabilityPattern[] {
  const random = seeded(seed)
  return Object.entries(HOURS).map(([userId, [start, end]]) =>
    availabilityPattern({
      userId,
      timeZone: zone,
      from: FROM,
      to: TO,
      events: generateHistory({
        userId,
        timeZone: zone,
        from: FROM - 7 * DAY,
        days: 49,
        schedule: weekdays(start, end),
        jitterMinutes: 8,
        idleBlips: 2,
        random,
      }),
    }),
  )
}

// The week to plan: Monday 15 June to Friday 19 June 2026.
const WEEK = { start: at(15, 0), end: at(20, 0) }

describe('suggestMeetingTimes', () => {
  it('finds the hour the whole team is usually there, one per weekday', () => {
    const slots = suggestMeetingTimes({
      members: team(1).map((pattern) => ({ userId: pattern.userId, pattern })),
      durationMinutes: 60,
      within: WEEK,
      minAttendees: 3,
    })
    expect(slots).toHaveLength(5)
    for (const slot of slots) {
      const local = zonedParts(slot.start, LONDON)
      expect([local.hour, local.minute]).toEqual([13, 0])
      expect(slot.end - slot.start).toBe(3_600_000)
      expect(slot.attendees).toHaveLength(5)
      expect(slot.expected).toBeGreaterThan(4.7)
    }
    expect(new Set(slots.map((s) => zonedParts(s.start, LONDON).weekday))).toEqual(
      new Set([1, 2, 3, 4, 5]),
    )
  })

  it('never puts a member in a slot over their calendar-busy window', () => {
    const patterns = team(2)
    // The coordinator has a venue visit on Monday and Tuesday 12:30–13:30.
    const busy = [
      { start: at(15, 12, 30), end: at(15, 13, 30) },
      { start: at(16, 12, 30), end: at(16, 13, 30) },
    ]
    const slots = suggestMeetingTimes({
      members: patterns.map((pattern) => ({
        userId: pattern.userId,
        pattern,
        ...(pattern.userId === 'u-venue' ? { busy } : {}),
      })),
      durationMinutes: 60,
      within: { start: at(15, 0), end: at(17, 0) },
      minAttendees: 5,
    })
    expect(slots.length).toBeGreaterThan(0)
    for (const slot of slots) {
      const clash = busy.some((w) => w.start < slot.end && w.end > slot.start)
      expect(clash).toBe(false)
      expect(slot.attendees).toHaveLength(5)
    }
    // Monday and Tuesday at 13:00 are out; 13:30 (the florist half there) is the best left.
    expect(slots.map((s) => zonedParts(s.start, LONDON))).toMatchObject([
      { day: 15, hour: 13, minute: 30 },
      { day: 16, hour: 13, minute: 30 },
    ])
    const monday = suggestMeetingTimes({
      members: patterns.map((pattern) => ({
        userId: pattern.userId,
        pattern,
        ...(pattern.userId === 'u-venue' ? { busy } : {}),
      })),
      durationMinutes: 60,
      within: { start: at(15, 13), end: at(15, 14) },
      minAttendees: 1,
    })
    expect(monday).toMatchObject([{ busy: ['u-venue'] }])
  })

  it('is deterministic, and says who is unknown or unlikely', () => {
    const patterns = team(3)
    const newcomer = availabilityPattern({
      userId: 'u-dj',
      events: [],
      from: FROM,
      to: TO,
      timeZone: LONDON,
    })
    const options: SuggestMeetingOptions = {
      members: [...patterns, newcomer].map((pattern) => ({ userId: pattern.userId, pattern })),
      durationMinutes: 30,
      within: WEEK,
      stepMinutes: 15,
      limit: 3,
    }
    const first = suggestMeetingTimes(options)
    expect(suggestMeetingTimes(options)).toEqual(first)
    expect(first).toHaveLength(3)
    for (const slot of first) expect(slot.unknown).toEqual(['u-dj'])
    const evening = suggestMeetingTimes({
      ...options,
      within: { start: at(15, 18), end: at(15, 20) },
    })
    expect(evening[0]).toMatchObject({ attendees: ['u-photo'], unknown: ['u-dj'] })
    expect(evening[0]!.unlikely).toHaveLength(4)
  })

  it('leaves out slots with too few likely attendees', () => {
    const slots = suggestMeetingTimes({
      members: team(4).map((pattern) => ({ userId: pattern.userId, pattern })),
      durationMinutes: 60,
      within: { start: at(20, 0), end: at(22, 0) }, // the weekend
      minAttendees: 1,
    })
    expect(slots).toEqual([])
  })

  it('refuses bad input with a typed error', () => {
    const base: SuggestMeetingOptions = { members: [], durationMinutes: 60, within: WEEK }
    const bad: Partial<SuggestMeetingOptions>[] = [
      { durationMinutes: 0 },
      { durationMinutes: 30.5 },
      { within: { start: WEEK.end, end: WEEK.start } },
      { within: { start: WEEK.start, end: WEEK.start + 40 * DAY } },
      { stepMinutes: 1 },
      { members: 'everyone' as never },
    ]
    for (const change of bad) {
      let error: unknown
      try {
        suggestMeetingTimes({ ...base, ...change })
      } catch (e) {
        error = e
      }
      expect(isPresenceServerError(error) && error.code, JSON.stringify(change)).toBe(
        'PRESENCE_PAYLOAD_INVALID',
      )
    }
  })
})
