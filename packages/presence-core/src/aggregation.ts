/**
 * Session aggregation (DESIGN rule 2): one user with a phone and two tabs is one member. Manual
 * status (latest wins) > calendar busy > the most present automatic status > offline. Pure and
 * independent of session order: every tie is broken by session id.
 */
import type { SessionMeta } from './meta-schema.js'
import {
  effectiveStatus,
  isCalendarBusy,
  isCustomStatusActive,
  mostPresent,
} from './status-policy.js'
import type { AutomaticStatus, CalendarBusy, MemberPresence, SessionPresence } from './types.js'
import { compareIds, defined, earliestAfter, NONE, sameData, sameItems } from './util.js'

/** One session inside a room's state. Times are on the observer's clock. */
export interface SessionEntry {
  readonly key: string
  readonly ref: string
  readonly meta: SessionMeta
  readonly heardAt: number
  readonly leaseUntil: number
}

/** A "last active" that moves by less than this, with no status change, is not an update. */
export const LAST_ACTIVE_RESOLUTION_MS = 60_000

/** The stamped setting set last across these sessions; ties on `at` go to the larger session id. */
export function latestStamped<K extends 'manual' | 'custom'>(
  entries: readonly SessionEntry[],
  field: K,
): SessionMeta[K] | undefined {
  let best: SessionMeta[K] | undefined
  let bestSession = ''
  for (const { meta } of entries) {
    const stamped = meta[field]
    if (
      stamped &&
      (!best || stamped.at > best.at || (stamped.at === best.at && meta.session > bestSession))
    ) {
      best = stamped
      bestSession = meta.session
    }
  }
  return best
}

/** The settings every session of a user shares, latest wins. */
export function latestManual(entries: readonly SessionEntry[]) {
  return latestStamped(entries, 'manual')?.status
}

export function latestCustom(entries: readonly SessionEntry[]) {
  return latestStamped(entries, 'custom')?.status
}

const bySession = (a: SessionEntry, b: SessionEntry) => compareIds(a.meta.session, b.meta.session)

/**
 * The member for `userId` from their live sessions. `previous` keeps offline members' last-known
 * details and keeps `lastActiveAt` steady against network jitter; when nothing a person sees has
 * changed (`sameMember`), `previous` itself is returned, and a session's part of it is reused
 * when that session looks the same.
 */
export function aggregateMember(
  userId: string,
  entries: readonly SessionEntry[],
  now: number,
  previous?: MemberPresence,
): MemberPresence {
  const online = entries.length > 0
  let automatic: AutomaticStatus = 'away'
  let lastActiveAt: number | undefined
  // The most recently active session gives the activity (rule 2), even when it has none: another
  // tab left open on the timeline says nothing about what the person is doing now. Sessions that
  // do not tell when they were active rank last; among equals, one with an activity is preferred.
  let recent: SessionEntry | undefined
  let recentAt = -Infinity
  let calendar: CalendarBusy | undefined
  // An offline member keeps the profile they had.
  let profile = online ? undefined : previous?.profile
  let profileAt = -Infinity
  // Each session's part of `previous` is kept when it looks the same, and the whole list when all do.
  const before = previous?.sessions ?? NONE
  const sorted = entries.length > 1 ? [...entries].sort(bySession) : entries
  const sessions = sorted.map((entry, i): SessionPresence => {
    const { meta, heardAt } = entry
    const { session: sessionId, status, activity } = meta
    automatic = mostPresent(automatic, status)
    const active = meta.activeAgo === undefined ? -Infinity : heardAt - meta.activeAgo
    if (active > (lastActiveAt ?? -Infinity)) lastActiveAt = active
    if (
      !recent ||
      active > recentAt ||
      (active === recentAt && (activity || !recent.meta.activity))
    ) {
      recent = entry
      recentAt = active
    }
    if (isCalendarBusy(meta.calendar, now) && meta.calendar.until > (calendar?.until ?? -Infinity))
      calendar = meta.calendar
    if (meta.profile && heardAt >= profileAt) {
      profile = meta.profile
      profileAt = heardAt
    }
    const old = before[i]
    if (old?.sessionId === sessionId && old.status === status && sameData(old.activity, activity))
      return old
    return activity ? { sessionId, status, activity } : { sessionId, status }
  })
  const manual = latestManual(entries) ?? undefined
  const custom = latestCustom(entries)
  const status = online ? effectiveStatus(automatic, manual, calendar, now) : 'offline'
  // Offline, the last-seen time stays; online, a move within the resolution is jitter.
  if (
    previous?.lastActiveAt !== undefined &&
    (!online ||
      (previous.status === status &&
        Math.abs((lastActiveAt ?? -Infinity) - previous.lastActiveAt) < LAST_ACTIVE_RESOLUTION_MS))
  )
    lastActiveAt = previous.lastActiveAt
  const member: MemberPresence = defined({
    userId,
    status,
    manualStatus: manual,
    customStatus: isCustomStatusActive(custom, now) ? custom : undefined,
    calendar,
    activity: recent?.meta.activity,
    profile,
    lastActiveAt,
    sessions: !online ? NONE : sameItems(sessions, before) ? before : sessions,
  })
  return previous && sameMember(previous, member) ? previous : member
}

/** The next instant after `now` when a member's derived fields change by time alone (expiries). */
export function nextMemberChangeAt(
  entries: readonly SessionEntry[],
  now: number,
): number | undefined {
  return earliestAfter(now, [
    latestCustom(entries)?.expiresAt,
    ...entries.map((e) => e.meta.calendar?.until),
  ])
}

/** Whether two members look the same to a person: no update is emitted when they do. */
export function sameMember(a: MemberPresence, b: MemberPresence): boolean {
  return sameData(a, b)
}
