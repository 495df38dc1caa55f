/**
 * Sessions over SQL (Postgres and PGlite): status reports, heartbeats, leaves and the lease
 * sweeper, with the user's status aggregated in TypeScript by session-aggregate.ts — the rule the
 * rooms use — and written to `user_last_seen`, where every reader (presenceFor, team availability,
 * visible_presence, routing) finds it.
 *
 * Consistency without holding a lock while TypeScript computes: each change reads the user's row
 * (with its `version`) and sessions in one statement, computes the new session set and aggregate,
 * and writes everything in one statement that applies only if `version` is still the one read
 * (optimistic concurrency). A write that lost the race is computed again from fresh data, so the
 * stored aggregate is always that of the stored sessions, and each transition's `from` is the
 * status it replaced: a transition is recorded once, whichever instance wins. Within one process
 * changes to one user are queued, so only writers on other instances ever retry.
 *
 * The sweeper's queue is `user_last_seen.sweep_at` (durable): an instance claims due users with
 * `for update skip locked`, moving their `sweep_at` a claim lease ahead, so instances share the
 * work, and a claim whose instance died is taken up again when that lease ends.
 */
import type { SqlClient } from '../sql/migration-runner.js'
import {
  type HeartbeatOptions,
  pastDeadline,
  type RecordStatusResult,
  type StatusChange,
  type StatusEvent,
  type StoredPresence,
  type SweepOptions,
  type SweepResult,
} from './presence-store.js'
import {
  aggregateSessions,
  DEFAULT_SESSION_LEASE_MS,
  IMPLICIT_SESSION_ID,
  isLive,
  neverSeen,
  SESSION_GRACE_MS,
  type SessionInputs,
  type StoredSession,
  sessionAfterReport,
  userRowAfter,
} from './session-aggregate.js'

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`
const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`

/** How long a sweeper's claim on a due user lasts before another instance may take it. */
const CLAIM_MS = 30_000
/** Users one sweep recomputes at once. */
const SWEEP_WORKERS = 4
/** Writes refused for a changed version before giving up (other instances writing the user). */
const MAX_ATTEMPTS = 50

export interface SqlSessionsOptions<Row> {
  readonly db: SqlClient
  /** The schema, quoted. */
  readonly schema: string
  /** The `user_last_seen` columns every presence read selects (as the SQL store's reads do). */
  readonly presenceColumns: string
  readonly toPresence: (row: Row) => StoredPresence
}

export interface SqlSessions {
  recordStatus(change: StatusChange): Promise<RecordStatusResult>
  recordHeartbeat(userId: string, at: number, options?: HeartbeatOptions): Promise<void>
  endSession(userId: string, sessionId: string, at: number): Promise<RecordStatusResult>
  sweepSessions(now: number, options?: SweepOptions): Promise<SweepResult>
  sessionsOf(userId: string): Promise<StoredSession[]>
}

interface SessionJson {
  readonly id: string
  readonly inputs: SessionInputs
  readonly activity: StoredSession['activity'] | null
  readonly hidden: boolean
  readonly reportedAt: number
  readonly leaseUntil: number
}

type ReadRow<Row> = Row & { version: string | number | null; sessions: unknown }

/** How one change turns the stored sessions into the next ones (null: no change to them). */
type SessionEdit = (sessions: ReadonlyMap<string, StoredSession>) => {
  readonly put?: StoredSession
  readonly end?: string
}

interface ChangeOptions {
  readonly userId: string
  readonly at: number
  /** A report moves last seen; a sweep or a leave does not. */
  readonly seenAt?: number
  readonly edit?: SessionEdit
  /** A first heartbeat stores `online` and records no transition (the port's contract). */
  readonly quietFirst?: boolean
  readonly notAfter?: number
}

export function createSqlSessions<Row extends { user_id: string | null }>(
  options: SqlSessionsOptions<Row>,
): SqlSessions {
  const { db, schema: s, toPresence } = options

  const readSql = `
select ${options.presenceColumns}, u.version,
  coalesce((select json_agg(json_build_object(
      'id', p.session_id, 'inputs', p.inputs, 'activity', p.activity, 'hidden', p.hidden,
      'reportedAt', ${ms('p.reported_at')}, 'leaseUntil', ${ms('p.lease_until')})
    order by p.session_id)
    from ${s}.presence_sessions p where p.user_id = $1), '[]'::json) as sessions
from (select $1::text as id) t left join ${s}.user_last_seen u on u.user_id = t.id`

  // One statement: the user's row only if its version is still the one read (or there is none
  // yet), and the session, the removals and the transition only if that row was written.
  const writeSql = `
with u as (
  insert into ${s}.user_last_seen as u (user_id, last_seen_at, last_status, previous_status,
    status_changed_at, custom_status_text, custom_status_emoji, custom_status_expires_at,
    activity, sweep_at, changes_at, version)
  select $1, ${ts('$4')}, $5, null, ${ts('$3')}, $6, $7, ${ts('$8')}, $9::jsonb, ${ts('$10')},
    ${ts('$23')}, 1
  where $21::float8 is null or clock_timestamp() <= ${ts('$21')}
  on conflict (user_id) do update set
    last_seen_at = excluded.last_seen_at,
    previous_status = u.last_status,
    last_status = excluded.last_status,
    status_changed_at = excluded.status_changed_at,
    custom_status_text = excluded.custom_status_text,
    custom_status_emoji = excluded.custom_status_emoji,
    custom_status_expires_at = excluded.custom_status_expires_at,
    activity = excluded.activity,
    sweep_at = excluded.sweep_at,
    changes_at = excluded.changes_at,
    version = u.version + 1,
    updated_at = now()
  where u.version = $2::bigint
  returning u.version
), put as (
  insert into ${s}.presence_sessions as p (user_id, session_id, inputs, activity, hidden,
    reported_at, lease_until)
  select $1, $11, $12::jsonb, $13::jsonb, $14, ${ts('$15')}, ${ts('$16')}
  where $11::text is not null and exists (select 1 from u)
  on conflict (user_id, session_id) do update set
    inputs = excluded.inputs,
    activity = excluded.activity,
    hidden = excluded.hidden,
    reported_at = greatest(p.reported_at, excluded.reported_at),
    -- a heartbeat may have renewed it meanwhile (heartbeats do not move the version)
    lease_until = greatest(p.lease_until, excluded.lease_until)
), gone as (
  delete from ${s}.presence_sessions
  where user_id = $1 and exists (select 1 from u)
    and (session_id = $22::text or (session_id = any($17::text[]) and lease_until <= ${ts('$24')}))
), ev as (
  insert into ${s}.presence_events (user_id, from_status, to_status, occurred_at)
  select $1, $19, $5, ${ts('$20')} where $18::boolean and exists (select 1 from u)
)
select (select version from u) as version,
  ($21::float8 is null or clock_timestamp() <= ${ts('$21')}) as in_time`

  // In-process queue per user: changes to one user from this process never race each other.
  const queues = new Map<string, Promise<unknown>>()
  function queued<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const before = queues.get(userId) ?? Promise.resolve()
    const run = before.then(work, work)
    const tail = run.catch(() => {})
    queues.set(userId, tail)
    void tail.then(() => {
      if (queues.get(userId) === tail) queues.delete(userId)
    })
    return run
  }

  function parseSessions(value: unknown): StoredSession[] {
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

  async function change(o: ChangeOptions): Promise<RecordStatusResult & { expired: number }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { rows } = await db.query<ReadRow<Row>>(readSql, [o.userId])
      const read = rows[0]!
      const previous = read.user_id === null ? undefined : toPresence(read)
      const stored = new Map(parseSessions(read.sessions).map((x) => [x.sessionId, x]))
      const edit = o.edit?.(stored) ?? {}
      // Ending a session the store does not hold changes nothing.
      if (edit.end !== undefined && !stored.has(edit.end))
        return { presence: previous ?? neverSeen(o.userId, o.at), expired: 0 }
      if (edit.put) stored.set(edit.put.sessionId, edit.put)
      if (edit.end !== undefined) stored.delete(edit.end)
      // Sessions past their lease count for nothing (the aggregate takes live ones); past the
      // grace too, they go.
      const expired = [...stored.values()].filter(
        (x) => !isLive(x, o.at - SESSION_GRACE_MS) && x.sessionId !== edit.put?.sessionId,
      )
      for (const x of expired) stored.delete(x.sessionId)
      const aggregate = aggregateSessions(o.userId, [...stored.values()], o.at)
      const next = userRowAfter(o.userId, previous, aggregate, o.at, o.seenAt)
      const record = next.statusChanged && !(o.quietFirst && !previous)
      const put = edit.put
      const { rows: written } = await db.query<{ version: string | null; in_time: boolean }>(
        writeSql,
        [
          o.userId,
          read.version ?? null,
          next.row.statusChangedAt,
          next.row.lastSeenAt,
          next.row.status,
          next.row.customStatus?.text ?? null,
          next.row.customStatus?.emoji ?? null,
          next.row.customStatus?.expiresAt ?? null,
          next.row.activity ? JSON.stringify(next.row.activity) : null,
          aggregate.nextChangeAt ?? null,
          put?.sessionId ?? null,
          put ? JSON.stringify(put.inputs) : null,
          put?.activity ? JSON.stringify(put.activity) : null,
          put?.hidden === true,
          put?.reportedAt ?? null,
          put?.leaseUntil ?? null,
          expired.map((x) => x.sessionId),
          record,
          next.from ?? null,
          o.at,
          o.notAfter ?? null,
          edit.end ?? null,
          aggregate.timeChangeAt ?? null,
          o.at - SESSION_GRACE_MS,
        ],
      )
      const answer = written[0]
      if (answer && !answer.in_time && o.notAfter !== undefined) throw pastDeadline(o.notAfter)
      if (answer?.version === null || answer?.version === undefined) continue // lost the race
      const presence = next.row as StoredPresence
      const customStatusChanged = next.customStatusChanged && previous !== undefined
      const transition: StatusEvent | undefined = record
        ? { userId: o.userId, from: next.from ?? null, to: next.row.status, at: o.at }
        : undefined
      return {
        presence,
        ...(transition ? { transition } : {}),
        ...(customStatusChanged ? { customStatusChanged } : {}),
        expired: expired.length,
      }
    }
    throw new Error(`presence of ${o.userId}: too many concurrent writers, try again`)
  }

  const strip = ({ expired: _, ...result }: RecordStatusResult & { expired: number }) => result

  // A heartbeat of a live session renews its lease and last seen in one statement, without
  // touching the aggregate (a lease renewed changes no status), and moves the sweeper's sweep_at
  // to the earliest live lease (or the next time-based change), unless a sweep is due already
  // (another session's lease ended, not swept yet). If an aggregate write committed meanwhile
  // (the version moved), its sweep_at stands: this statement's snapshot may not see the session
  // that write added. Anything else (a session not live) goes the long way.
  const heartbeatSql = `
with renewed as (
  update ${s}.presence_sessions set lease_until = greatest(lease_until, ${ts('$4')})
  where user_id = $1 and session_id = $2 and lease_until > ${ts('$3')}
  returning user_id
), seen as (
  select version, (select min(case when p.session_id = $2
      then greatest(p.lease_until, ${ts('$4')}) else p.lease_until end)
    from ${s}.presence_sessions p
    where p.user_id = $1 and (p.session_id = $2 or p.lease_until > ${ts('$3')})) as lease_min
  from ${s}.user_last_seen where user_id = $1
)
update ${s}.user_last_seen u set last_seen_at = greatest(u.last_seen_at, ${ts('$3')}),
  sweep_at = case when u.version = seen.version and u.sweep_at > ${ts('$3')}
    then least(u.changes_at, seen.lease_min) else u.sweep_at end
from renewed, seen where u.user_id = renewed.user_id
returning u.user_id`

  return {
    recordStatus(c) {
      const sessionId = c.sessionId ?? IMPLICIT_SESSION_ID
      const leaseUntil = c.leaseUntil ?? c.at + DEFAULT_SESSION_LEASE_MS
      return queued(c.userId, async () =>
        strip(
          await change({
            userId: c.userId,
            at: c.at,
            seenAt: c.at,
            edit: (sessions) => ({
              put: sessionAfterReport(c, sessionId, sessions.get(sessionId), leaseUntil),
            }),
            ...(c.notAfter === undefined ? {} : { notAfter: c.notAfter }),
          }),
        ),
      )
    },

    recordHeartbeat(userId, at, heartbeat: HeartbeatOptions = {}) {
      const sessionId = heartbeat.sessionId ?? IMPLICIT_SESSION_ID
      const leaseUntil = heartbeat.leaseUntil ?? at + DEFAULT_SESSION_LEASE_MS
      return queued(userId, async () => {
        const { rows } = await db.query(heartbeatSql, [userId, sessionId, at, leaseUntil])
        if (rows.length > 0) return
        await change({
          userId,
          at,
          seenAt: at,
          quietFirst: true,
          edit: (sessions) => {
            const previous = sessions.get(sessionId)
            return {
              // Past its lease but within the grace: back with what it last reported.
              put: previous
                ? { ...previous, leaseUntil: Math.max(previous.leaseUntil, leaseUntil) }
                : { sessionId, inputs: { automatic: 'online' }, reportedAt: at, leaseUntil },
            }
          },
        })
      })
    },

    endSession(userId, sessionId, at) {
      return queued(userId, async () =>
        strip(await change({ userId, at, edit: () => ({ end: sessionId }) })),
      )
    },

    async sweepSessions(now, sweep: SweepOptions = {}) {
      const { rows } = await db.query<{ user_id: string }>(
        `update ${s}.user_last_seen u set sweep_at = ${ts('$2')}
         from (select user_id from ${s}.user_last_seen where sweep_at <= ${ts('$1')}
               order by sweep_at limit $3 for update skip locked) due
         where u.user_id = due.user_id
         returning u.user_id`,
        [now, now + CLAIM_MS, sweep.limit ?? 500],
      )
      // A few users at a time: each is a read and a write, and the pool serves requests too.
      const results: (RecordStatusResult & { expired: number })[] = []
      let next = 0
      const worker = async () => {
        while (next < rows.length) {
          const i = next++
          const userId = rows[i]!.user_id
          results[i] = await queued(userId, () => change({ userId, at: now }))
        }
      }
      await Promise.all(Array.from({ length: Math.min(SWEEP_WORKERS, rows.length) }, worker))
      // Sessions past their lease and the grace go, whoever they belong to (they count for
      // nothing already: no aggregate changes).
      const { rows: removed } = await db.query<{ n: number }>(
        `with gone as (delete from ${s}.presence_sessions where lease_until <= ${ts('$1')}
           returning 1)
         select count(*)::int as n from gone`,
        [now - SESSION_GRACE_MS],
      )
      return {
        expired: results.reduce((n, r) => n + r.expired, 0) + (removed[0]?.n ?? 0),
        users: rows.length,
        transitions: results.flatMap((r) => (r.transition ? [r.transition] : [])),
        customStatusChanged: rows
          .filter((_, i) => results[i]?.customStatusChanged)
          .map((r) => r.user_id),
      }
    },

    async sessionsOf(userId) {
      const { rows } = await db.query<ReadRow<Row>>(readSql, [userId])
      return parseSessions(rows[0]?.sessions).sort(
        (a, b) => a.reportedAt - b.reportedAt || (a.sessionId < b.sessionId ? -1 : 1),
      )
    },
  }
}
