import { isPresenceServerError } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import { FLORIST_ICS, PHOTOGRAPHER_ICS } from '../../test/calendars.js'
import { type CalendarEvent, parseCalendar } from './ics.js'

const SPRING = { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 4, 1) }
const brief = (e: CalendarEvent) => [
  e.uid,
  new Date(e.start).toISOString(),
  new Date(e.end).toISOString(),
  e.summary,
]

describe('parseCalendar', () => {
  it('expands recurrences with exceptions, and resolves every kind of time zone', () => {
    const parsed = parseCalendar(PHOTOGRAPHER_ICS, SPRING)
    expect(parsed).toMatchObject({
      name: 'Sam (photographer)',
      timeZone: 'Europe/London',
      dropped: 1,
      truncated: 0,
    })
    expect(parsed.events.map(brief)).toEqual([
      // 10:00 London is 10:00Z before the clocks go forward, 09:00Z after.
      [
        'shoot-series@test',
        '2026-03-07T10:00:00.000Z',
        '2026-03-07T12:00:00.000Z',
        'Engagement shoot',
      ],
      [
        'shoot-series@test',
        '2026-03-14T10:00:00.000Z',
        '2026-03-14T12:00:00.000Z',
        'Engagement shoot',
      ],
      [
        'shoot-series@test',
        '2026-03-21T10:00:00.000Z',
        '2026-03-21T12:00:00.000Z',
        'Engagement shoot',
      ],
      // 28 March: EXDATE. 4 April: moved to the afternoon.
      [
        'shoot-series@test',
        '2026-04-04T13:00:00.000Z',
        '2026-04-04T15:00:00.000Z',
        'Engagement shoot (moved)',
      ],
      ['dentist@test', '2026-04-08T14:00:00.000Z', '2026-04-08T15:00:00.000Z', 'Dentist'],
      [
        'visit@test',
        '2026-04-09T09:00:00.000Z',
        '2026-04-09T10:00:00.000Z',
        'Venue visit at Riverside Hall',
      ],
      [
        'ceremony@test',
        '2026-04-11T12:00:00.000Z',
        '2026-04-11T13:30:00.000Z',
        'Smith & Jones wedding ceremony',
      ],
      ['fair@test', '2026-04-11T23:00:00.000Z', '2026-04-12T23:00:00.000Z', 'Wedding fair'],
    ])
    const byUid = (uid: string) => parsed.events.find((e) => e.uid === uid)!
    expect(byUid('ceremony@test')).toMatchObject({
      location: 'Oakwood Barn, Mill Lane, Kent',
      description: 'Second shooter: Alex. Arrive 30 minutes early for the first look.',
      allDay: false,
      busy: true,
    })
    expect(byUid('fair@test')).toMatchObject({ allDay: true, busy: false })
    expect(parsed.events[0]!.location).toBe('Hyde Park, London')
  })

  it('returns only occurrences overlapping the window', () => {
    const parsed = parseCalendar(PHOTOGRAPHER_ICS, {
      from: Date.UTC(2026, 2, 14, 11),
      to: Date.UTC(2026, 2, 21, 10, 30),
    })
    expect(parsed.events.map((e) => new Date(e.start).toISOString())).toEqual([
      '2026-03-14T10:00:00.000Z',
      '2026-03-21T10:00:00.000Z',
    ])
  })

  it('reads floating and all-day times in the given zone when the feed names none', () => {
    const ics = PHOTOGRAPHER_ICS.replace('X-WR-TIMEZONE:Europe/London\r\n', '')
    const parsed = parseCalendar(ics, { ...SPRING, timeZone: 'Asia/Tokyo' })
    const dentist = parsed.events.find((e) => e.uid === 'dentist@test')!
    expect(new Date(dentist.start).toISOString()).toBe('2026-04-08T06:00:00.000Z')
    expect(parsed.timeZone).toBeUndefined()
    expect(parseCalendar(FLORIST_ICS, SPRING).events).toEqual([])
  })

  it('stops expanding an endless rule and says so', () => {
    const endless = PHOTOGRAPHER_ICS.replace('FREQ=WEEKLY;BYDAY=SA;COUNT=5', 'FREQ=DAILY')
    const parsed = parseCalendar(endless, { ...SPRING, maxIterations: 20 })
    expect(parsed.truncated).toBe(1)
    const far = parseCalendar(endless, { from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 10) })
    expect(far.truncated).toBe(0)
    expect(far.events.filter((e) => e.uid === 'shoot-series@test')).toHaveLength(3)
  })

  it('refuses what is not a calendar, or too large, with a typed error', () => {
    const cases: [string, string, object?][] = [
      ['<html>hello</html>', 'PRESENCE_PAYLOAD_INVALID'],
      ['BEGIN:VCALENDAR\r\nthis is: not\r\n\r\nvalid', 'PRESENCE_PAYLOAD_INVALID'],
      [PHOTOGRAPHER_ICS, 'PRESENCE_PAYLOAD_TOO_LARGE', { maxBytes: 100 }],
    ]
    for (const [ics, code, more] of cases) {
      let error: unknown
      try {
        parseCalendar(ics, { ...SPRING, ...more })
      } catch (e) {
        error = e
      }
      expect(isPresenceServerError(error) && error.code).toBe(code)
    }
  })
})
