/**
 * One change to a user's server sessions, as the stores that keep sessions in a database (the SQL
 * stores, store-sql-sessions.ts, and presence-supabase's PostgREST store) compute it: the store
 * reads a snapshot (the user's row, its version, the stored sessions), `planSessionChange` says
 * what to write, the store writes it in one version-checked statement, and the answer is the
 * plan's. Only the I/O differs between those stores; the algorithm is this file's.
 *
 * Invariants:
 * - `planSessionChange` is pure: the same snapshot, change and `at` give the same plan. Time is
 *   an argument (`at`), never a clock.
 * - The planned aggregate is that of the sessions the write leaves (the stored ones with the edit
 *   applied and those past the grace removed), so a store that writes the plan whole, or not at
 *   all, keeps its aggregate that of its sessions.
 * - A transition is recorded (`record`) only when the status changes, and its `from` is the
 *   status the snapshot held: a write that lost the race is planned again from a fresh snapshot,
 *   so a transition is recorded once, whichever writer wins.
 * - Ending a session the snapshot does not hold plans no write (it changes nothing).
 * - `queued` runs one user's changes from this process one after another, so only writers on
 *   other instances ever make a write lose the race.
 */
import type { Status } from '@wedsync/presence-core'
import type {
  HeartbeatOptions,
  RecordStatusResult,
  StatusChange,
  StatusEvent,
  StoredPresence,
  SweepResult,
} from './presence-store.js'
import {
  aggregateSessions,
  DEFAULT_SESSION_LEASE_MS,
  IMPLICIT_SESSION_ID,
  isLive,
  neverSeen,
  SESSION_GRACE_MS,
  type StoredSession,
  sessionAfterReport,
  type UserAggregate,
  userRowAfter,
} from './session-aggregate.js'

/** One stored session as the stores' snapshot reads list it (times in ms; JSON or text). */
export interface SessionJson {
  readonly id: string
  readonly inputs: StoredSession['inputs'] | string
  readonly activity: StoredSession['activity'] | null
  readonly hidden: boolean
  readonly reportedAt: number | string
  readonly leaseUntil: number | string
}

/** The stored sessions from a snapshot read's JSON list (or its text). */
export function sessionsFromJson(value: unknown): StoredSession[] {
  const list = (typeof value === 'string' ? JSON.parse(value) : value) as SessionJson[] | null
  return (list ?? []).map((j) => ({
    sessionId: j.id,
    inputs: typeof j.inputs === 'string' ? JSON.parse(j.inputs) : j.inputs,
    ...(j.activity ? { activity: j.activity } : {}),
    reportedAt: Number(j.reportedAt),
    leaseUntil: Number(j.leaseUntil),
    ...(j.hidden ? { hidden: true as const } : {}),
  }))
}

/** How one change turns the stored sessions into the next ones (nothing: no change to them). */
export type SessionEdit = (sessions: ReadonlyMap<string, StoredSession>) => {
  readonly put?: StoredSession
  readonly end?: string
}

/** One change to a user's sessions and aggregate. */
export interface SessionChange {
  readonly userId: string
  readonly at: number
  /** A report moves last seen; a sweep or a leave does not. */
  readonly seenAt?: number
  readonly edit?: SessionEdit
  /** A first heartbeat stores `online` and records no transition (the port's contract). */
  readonly quietFirst?: boolean
}

/** What a store read in one snapshot; `version` is the store's, passed through to the write. */
export interface SessionSnapshot<Version> {
  /** The user's row; undefined when the user was never seen. */
  readonly previous: StoredPresence | undefined
  readonly sessions: readonly StoredSession[]
  readonly version: Version
}

/** A change's answer, with the sessions it removed (a sweep counts them). */
export type SessionChangeResult = RecordStatusResult & { readonly expired: number }

/** The write a change needs: all of it applies, only if the version is still `version`. */
export interface SessionWrite<Version> {
  readonly userId: string
  readonly version: Version
  readonly at: number
  /** The user's row after the change. */
  readonly row: StoredPresence
  readonly aggregate: UserAggregate
  /** When the sweeper must look at the user again (`aggregate.nextChangeAt`). */
  readonly sweepAt: number | null
  /** The next time-based change that is not a lease (`aggregate.timeChangeAt`). */
  readonly changesAt: number | null
  /** The session to insert or update. */
  readonly put?: StoredSession
  /** The session to remove (a leave). */
  readonly end?: string
  /** Sessions past the grace to remove (if their lease has not been renewed meanwhile). */
  readonly expired: readonly string[]
  /** Sessions whose lease ended at or before this are past the grace. */
  readonly graceBefore: number
  /** Whether to record a transition `from` → `row.status` at `at`. */
  readonly record: boolean
  readonly from: Status | null
  /** The answer once the write applied. */
  readonly result: SessionChangeResult
}

export type SessionChangePlan<Version> =
  | { readonly write: SessionWrite<Version>; readonly result?: undefined }
  | { readonly write?: undefined; readonly result: SessionChangeResult }

/** What to write for `change` given `snapshot` (or, with `result` alone, nothing to write). */
export function planSessionChange<Version>(
  snapshot: SessionSnapshot<Version>,
  change: SessionChange,
): SessionChangePlan<Version> {
  const { userId, at } = change
  const { previous } = snapshot
  const stored = new Map(snapshot.sessions.map((x) => [x.sessionId, x]))
  const edit = change.edit?.(stored) ?? {}
  // Ending a session the store does not hold changes nothing.
  if (edit.end !== undefined && !stored.has(edit.end))
    return { result: { presence: previous ?? neverSeen(userId, at), expired: 0 } }
  if (edit.put) stored.set(edit.put.sessionId, edit.put)
  if (edit.end !== undefined) stored.delete(edit.end)
  // Sessions past their lease count for nothing (the aggregate takes live ones); past the grace
  // too, they go.
  const graceBefore = at - SESSION_GRACE_MS
  const expired = [...stored.values()]
    .filter((x) => !isLive(x, graceBefore) && x.sessionId !== edit.put?.sessionId)
    .map((x) => x.sessionId)
  for (const id of expired) stored.delete(id)
  const aggregate = aggregateSessions(userId, [...stored.values()], at)
  const next = userRowAfter(userId, previous, aggregate, at, change.seenAt)
  const record = next.statusChanged && !(change.quietFirst && !previous)
  const row = next.row as StoredPresence
  const from = next.from ?? null
  const customStatusChanged = next.customStatusChanged && previous !== undefined
  const transition: StatusEvent | undefined = record
    ? { userId, from, to: row.status, at }
    : undefined
  return {
    write: {
      userId,
      version: snapshot.version,
      at,
      row,
      aggregate,
      sweepAt: aggregate.nextChangeAt ?? null,
      changesAt: aggregate.timeChangeAt ?? null,
      ...(edit.put ? { put: edit.put } : {}),
      ...(edit.end === undefined ? {} : { end: edit.end }),
      expired,
      graceBefore,
      record,
      from,
      result: {
        presence: row,
        ...(transition ? { transition } : {}),
        ...(customStatusChanged ? { customStatusChanged } : {}),
        expired: expired.length,
      },
    },
  }
}

/** Writes refused for a changed version before giving up (other instances writing the user). */
const MAX_ATTEMPTS = 50

export interface SessionChangeIo<Version> {
  read(): Promise<SessionSnapshot<Version>>
  /** Applies the write; false when the version moved (another writer won), nothing written. */
  write(write: SessionWrite<Version>): Promise<boolean>
  /** The error for a change that lost the race every time. */
  tooManyWriters(): Error
}

/** Read, plan, one version-checked write; planned again from fresh data when another won. */
export async function runSessionChange<Version>(
  change: SessionChange,
  io: SessionChangeIo<Version>,
): Promise<SessionChangeResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const plan = planSessionChange(await io.read(), change)
    if (!plan.write) return plan.result
    if (await io.write(plan.write)) return plan.write.result
  }
  throw io.tooManyWriters()
}

/** The port's answer: a change's result without the count a sweep wants. */
export const withoutExpired = ({
  expired: _,
  ...result
}: SessionChangeResult): RecordStatusResult => result

/** A status report: the reporting session (the implicit one without `sessionId`) updated. */
export function reportChange(c: StatusChange): SessionChange {
  const sessionId = c.sessionId ?? IMPLICIT_SESSION_ID
  const leaseUntil = c.leaseUntil ?? c.at + DEFAULT_SESSION_LEASE_MS
  return {
    userId: c.userId,
    at: c.at,
    seenAt: c.at,
    edit: (sessions) => ({
      put: sessionAfterReport(c, sessionId, sessions.get(sessionId), leaseUntil),
    }),
  }
}

/** The session a heartbeat renews and the lease it asks for. */
export function heartbeatLease(
  at: number,
  heartbeat: HeartbeatOptions = {},
): { readonly sessionId: string; readonly leaseUntil: number } {
  return {
    sessionId: heartbeat.sessionId ?? IMPLICIT_SESSION_ID,
    leaseUntil: heartbeat.leaseUntil ?? at + DEFAULT_SESSION_LEASE_MS,
  }
}

/**
 * A heartbeat of a session that is not live (the stores renew a live one's lease without this):
 * one past its lease but within the grace comes back with what it last reported; one the store
 * does not hold starts as `online`. A user's first heartbeat records no transition.
 */
export function heartbeatReviveChange(
  userId: string,
  at: number,
  lease: { readonly sessionId: string; readonly leaseUntil: number },
): SessionChange {
  const { sessionId, leaseUntil } = lease
  return {
    userId,
    at,
    seenAt: at,
    quietFirst: true,
    edit: (sessions) => {
      const previous = sessions.get(sessionId)
      return {
        put: previous
          ? { ...previous, leaseUntil: Math.max(previous.leaseUntil, leaseUntil) }
          : { sessionId, inputs: { automatic: 'online' }, reportedAt: at, leaseUntil },
      }
    },
  }
}

/** A leave: the session goes (last seen does not move). */
export function endSessionChange(userId: string, sessionId: string, at: number): SessionChange {
  return { userId, at, edit: () => ({ end: sessionId }) }
}

/** In-process queue per user: changes to one user from this process never race each other. */
export type UserQueue = <T>(userId: string, work: () => Promise<T>) => Promise<T>

export function createUserQueue(): UserQueue {
  const queues = new Map<string, Promise<unknown>>()
  return <T>(userId: string, work: () => Promise<T>): Promise<T> => {
    const before = queues.get(userId) ?? Promise.resolve()
    const run = before.then(work, work)
    const tail = run.catch(() => {})
    queues.set(userId, tail)
    void tail.then(() => {
      if (queues.get(userId) === tail) queues.delete(userId)
    })
    return run
  }
}

/** Users one sweep recomputes at once (each is a read and a write). */
const SWEEP_WORKERS = 4

/**
 * The sweep after the claim: each claimed user recomputed (`recompute`, a sweep change through
 * the store's queue), a few at a time as the store serves requests too, then the sessions past
 * the grace removed whoever they belong to (`removeExpired`, answering how many: they count for
 * nothing already, no aggregate changes).
 */
export async function sweepClaimed(
  userIds: readonly string[],
  recompute: (userId: string) => Promise<SessionChangeResult>,
  removeExpired: () => Promise<number>,
): Promise<SweepResult> {
  const results: SessionChangeResult[] = []
  let next = 0
  const worker = async () => {
    while (next < userIds.length) {
      const i = next++
      results[i] = await recompute(userIds[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(SWEEP_WORKERS, userIds.length) }, worker))
  const removed = await removeExpired()
  return {
    expired: results.reduce((n, r) => n + r.expired, 0) + removed,
    users: userIds.length,
    transitions: results.flatMap((r) => (r.transition ? [r.transition] : [])),
    customStatusChanged: userIds.filter((_, i) => results[i]?.customStatusChanged),
  }
}
