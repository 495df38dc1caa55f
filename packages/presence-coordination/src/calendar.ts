/**
 * @wedsync/presence-coordination/calendar — calendar busy (SPEC 17): iCalendar feeds parsed with
 * ical.js (recurring events and time zones), wedding-aware status text, the calendar's say over
 * someone's presence at an instant, a follower that applies it to a presence client, and a
 * cached feed fetcher with conditional requests. Runs wherever `fetch` does (Node, edge, Deno).
 */

export {
  type CalendarEventKind,
  type ClassifiableEvent,
  type Classification,
  type ClassifyOptions,
  type ClassifyRule,
  classifyEvent,
  DEFAULT_CLASSIFY_RULES,
} from './calendar/classify.js'
export {
  type CalendarFeed,
  type CalendarFeedOptions,
  type CalendarFeedResult,
  createCalendarFeed,
} from './calendar/feed.js'
export {
  type CalendarEvent,
  type ParseCalendarOptions,
  type ParsedCalendar,
  parseCalendar,
} from './calendar/ics.js'
export {
  type CalendarFollower,
  type CalendarStatus,
  type CalendarStatusOptions,
  type CalendarTarget,
  calendarStatusAt,
  type FollowCalendarOptions,
  followCalendar,
  type ManualState,
} from './calendar/status.js'
