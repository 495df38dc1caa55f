/**
 * Session aggregation (DESIGN rule 2): one user with a phone and two tabs is one member. Manual
 * status (latest wins) > calendar busy > the most present automatic status > offline. Pure and
 * independent of session order: every tie is broken by session id.
 */
import type { SessionMeta, Stamped } from './meta-schema.js'
import {
  effectiveStatus,
  isCalendarBusy,
  isCustomStatusActive,
  mostPresent,
} from './status-policy.js'
import type {
  Activity,
  AutomaticStatus,
  CalendarBusy,
  MemberPresence,
  Profile,
  SessionPresence,
} from './types.js'
import { compareIds, earlierAfter, sameData } from './util.js'

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

/** Orders a before b when a is later, ties by session id, so the result never depends on input order. */
function later(
  a: Stamped<unknown>,
  aSession: string,
  b: Stamped<unknown>,
  bSession: string,
): boolean {
  return a.at > b.at || (a.at === b.at && aSession > bSession)
}

function latestStamped<K extends 'manual' | 'custom'>(
  entries: readonly SessionEntry[],
  field: K,
): NonNullable<SessionMeta[K]>['status'] | undefined {
  let best: SessionMeta[K] | undefined
  let bestSession = ''
  for (const { meta } of entries) {
    const stamped = meta[field]
    if (stamped && (!best || later(stamped, meta.session, best, bestSession))) {
      best = stamped
      bestSession = meta.session
    }
  }
  return best?.status
}

/** The settings every session of a user shares, latest wins. Also used for adoption in the client. */
export function latestManual(entries: readonly SessionEntry[]) {
  return latestStamped(entries, 'manual')
}

export function latestCustom(entries: readonly SessionEntry[]) {
  return latestStamped(entries, 'custom')
}

const bySession = (a: SessionEntry, b: SessionEntry) => compareIds(a.meta.session, b.meta.session)

/** A member without sessions has this list: one frozen empty array for all of them. */
const NO_SESSIONS: readonly SessionPresence[] = Object.freeze([])

type Draft<T> = { -readonly [K in keyof T]: T[K] }

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
  let member: Draft<MemberPresence>
  if (entries.length === 0) {
    member = { userId, status: 'offline', sessions: NO_SESSIONS }
    if (previous?.profile) member.profile = previous.profile
    if (previous?.lastActiveAt !== undefined) member.lastActiveAt = previous.lastActiveAt
  } else {
    const sorted = entries.length > 1 ? [...entries].sort(bySession) : entries
    let automatic: AutomaticStatus = 'away'
    let lastActiveAt: number | undefined
    // The most recently active session gives the activity (rule 2), even when it has none: another
    // tab left open on the timeline says nothing about what the person is doing now. Sessions that
    // do not tell when they were active rank last; among equals, one with an activity is preferred.
    let recent: SessionEntry | undefined
    let recentAt = -Infinity
    let calendar: CalendarBusy | undefined
    let profile: Profile | undefined
    let profileAt = -Infinity
    // Each session's part of `previous` is kept when it looks the same, and the whole list when all do.
    const before = previous?.sessions
    const list: SessionPresence[] = new Array(sorted.length)
    let reused = before?.length === sorted.length
    for (let i = 0; i < sorted.length; i++) {
      const entry = sorted[i]!
      const { meta } = entry
      automatic = mostPresent(automatic, meta.status)
      const active = meta.activeAgo === undefined ? undefined : entry.heardAt - meta.activeAgo
      if (active !== undefined && (lastActiveAt === undefined || active > lastActiveAt))
        lastActiveAt = active
      const activeRank = active ?? -Infinity
      if (
        !recent ||
        activeRank > recentAt ||
        (activeRank === recentAt && (meta.activity || !recent.meta.activity))
      ) {
        recent = entry
        recentAt = activeRank
      }
      if (isCalendarBusy(meta.calendar, now) && (!calendar || meta.calendar.until > calendar.until))
        calendar = meta.calendar
      if (meta.profile && entry.heardAt >= profileAt) {
        profile = meta.profile
        profileAt = entry.heardAt
      }
      const old = before?.[i]
      if (old && sameSession(old, meta.session, meta.status, meta.activity)) list[i] = old
      else {
        const { session: sessionId, status, activity } = meta
        list[i] = activity ? { sessionId, status, activity } : { sessionId, status }
        reused = false
      }
    }
    const manual = latestManual(sorted) ?? undefined
    const custom = latestCustom(sorted)
    const status = effectiveStatus(automatic, manual, calendar, now)
    if (
      lastActiveAt !== undefined &&
      previous?.lastActiveAt !== undefined &&
      previous.status === status &&
      Math.abs(lastActiveAt - previous.lastActiveAt) < LAST_ACTIVE_RESOLUTION_MS
    ) {
      lastActiveAt = previous.lastActiveAt
    }
    member = { userId, status, sessions: reused ? before! : list }
    if (manual) member.manualStatus = manual
    if (isCustomStatusActive(custom, now)) member.customStatus = custom
    if (calendar) member.calendar = calendar
    if (recent?.meta.activity) member.activity = recent.meta.activity
    if (profile) member.profile = profile
    if (lastActiveAt !== undefined) member.lastActiveAt = lastActiveAt
  }
  return previous && sameMember(previous, member) ? previous : member
}

/** The next instant after `now` when a member's derived fields change by time alone (expiries). */
export function nextMemberChangeAt(
  entries: readonly SessionEntry[],
  now: number,
): number | undefined {
  let next = earlierAfter(now, undefined, latestCustom(entries)?.expiresAt)
  for (const { meta } of entries) next = earlierAfter(now, next, meta.calendar?.until)
  return next
}

/** Whether two members look the same to a person: no update is emitted when they do. */
export function sameMember(a: MemberPresence, b: MemberPresence): boolean {
  if (a === b) return true
  if (
    a.status !== b.status ||
    a.manualStatus !== b.manualStatus ||
    a.lastActiveAt !== b.lastActiveAt ||
    !sameData(a.customStatus, b.customStatus) ||
    !sameData(a.calendar, b.calendar) ||
    !sameData(a.activity, b.activity) ||
    !sameData(a.profile, b.profile) ||
    a.sessions.length !== b.sessions.length
  )
    return false
  for (let i = 0; i < a.sessions.length && a.sessions !== b.sessions; i++) {
    const { sessionId, status, activity } = b.sessions[i]!
    if (!sameSession(a.sessions[i]!, sessionId, status, activity)) return false
  }
  return true
}

/** Whether a session's part of a member shows this session id, status and activity. */
function sameSession(
  shown: SessionPresence,
  sessionId: string,
  status: AutomaticStatus,
  activity: Activity | undefined,
): boolean {
  return (
    shown.sessionId === sessionId && shown.status === status && sameData(shown.activity, activity)
  )
}
