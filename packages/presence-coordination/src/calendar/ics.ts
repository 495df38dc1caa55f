/**
 * iCalendar (RFC 5545) feeds into calendar events within a window, through ical.js: recurring
 * events (RRULE, RDATE, EXDATE, moved or cancelled occurrences), time zones defined in the feed
 * (VTIMEZONE), IANA TZIDs the feed does not define (resolved with `Intl`), floating times and
 * all-day events (in the calendar's zone). A malformed event is dropped and counted; a feed that
 * is not iCalendar at all is PRESENCE_PAYLOAD_INVALID.
 */

import { isTimeZone, MS, PresenceServerError, wallTimeToEpoch } from '@wedsync/presence-server'
import ICAL from 'ical.js'

type Time = InstanceType<typeof ICAL.Time>
type Event = InstanceType<typeof ICAL.Event>
type Component = InstanceType<typeof ICAL.Component>

/** One occurrence of an event. Times are epoch ms, end exclusive. */
export interface CalendarEvent {
  readonly uid: string
  readonly start: number
  readonly end: number
  readonly summary: string
  readonly location?: string
  /** Kept short: it only helps classify the event. */
  readonly description?: string
  readonly allDay: boolean
  /** False for events marked free (TRANSP:TRANSPARENT): they never make anyone busy. */
  readonly busy: boolean
}

export interface ParseCalendarOptions {
  /** Occurrences overlapping [from, to) are returned. */
  readonly from: number
  readonly to: number
  /** Zone for floating times and all-day events when the feed names none. Default UTC. */
  readonly timeZone?: string
  /** Occurrences looked at per recurring event before giving up on it. Default 10,000. */
  readonly maxIterations?: number
  /** Larger feeds are refused. Default 5 MB. */
  readonly maxBytes?: number
}

export interface ParsedCalendar {
  /** Sorted by start, then uid. */
  readonly events: readonly CalendarEvent[]
  /** The calendar's own name and zone (X-WR-CALNAME, X-WR-TIMEZONE), when given. */
  readonly name?: string
  readonly timeZone?: string
  /** Events dropped as malformed. */
  readonly dropped: number
  /** Recurring events whose expansion stopped at `maxIterations` before the window's end. */
  readonly truncated: number
}

const DESCRIPTION_LIMIT = 500

function text(value: unknown, limit = 200): string | undefined {
  if (typeof value !== 'string') return undefined
  const trimmed = value.trim()
  return trimmed === '' ? undefined : trimmed.slice(0, limit)
}

/** The instant of an ical.js time; floating times and dates are wall times in `zone`. */
function toEpoch(time: Time, tzid: string | undefined, zone: string): number {
  const floating = !time.zone || time.zone.tzid === 'floating'
  if (!time.isDate && !floating) return time.toUnixTime() * 1000
  const wallZone = !time.isDate && tzid && isTimeZone(tzid) ? tzid : zone
  return wallTimeToEpoch(
    {
      year: time.year,
      month: time.month,
      day: time.day,
      hour: time.isDate ? 0 : time.hour,
      minute: time.isDate ? 0 : time.minute,
      second: time.isDate ? 0 : time.second,
    },
    wallZone,
  )
}

function tzidOf(component: Component, property: string): string | undefined {
  const value = component.getFirstProperty(property)?.getParameter('tzid')
  return typeof value === 'string' ? value : undefined
}

interface Occurrence {
  readonly start: Time
  readonly end: Time
  readonly item: Event
}

function occurrenceOf(
  base: Omit<CalendarEvent, 'start' | 'end' | 'allDay'>,
  o: Occurrence,
  zone: string,
): CalendarEvent | undefined {
  const component = o.item.component
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase()
  if (status === 'CANCELLED') return undefined
  const start = toEpoch(o.start, tzidOf(component, 'dtstart'), zone)
  let end = toEpoch(o.end, tzidOf(component, 'dtend') ?? tzidOf(component, 'dtstart'), zone)
  // An all-day event without an end lasts its day (RFC 5545 §3.6.1).
  if (o.start.isDate && end <= start) end = start + MS.day
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return undefined
  const transp = String(component.getFirstPropertyValue('transp') ?? '').toUpperCase()
  const summary = text(o.item.summary) ?? base.summary
  const location = text(o.item.location) ?? base.location
  return {
    uid: base.uid,
    start,
    end,
    summary,
    ...(location === undefined ? {} : { location }),
    ...(base.description === undefined ? {} : { description: base.description }),
    allDay: o.start.isDate,
    busy: transp !== 'TRANSPARENT',
  }
}

/** Every occurrence of the feed's events that overlaps [from, to). */
export function parseCalendar(ics: string, options: ParseCalendarOptions): ParsedCalendar {
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024
  if (typeof ics !== 'string' || !/^\s*BEGIN:VCALENDAR/i.test(ics))
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Not an iCalendar feed')
  if (ics.length > maxBytes)
    throw new PresenceServerError(
      'PRESENCE_PAYLOAD_TOO_LARGE',
      `Calendar feed larger than ${maxBytes} bytes`,
    )
  let root: Component
  try {
    root = new ICAL.Component(ICAL.parse(ics) as unknown[])
  } catch (error) {
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Not an iCalendar feed', {
      cause: error,
    })
  }
  const calendarZone = text(root.getFirstPropertyValue('x-wr-timezone'), 64)
  const zone = calendarZone && isTimeZone(calendarZone) ? calendarZone : (options.timeZone ?? 'UTC')
  const name = text(root.getFirstPropertyValue('x-wr-calname'))
  const maxIterations = options.maxIterations ?? 10_000

  // Moved or cancelled occurrences (RECURRENCE-ID) belong to their series' master.
  const masters = new Map<string, Event>()
  const exceptions: Event[] = []
  const singles: Event[] = []
  let dropped = 0
  for (const component of root.getAllSubcomponents('vevent')) {
    try {
      const event = new ICAL.Event(component, { strictExceptions: false })
      if (!event.startDate) throw new Error('no DTSTART')
      if (event.isRecurrenceException()) exceptions.push(event)
      else if (event.isRecurring()) masters.set(event.uid, event)
      else singles.push(event)
    } catch {
      dropped++
    }
  }
  for (const exception of exceptions) {
    const master = masters.get(exception.uid)
    if (master) master.relateException(exception)
    else singles.push(exception) // a moved occurrence whose series is not in the feed
  }

  const events: CalendarEvent[] = []
  let truncated = 0
  const inWindow = (e: CalendarEvent | undefined): e is CalendarEvent =>
    !!e && e.start < options.to && e.end > options.from
  const baseOf = (event: Event) => {
    const description = text(event.description, DESCRIPTION_LIMIT)
    const location = text(event.location)
    return {
      uid: text(event.uid, 256) ?? '',
      summary: text(event.summary) ?? '',
      busy: true,
      ...(location === undefined ? {} : { location }),
      ...(description === undefined ? {} : { description }),
    }
  }
  for (const event of singles) {
    try {
      const occurrence = occurrenceOf(
        baseOf(event),
        { start: event.startDate, end: event.endDate, item: event },
        zone,
      )
      if (inWindow(occurrence)) events.push(occurrence)
    } catch {
      dropped++
    }
  }
  for (const master of masters.values()) {
    try {
      const base = baseOf(master)
      const iterator = master.iterator()
      let steps = 0
      for (let next = iterator.next(); next; next = iterator.next()) {
        if (++steps > maxIterations) {
          truncated++
          break
        }
        const details = master.getOccurrenceDetails(next)
        const occurrence = occurrenceOf(
          base,
          { start: details.startDate, end: details.endDate, item: details.item },
          zone,
        )
        if (inWindow(occurrence)) events.push(occurrence)
        // Occurrences come in start order (a moved one may start later than its slot).
        if (toEpoch(next, tzidOf(master.component, 'dtstart'), zone) >= options.to + MS.day) break
      }
    } catch {
      dropped++
    }
  }
  events.sort((a, b) => a.start - b.start || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0))
  return {
    events,
    ...(name === undefined ? {} : { name }),
    ...(calendarZone === undefined ? {} : { timeZone: zone }),
    dropped,
    truncated,
  }
}
