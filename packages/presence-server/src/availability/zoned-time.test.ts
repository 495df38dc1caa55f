import { describe, expect, it } from 'vitest'
import {
  checkTimeZone,
  formatClock,
  isTimeZone,
  localDaysBetween,
  offsetAt,
  wallTimeToEpoch,
  zonedParts,
  zoneOffsets,
} from './zoned-time.js'

const HOUR = 3_600_000

describe('zoned time', () => {
  it('gives the local wall time and weekday of an instant', () => {
    expect(zonedParts(Date.UTC(2026, 5, 13, 23, 30, 15), 'Europe/London')).toEqual({
      year: 2026,
      month: 6,
      day: 14,
      hour: 0,
      minute: 30,
      second: 15,
      weekday: 0,
    })
    expect(formatClock(Date.UTC(2026, 0, 5, 13, 5), 'Asia/Kolkata')).toBe('18:35')
  })

  it('knows offsets either side of a transition', () => {
    expect(offsetAt(Date.UTC(2026, 2, 29, 0, 59), 'Europe/London')).toBe(0)
    expect(offsetAt(Date.UTC(2026, 2, 29, 1, 0), 'Europe/London')).toBe(HOUR)
    expect(offsetAt(Date.UTC(2026, 0, 1), 'Asia/Kathmandu')).toBe(5.75 * HOUR)
  })

  it('turns wall times into instants, including skipped and repeated hours', () => {
    const london = 'Europe/London'
    expect(wallTimeToEpoch({ year: 2026, month: 6, day: 13, hour: 14, minute: 0 }, london)).toBe(
      Date.UTC(2026, 5, 13, 13, 0),
    )
    // 01:30 on 29 March does not exist in London: the instant after the gap.
    expect(wallTimeToEpoch({ year: 2026, month: 3, day: 29, hour: 1, minute: 30 }, london)).toBe(
      Date.UTC(2026, 2, 29, 1, 30),
    )
    // 01:30 on 25 October happens twice: the earlier one (still BST).
    expect(wallTimeToEpoch({ year: 2026, month: 10, day: 25, hour: 1, minute: 30 }, london)).toBe(
      Date.UTC(2026, 9, 25, 0, 30),
    )
  })

  it('an offset table agrees with Intl across a year, and finds transitions to the minute', () => {
    for (const zone of ['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'UTC']) {
      const from = Date.UTC(2026, 0, 1, 0, 0, 7)
      const to = Date.UTC(2027, 0, 1)
      const table = zoneOffsets(zone)
      for (let t = from; t < to; t += 7 * HOUR + 13 * 60_000)
        expect(table.offset(t), `${zone} at ${new Date(t).toISOString()}`).toBe(offsetAt(t, zone))
    }
    const table = zoneOffsets('Europe/London')
    expect(table.offset(Date.UTC(2026, 2, 29, 0, 59))).toBe(0)
    expect(table.offset(Date.UTC(2026, 2, 29, 1, 0))).toBe(HOUR)
  })

  it('counts local days and checks zone names', () => {
    expect(
      localDaysBetween(Date.UTC(2026, 5, 13, 22), Date.UTC(2026, 5, 13, 23, 30), 'Europe/London'),
    ).toBe(1)
    expect(isTimeZone('Europe/London')).toBe(true)
    expect(isTimeZone('Mars/Olympus')).toBe(false)
    expect(isTimeZone(42)).toBe(false)
    expect(() => checkTimeZone('nowhere', 'zone')).toThrow(/zone must be an IANA time zone/)
  })
})
