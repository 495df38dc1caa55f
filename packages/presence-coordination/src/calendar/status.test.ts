import { createPresenceClient } from '@wedsync/presence-core'
import {
  createFakeActivity,
  createFakeClock,
  createMemoryHub,
  FAKE_CLOCK_START,
} from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { FLORIST_ICS } from '../../test/calendars.js'
import type { CalendarEvent } from './ics.js'
import { parseCalendar } from './ics.js'
import { calendarStatusAt, followCalendar } from './status.js'

const T0 = FAKE_CLOCK_START // 13 June 2026 09:00 UTC
const MIN = 60_000
const event = (uid: string, start: number, end: number, more: Partial<CalendarEvent> = {}) =>
  ({ uid, start, end, summary: uid, allDay: false, busy: true, ...more }) as CalendarEvent

describe('calendarStatusAt', () => {
  const day = parseCalendar(FLORIST_ICS, { from: T0 - 60 * MIN, to: T0 + 600 * MIN }).events

  it('is free, with the next start, before anything', () => {
    expect(calendarStatusAt(day, T0 - 30 * MIN)).toEqual({
      source: 'none',
      calendar: null,
      customStatus: null,
      nextChangeAt: T0,
    })
    expect(calendarStatusAt([], T0)).toEqual({ source: 'none', calendar: null, customStatus: null })
  })

  it('is busy with the current event text, until back-to-back events end', () => {
    const first = calendarStatusAt(day, T0 + 10 * MIN)
    expect(first).toMatchObject({
      source: 'calendar',
      kind: 'consultation',
      calendar: { text: 'In a client consultation — The Studio', until: T0 + 60 * MIN },
      customStatus: {
        text: 'In a client consultation — The Studio',
        emoji: '💬',
        expiresAt: T0 + 60 * MIN,
      },
      busyUntil: T0 + 120 * MIN,
      nextChangeAt: T0 + 60 * MIN,
    })
    expect(calendarStatusAt(day, T0 + 60 * MIN)).toMatchObject({
      kind: 'supplier-meeting',
      calendar: { text: 'In a supplier meeting', until: T0 + 120 * MIN },
      busyUntil: T0 + 120 * MIN,
    })
    expect(calendarStatusAt(day, T0 + 120 * MIN).source).toBe('none')
  })

  it('lets a manual status or the user’s own custom status win', () => {
    const manual = calendarStatusAt(day, T0 + 10 * MIN, { manual: { status: 'away' } })
    expect(manual).toMatchObject({ source: 'manual', customStatus: null })
    expect(manual.calendar?.text).toBe('In a client consultation — The Studio')
    const own = { text: 'Back at 3', expiresAt: T0 + 5 * MIN }
    expect(calendarStatusAt(day, T0 + 1 * MIN, { manual: { customStatus: own } }).source).toBe(
      'manual',
    )
    // Once their custom status expired, the calendar speaks again.
    expect(calendarStatusAt(day, T0 + 6 * MIN, { manual: { customStatus: own } }).source).toBe(
      'calendar',
    )
  })

  it('names overlapping events by the most specific, merges gaps, ignores free time', () => {
    const events = [
      event('Planning meeting', T0, T0 + 120 * MIN),
      event('Ceremony', T0 + 30 * MIN, T0 + 60 * MIN, { location: 'Oakwood Barn' }),
      event('Shoot', T0 + 125 * MIN, T0 + 180 * MIN),
      event('Focus time', T0 + 170 * MIN, T0 + 300 * MIN, { busy: false }),
    ]
    expect(calendarStatusAt(events, T0 + 40 * MIN)).toMatchObject({
      kind: 'ceremony',
      calendar: { text: 'In a ceremony — Oakwood Barn', until: T0 + 60 * MIN },
      busyUntil: T0 + 120 * MIN,
    })
    expect(calendarStatusAt(events, T0 + 40 * MIN, { mergeGapMs: 5 * MIN }).busyUntil).toBe(
      T0 + 180 * MIN,
    )
    expect(calendarStatusAt(events, T0 + 200 * MIN).source).toBe('none')
  })
})

describe('followCalendar with a real presence client', () => {
  it('sets busy with the event text, follows the next event, restores afterwards; manual wins', async () => {
    const clock = createFakeClock()
    const hub = createMemoryHub({ clock })
    const activity = createFakeActivity()
    const florist = createPresenceClient({
      transport: hub.connect('florist'),
      userId: 'u-florist',
      clock,
      scheduler: clock,
      activity,
    })
    const venue = createPresenceClient({
      transport: hub.connect('venue'),
      userId: 'u-venue',
      clock,
      scheduler: clock,
    })
    florist.enter('wedding:1')
    const board = venue.enter('wedding:1')
    const seen = () => {
      const m = board.member('u-florist')
      return m && [m.status, m.calendar?.text]
    }
    const events = parseCalendar(FLORIST_ICS, { from: T0 - 60 * MIN, to: T0 + 600 * MIN }).events
    await clock.advance(MIN / 2)
    const changes: string[] = []
    const follower = followCalendar(florist, events, {
      clock,
      scheduler: clock,
      onChange: (s) => changes.push(`${s.source}:${s.kind ?? ''}`),
    })
    await clock.advance(MIN)
    expect(seen()).toEqual(['busy', 'In a client consultation — The Studio'])
    expect(florist.me().status).toBe('busy')

    // A manual "away" set by the user wins while it is set…
    florist.setStatus('away')
    await clock.advance(MIN)
    expect(seen()?.[0]).toBe('away')
    florist.setStatus(null)
    await clock.advance(MIN)
    expect(seen()?.[0]).toBe('busy')

    // …the next event takes over at 10:00, and at 11:00 the calendar lets go.
    await clock.set(T0 + 60 * MIN + MIN / 2)
    expect(seen()).toEqual(['busy', 'In a supplier meeting'])
    activity.input()
    await clock.set(T0 + 120 * MIN + MIN / 2)
    activity.input()
    await clock.advance(MIN)
    expect(seen()).toEqual(['online', undefined])
    expect(follower.current().source).toBe('none')
    expect(changes).toEqual(['calendar:consultation', 'calendar:supplier-meeting', 'none:'])

    // A refreshed feed with a new event applies at once; stop() clears it.
    follower.update([event('Ceremony', clock.now() - MIN, clock.now() + 60 * MIN)])
    await clock.advance(MIN)
    expect(seen()).toEqual(['busy', 'In a ceremony'])
    follower.stop()
    activity.input()
    await clock.advance(MIN)
    expect(seen()).toEqual(['online', undefined])
    florist.destroy()
    venue.destroy()
    hub.dispose()
  })
})
