import { type StatusEvent, wallTimeToEpoch, zoneOffsets } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import { generateHistory, seeded, weekdays } from '../../test/history.js'
import {
  availabilityAt,
  availabilityPattern,
  forEachLocalHour,
  localCell,
  usuallyBackAt,
} from './insights.js'

const DAY = 86_400_000
const HOUR = 3_600_000
const MON = 1
const SAT = 6
const SUN = 0

// Monday 2 March 2026 00:00 London; eight weeks take in the clocks going forward on 29 March.
const FROM = Date.UTC(2026, 2, 2)
const TO = FROM + 56 * DAY

describe('availabilityPattern', () => {
  it('finds a nine-to-five in local hours, across a daylight-saving change', () => {
    const events = generateHistory({
      userId: 'u-florist',
      timeZone: 'Europe/London',
      from: FROM,
      days: 56,
      schedule: weekdays(9, 17),
      jitterMinutes: 10,
      idleBlips: 3,
      random: seeded(7),
    })
    const p = availabilityPattern({
      userId: 'u-florist',
      events,
      from: FROM,
      to: TO,
      timeZone: 'Europe/London',
    })
    expect(p.enoughData).toBe(true)
    expect(p.reason).toBeUndefined()
    expect(p.observedDays).toBe(55) // from the first Monday 09:00-ish to the end
    for (let weekday = 1; weekday <= 5; weekday++) {
      for (let hour = 10; hour < 17; hour++) expect(p.cells[weekday]![hour]).toBe(1)
      // Starts move up to 10 minutes late: hour 9 is at least 5/6 available, never full.
      expect(p.cells[weekday]![9]).toBeGreaterThanOrEqual(0.83)
      expect(p.cells[weekday]![9]).toBeLessThan(1)
      // Ends move up to 10 minutes late too: a little of hour 17.
      expect(p.cells[weekday]![17]).toBeLessThanOrEqual(0.17)
      for (const hour of [0, 6, 8, 18, 23]) expect(p.cells[weekday]![hour]).toBe(0)
    }
    for (const weekend of [SAT, SUN]) expect(p.cells[weekend]!.every((c) => c === 0)).toBe(true)
    // Eight weeks of Mondays behind each Monday cell (the first Monday's 00–09 not observed).
    expect(p.samples[MON]![12]).toBe(8)
  })

  it('is deterministic: the same events in any order give the same pattern', () => {
    const make = () =>
      generateHistory({
        userId: 'u',
        timeZone: 'America/New_York',
        from: FROM,
        days: 30,
        schedule: weekdays(8, 16),
        jitterMinutes: 30,
        idleBlips: 2,
        random: seeded(42),
      })
    const events = make()
    const shuffled = [...events].sort(() => 0).reverse()
    const opts = { userId: 'u', from: FROM, to: FROM + 30 * DAY, timeZone: 'America/New_York' }
    expect(availabilityPattern({ ...opts, events: shuffled })).toEqual(
      availabilityPattern({ ...opts, events: make() }),
    )
  })

  it('puts a half-hour zone in its own hours', () => {
    const events = generateHistory({
      userId: 'u',
      timeZone: 'Asia/Kolkata',
      from: FROM,
      days: 28,
      schedule: weekdays(9, 17),
    })
    const p = availabilityPattern({
      userId: 'u',
      events,
      from: FROM,
      to: FROM + 28 * DAY,
      timeZone: 'Asia/Kolkata',
    })
    expect(p.cells[3]!.slice(8, 18)).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 0])
  })

  it('says when there is not enough history', () => {
    const events = generateHistory({
      userId: 'u',
      timeZone: 'UTC',
      from: FROM,
      days: 5,
      schedule: weekdays(9, 17),
    })
    // Offline after the last event is history too: from 09:00 on day 1 to the window's end.
    const quiet = availabilityPattern({ userId: 'u', events, from: FROM, to: TO, timeZone: 'UTC' })
    expect(quiet).toMatchObject({ enoughData: true, observedDays: 55 })
    const short = availabilityPattern({
      userId: 'u',
      events,
      from: FROM,
      to: FROM + 5 * DAY,
      timeZone: 'UTC',
    })
    expect(short).toMatchObject({
      enoughData: false,
      observedDays: 4,
      reason: 'Only 4 days of presence history; a pattern needs at least 14.',
    })
    expect(availabilityAt(short, FROM + 10 * HOUR)).toBeNull()
    expect(usuallyBackAt(short, FROM)).toBeUndefined()
    const none = availabilityPattern({
      userId: 'u',
      events: [],
      from: FROM,
      to: TO,
      timeZone: 'UTC',
    })
    expect(none).toMatchObject({
      enoughData: false,
      observedDays: 0,
      reason: 'No recorded presence history in this period.',
    })
    expect(none.cells.flat().every((c) => c === null)).toBe(true)
  })

  it('takes the status before the window from the first event, and ignores events outside', () => {
    const events: StatusEvent[] = [
      { userId: 'u', from: 'online', to: 'offline', at: FROM + 2 * HOUR },
      { userId: 'u', from: 'offline', to: 'online', at: FROM + 40 * DAY }, // after `to`
    ]
    const p = availabilityPattern({
      userId: 'u',
      events,
      from: FROM,
      to: FROM + 21 * DAY,
      timeZone: 'UTC',
      minSamples: 1,
    })
    expect(p.cells[MON]!.slice(0, 3)).toEqual([0.333, 0.333, 0]) // 1 of 3 Mondays online 00–02
  })

  it('cuts an available stretch with no end, and stops at last seen', () => {
    const events: StatusEvent[] = [{ userId: 'u', from: null, to: 'online', at: FROM }]
    const opts = { userId: 'u', events, from: FROM, to: FROM + 14 * DAY, timeZone: 'UTC' }
    const cut = availabilityPattern({ ...opts, minSamples: 1 })
    expect(cut.cells[MON]!.slice(14, 18)).toEqual([0.5, 0.5, 0, 0]) // 16 h on the first Monday only
    const seen = availabilityPattern({ ...opts, minSamples: 1, lastSeenAt: FROM + 3 * HOUR })
    expect(seen.cells[MON]!.slice(0, 4)).toEqual([0.5, 0.5, 0.5, 0])
  })

  it('counts only the statuses it is told are available', () => {
    const events: StatusEvent[] = [
      { userId: 'u', from: null, to: 'busy', at: FROM },
      { userId: 'u', from: 'busy', to: 'offline', at: FROM + HOUR },
    ]
    const opts = { userId: 'u', events, from: FROM, to: FROM + DAY, timeZone: 'UTC', minSamples: 1 }
    expect(availabilityPattern(opts).cells[MON]![0]).toBe(0)
    expect(availabilityPattern({ ...opts, available: ['busy'] }).cells[MON]![0]).toBe(1)
  })
})

describe('usuallyBackAt', () => {
  // Back from the morning's venue visits at 13:20 sharp, every weekday.
  // Generated from a week earlier, so the window opens on a known status.
  const events = generateHistory({
    userId: 'u-florist',
    timeZone: 'Europe/London',
    from: FROM - 7 * DAY,
    days: 35,
    schedule: weekdays(13 + 20 / 60, 18),
  })
  const pattern = availabilityPattern({
    userId: 'u-florist',
    events,
    from: FROM,
    to: FROM + 28 * DAY,
    timeZone: 'Europe/London',
  })
  const monday = (h: number, m = 0) =>
    wallTimeToEpoch({ year: 2026, month: 3, day: 30, hour: h, minute: m }, 'Europe/London')

  it('is the hour they are usually back in, less the part they usually miss, rounded up', () => {
    expect(pattern.cells[MON]![13]).toBe(0.667)
    expect(usuallyBackAt(pattern, monday(11))).toBe(monday(13, 30))
    expect(availabilityAt(pattern, monday(15))).toBe(1)
  })

  it('looks past an hour whose estimate has gone by, to the next day when needed', () => {
    expect(usuallyBackAt(pattern, monday(13, 40))).toBe(monday(14))
    // Late on Friday 3 April: next back on Monday, beyond the default day of lookahead.
    const friday = wallTimeToEpoch(
      { year: 2026, month: 4, day: 3, hour: 19, minute: 0 },
      'Europe/London',
    )
    expect(usuallyBackAt(pattern, friday)).toBeUndefined()
    expect(usuallyBackAt(pattern, friday, { lookaheadMs: 4 * DAY })).toBe(
      wallTimeToEpoch({ year: 2026, month: 4, day: 6, hour: 13, minute: 30 }, 'Europe/London'),
    )
  })
})

describe('local hours', () => {
  it('splits a span at local hour boundaries', () => {
    const pieces: [number, number][] = []
    const table = zoneOffsets('Asia/Kolkata')
    forEachLocalHour(FROM, FROM + HOUR, table, (cell, ms) => pieces.push([cell, ms]))
    // 00:00 UTC Monday is 05:30 in Kolkata: half an hour in 05, half in 06.
    expect(pieces).toEqual([
      [MON * 24 + 5, HOUR / 2],
      [MON * 24 + 6, HOUR / 2],
    ])
    expect(localCell(-1)).toBe(3 * 24 + 23) // 31 December 1969 23:59:59.999, a Wednesday
  })
})
