/**
 * Calendar busy (SPEC 17), pure: given a person's calendar events and `now`, whether the calendar
 * makes them busy, with which status text, until when, and when to look again. Back-to-back and
 * overlapping events are one busy stretch; the text is the current event's. A manual status or a
 * custom status the user set still wins (DESIGN rule 2: manual > calendar > automatic).
 * `followCalendar` is the small shell that applies it to a presence client over time.
 */
import {
  type CalendarBusy,
  type Clock,
  type CustomStatus,
  isCustomStatusActive,
  type ManualStatus,
  type Scheduler,
  systemClock,
  systemScheduler,
} from '@wedsync/presence-core'
import {
  type CalendarEventKind,
  type Classification,
  type ClassifyOptions,
  classifyEvent,
} from './classify.js'
import type { CalendarEvent } from './ics.js'

/** What the user set by hand, which the calendar never overrides. */
export interface ManualState {
  readonly status?: ManualStatus | null
  readonly customStatus?: CustomStatus | null
}

export interface CalendarStatusOptions extends ClassifyOptions {
  /** Events this close together count as one busy stretch. Default 0 (touching). */
  readonly mergeGapMs?: number
  readonly manual?: ManualState
}

export interface CalendarStatus {
  /** `calendar`: the calendar decides now; `manual`: the user's own status wins; `none`: free. */
  readonly source: 'calendar' | 'manual' | 'none'
  /** For `client.setCalendarBusy(...)`: the current event's text, until it ends. Null when free. */
  readonly calendar: CalendarBusy | null
  /** The custom status others see while it applies; null when free or when the user set their own. */
  readonly customStatus: CustomStatus | null
  readonly kind?: CalendarEventKind
  /** End of the whole busy stretch ("busy until 16:00"). */
  readonly busyUntil?: number
  /** The event that applies now. */
  readonly event?: CalendarEvent
  /** When the answer changes next (this event ends or the next one starts); absent: never. */
  readonly nextChangeAt?: number
}

const KIND_RANK: Record<CalendarEventKind, number> = {
  ceremony: 5,
  shoot: 4,
  'venue-visit': 3,
  consultation: 2,
  'supplier-meeting': 1,
  other: 0,
}

function manualWins(manual: ManualState | undefined, now: number): boolean {
  return !!manual?.status || isCustomStatusActive(manual?.customStatus, now)
}

/** The calendar's say over someone's presence at `now`. Events marked free are ignored. */
export function calendarStatusAt(
  events: readonly CalendarEvent[],
  now: number,
  options: CalendarStatusOptions = {},
): CalendarStatus {
  const gap = options.mergeGapMs ?? 0
  const busy = events.filter((e) => e.busy && e.end > e.start).sort((a, b) => a.start - b.start)
  const current = busy.filter((e) => e.start <= now && now < e.end)
  const nextStart = busy.find((e) => e.start > now)?.start
  if (current.length === 0)
    return { source: 'none', calendar: null, customStatus: null, ...at(nextStart) }

  // The event that names the status: the most specific kind, then the one that started last.
  let chosen: { event: CalendarEvent; c: Classification } | undefined
  for (const event of current) {
    const c = classifyEvent(event, options)
    if (
      !chosen ||
      KIND_RANK[c.kind] > KIND_RANK[chosen.c.kind] ||
      (KIND_RANK[c.kind] === KIND_RANK[chosen.c.kind] && event.start > chosen.event.start)
    )
      chosen = { event, c }
  }
  const { event, c } = chosen!
  let busyUntil = Math.max(...current.map((e) => e.end))
  for (const e of busy) if (e.start <= busyUntil + gap && e.end > busyUntil) busyUntil = e.end
  // The text may change when any current event ends or another starts.
  const changes = [...current.map((e) => e.end), ...(nextStart === undefined ? [] : [nextStart])]
  const nextChangeAt = Math.min(...changes)
  const customStatus: CustomStatus = {
    text: c.text,
    ...(c.emoji === undefined ? {} : { emoji: c.emoji }),
    expiresAt: nextChangeAt,
  }
  const manual = manualWins(options.manual, now)
  return {
    source: manual ? 'manual' : 'calendar',
    // Given to the client even when a manual status wins: the client ranks them (rule 2) and
    // the calendar applies again the moment the manual status is cleared.
    calendar: { text: c.text, until: nextChangeAt },
    customStatus: manual ? null : customStatus,
    kind: c.kind,
    busyUntil,
    event,
    nextChangeAt,
  }
}

function at(next: number | undefined): { nextChangeAt?: number } {
  return next === undefined ? {} : { nextChangeAt: next }
}

/** What `followCalendar` drives: a presence client (`PresenceClient` fits). */
export interface CalendarTarget {
  setCalendarBusy(calendar: CalendarBusy | null): void
}

export interface FollowCalendarOptions extends CalendarStatusOptions {
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Told each time the calendar status changes. */
  readonly onChange?: (status: CalendarStatus) => void
}

export interface CalendarFollower {
  /** New events (a refreshed feed): applied at once. */
  update(events: readonly CalendarEvent[]): void
  current(): CalendarStatus
  /** Stops following and clears the calendar busy: the previous state comes back. */
  stop(): void
}

/**
 * Keeps `target`'s calendar busy in step with `events`: sets it when an event starts, changes the
 * text when the next one begins, and clears it when the stretch ends, on the scheduler's time.
 */
export function followCalendar(
  target: CalendarTarget,
  events: readonly CalendarEvent[],
  options: FollowCalendarOptions = {},
): CalendarFollower {
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  let list = events
  let status: CalendarStatus = { source: 'none', calendar: null, customStatus: null }
  let applied: CalendarBusy | null = null
  let cancel: (() => void) | undefined
  let stopped = false

  function step(): void {
    cancel?.()
    cancel = undefined
    if (stopped) return
    const now = clock.now()
    const next = calendarStatusAt(list, now, options)
    const changed = next.calendar?.text !== applied?.text || next.calendar?.until !== applied?.until
    if (changed) {
      applied = next.calendar
      target.setCalendarBusy(applied)
    }
    if (changed || next.source !== status.source) {
      status = next
      options.onChange?.(next)
    } else status = next
    if (next.nextChangeAt !== undefined)
      cancel = scheduler.schedule(Math.max(0, next.nextChangeAt - now), step)
  }

  step()
  return {
    update(next) {
      list = next
      step()
    },
    current: () => status,
    stop() {
      stopped = true
      cancel?.()
      if (applied) target.setCalendarBusy(null)
      applied = null
    },
  }
}
