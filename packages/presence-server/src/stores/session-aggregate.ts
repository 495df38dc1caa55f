/**
 * A user's status on the server from their sessions, by the rule rooms use: each stored session
 * becomes the `SessionEntry` a room would hold for it, and presence-core's `aggregateMember`
 * decides (manual status, latest wins > calendar busy > most present automatic status; the latest
 * custom status while it lasts). Nothing here re-implements that rule; it only translates. Also
 * what an old client's report (`status` alone) means as session inputs, and the user row that an
 * aggregate makes from the previous one. Pure: every function takes `now`; every store (memory,
 * SQL) calls these, so they cannot disagree with each other or with a room.
 *
 * Invariants: a session is live while `leaseUntil > now` (the room's rule, room-state.ts); an
 * expired session counts for nothing; no live session ⇒ `offline`, with no custom status or
 * activity (a room shows an offline member so). A session that reported `offline` (an old client
 * appearing offline) is hidden: it counts for nothing either, except that a user with no visible
 * session keeps the custom status their hidden one set (what the server always did for them).
 */
import {
  type Activity,
  type AutomaticStatus,
  aggregateMember,
  type CalendarBusy,
  type CustomStatus,
  effectiveStatus,
  type ManualStatus,
  nextMemberChangeAt,
  type SessionEntry,
  type SessionMeta,
  type Stamped,
  type Status,
} from '@wedsync/presence-core'

/** The session id of clients that send none: one implicit session per user (no valid id is ''). */
export const IMPLICIT_SESSION_ID = ''

/** A session's lease when its report names none: the server's default lease (resolvePresence's). */
export const DEFAULT_SESSION_LEASE_MS = 30_000

/**
 * How long a session whose lease ended is kept (counting for nothing) before it is removed. A
 * heartbeat within it revives the session with what it last reported, as a room takes a
 * session's next meta after a lapse (a background tab's timers throttled past the lease): its
 * manual status is not lost because only a heartbeat came.
 */
export const SESSION_GRACE_MS = 10 * 60_000

/** One session's inputs to aggregation: the parts of its room meta that decide the status. */
export interface SessionInputs {
  /** The session's own status from input alone (idle and away come from its idle timer). */
  readonly automatic: AutomaticStatus
  /** A manual status set on this session (or adopted from another), stamped; null: cleared. */
  readonly manual?: Stamped<ManualStatus | null>
  /** A custom status set on this session (or adopted), stamped; null: cleared. */
  readonly custom?: Stamped<CustomStatus | null>
  readonly calendar?: CalendarBusy
  /** Milliseconds since the session's last input when it reported. */
  readonly activeAgo?: number
}

/** A session as a store keeps it. Times are epoch ms on the server's clock. */
export interface StoredSession {
  readonly sessionId: string
  readonly inputs: SessionInputs
  readonly activity?: Activity
  /** When it last reported (status or heartbeat). */
  readonly reportedAt: number
  /** Live while `leaseUntil > now`. */
  readonly leaseUntil: number
  /** It reported `offline`: it shows nothing (appear offline) until it reports a status again. */
  readonly hidden?: true
}

/** The user's aggregate at one instant. */
export interface UserAggregate {
  readonly status: Status
  readonly customStatus?: CustomStatus
  readonly activity?: Activity
  /**
   * The next instant the aggregate can change by time alone (a lease ends, a custom status
   * expires, a calendar window ends): when the sweeper must look at the user again.
   */
  readonly nextChangeAt?: number
  /** The part of `nextChangeAt` that is not a lease (custom status expiry, calendar end). */
  readonly timeChangeAt?: number
}

/** What a report says, old clients' fields included (a StatusChange fits). */
export interface SessionReport {
  readonly status: Status
  readonly at: number
  readonly customStatus?: CustomStatus | null | undefined
  readonly activity?: Activity | null | undefined
  readonly session?: SessionInputs | undefined
}

/**
 * The session a report leaves behind. Without `session` (an old client) the status is the
 * session's whole story: `busy` is a manual busy, `online`, `idle` and `away` clear the manual
 * status (as `setStatus('online')` does in a room) and are its automatic status, `offline` hides
 * the session. Custom status and activity: absent keeps the session's, null clears it.
 */
export function sessionAfterReport(
  report: SessionReport,
  sessionId: string,
  previous: StoredSession | undefined,
  leaseUntil: number,
): StoredSession {
  const { at } = report
  let inputs: SessionInputs
  if (report.session) inputs = report.session
  else if (report.status === 'offline') {
    const custom =
      report.customStatus === undefined
        ? previous?.inputs.custom
        : { status: report.customStatus, at }
    inputs = {
      ...(previous?.inputs ?? { automatic: 'online' }),
      ...(custom ? { custom } : {}),
    }
  } else {
    const status = report.status
    const automatic: AutomaticStatus =
      status === 'busy' ? (previous?.inputs.automatic ?? 'online') : status
    const custom =
      report.customStatus === undefined
        ? previous?.inputs.custom
        : { status: report.customStatus, at }
    inputs = {
      automatic,
      manual: { status: status === 'busy' ? 'busy' : null, at },
      ...(custom ? { custom } : {}),
    }
  }
  const activity =
    report.activity === undefined ? previous?.activity : (report.activity ?? undefined)
  return {
    sessionId,
    inputs,
    ...(activity ? { activity } : {}),
    reportedAt: Math.max(previous?.reportedAt ?? at, at),
    leaseUntil: Math.max(previous?.leaseUntil ?? leaseUntil, leaseUntil),
    ...(report.status === 'offline' ? { hidden: true as const } : {}),
  }
}

/** A session's inputs from the meta it publishes in rooms (what a client reports to the server). */
export function sessionInputsOf(
  meta: Pick<SessionMeta, 'status' | 'manual' | 'custom' | 'calendar' | 'activeAgo'>,
): SessionInputs {
  return {
    automatic: meta.status,
    ...(meta.manual ? { manual: meta.manual } : {}),
    ...(meta.custom ? { custom: meta.custom } : {}),
    ...(meta.calendar ? { calendar: meta.calendar } : {}),
    ...(meta.activeAgo === undefined ? {} : { activeAgo: meta.activeAgo }),
  }
}

/** What one session shows on its own at `now` (a report's `status` for its inputs). */
export function sessionStatus(inputs: SessionInputs, now: number): Status {
  return effectiveStatus(inputs.automatic, inputs.manual?.status, inputs.calendar, now)
}

/** The `SessionEntry` a room holds for this session, heard when it reported. */
export function sessionEntry(userId: string, session: StoredSession): SessionEntry {
  const { inputs } = session
  const meta: SessionMeta = {
    v: 1,
    session: session.sessionId,
    status: inputs.automatic,
    seq: 0,
    lease: Math.max(0, session.leaseUntil - session.reportedAt),
    ...(inputs.activeAgo === undefined ? {} : { activeAgo: inputs.activeAgo }),
    ...(inputs.manual ? { manual: inputs.manual } : {}),
    ...(inputs.custom ? { custom: inputs.custom } : {}),
    ...(inputs.calendar ? { calendar: inputs.calendar } : {}),
    ...(session.activity ? { activity: session.activity } : {}),
  }
  return {
    key: userId,
    ref: session.sessionId,
    meta,
    heardAt: session.reportedAt,
    leaseUntil: session.leaseUntil,
  }
}

/** Whether the session counts at `now` (the room's rule: live while `leaseUntil > now`). */
export function isLive(session: Pick<StoredSession, 'leaseUntil'>, now: number): boolean {
  return session.leaseUntil > now
}

/** The user's aggregate over their live sessions at `now`, by presence-core's `aggregateMember`. */
export function aggregateSessions(
  userId: string,
  sessions: readonly StoredSession[],
  now: number,
): UserAggregate {
  const live = sessions.filter((s) => isLive(s, now))
  const entries = live.filter((s) => !s.hidden).map((s) => sessionEntry(userId, s))
  const member = aggregateMember(userId, entries, now)
  const hidden = live.filter((s) => s.hidden).map((s) => sessionEntry(userId, s))
  // Only hidden sessions: the row keeps what they set (readers hide an offline user's activity).
  const shown =
    entries.length === 0 && hidden.length > 0 ? aggregateMember(userId, hidden, now) : member
  const { customStatus, activity } = shown
  const all = [...entries, ...hidden]
  const timeChangeAt = nextMemberChangeAt(all, now)
  let nextChangeAt = timeChangeAt
  for (const entry of all)
    if (nextChangeAt === undefined || entry.leaseUntil < nextChangeAt)
      nextChangeAt = entry.leaseUntil
  return {
    status: member.status,
    ...(customStatus ? { customStatus } : {}),
    ...(activity ? { activity } : {}),
    ...(nextChangeAt === undefined ? {} : { nextChangeAt }),
    ...(timeChangeAt === undefined ? {} : { timeChangeAt }),
  }
}

/** The user row parts a store keeps (StoredPresence's shape, without importing the port). */
export interface UserRow {
  readonly userId: string
  readonly status: Status
  readonly lastSeenAt: number
  readonly statusChangedAt: number
  readonly customStatus?: CustomStatus
  readonly activity?: Activity
}

/** What `endSession` answers for a user the store has never seen (nothing is stored). */
export function neverSeen(userId: string, at: number): UserRow {
  return { userId, status: 'offline', lastSeenAt: at, statusChangedAt: at }
}

export interface UserRowChange<Row extends UserRow> {
  readonly row: Row
  /** The previous status when the status changed (null: the user's first row). */
  readonly from?: Status | null
  readonly statusChanged: boolean
  readonly customStatusChanged: boolean
}

/**
 * The user row after `aggregate`, at `at`. `seenAt` moves last seen forward (a report; a sweep
 * has none). The status change time moves only when the status changes.
 */
export function userRowAfter(
  userId: string,
  previous: UserRow | undefined,
  aggregate: UserAggregate,
  at: number,
  seenAt: number | undefined,
): UserRowChange<UserRow> {
  const statusChanged = previous?.status !== aggregate.status
  const customStatusChanged = !sameCustom(previous?.customStatus, aggregate.customStatus)
  const row: UserRow = {
    userId,
    status: aggregate.status,
    lastSeenAt: Math.max(previous?.lastSeenAt ?? seenAt ?? at, seenAt ?? -Infinity),
    statusChangedAt: statusChanged || !previous ? at : previous.statusChangedAt,
    ...(aggregate.customStatus ? { customStatus: aggregate.customStatus } : {}),
    ...(aggregate.activity ? { activity: aggregate.activity } : {}),
  }
  return {
    row,
    ...(statusChanged ? { from: previous?.status ?? null } : {}),
    statusChanged,
    customStatusChanged,
  }
}

function sameCustom(a: CustomStatus | undefined, b: CustomStatus | undefined): boolean {
  return (
    a?.text === b?.text &&
    (a?.emoji ?? null) === (b?.emoji ?? null) &&
    (a?.expiresAt ?? null) === (b?.expiresAt ?? null)
  )
}
