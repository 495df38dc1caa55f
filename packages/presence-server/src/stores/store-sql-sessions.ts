/**
 * Sessions over SQL (Postgres and PGlite): status reports, heartbeats, leaves and the lease
 * sweeper, with the user's status aggregated in TypeScript by session-aggregate.ts — the rule the
 * rooms use — and written to `user_last_seen`, where every reader (presenceFor, team availability,
 * visible_presence, routing) finds it.
 *
 * Consistency without holding a lock while TypeScript computes: each change reads the user's row
 * (with its `version`) and sessions in one statement, computes the new session set and aggregate
 * (session-change.ts, shared with presence-supabase's store: this file does only the I/O), and
 * writes everything in one statement that applies only if `version` is still the one read
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
  type StoredPresence,
  type SweepOptions,
  type SweepResult,
} from './presence-store.js'
import { SESSION_GRACE_MS, type StoredSession } from './session-aggregate.js'
import {
  createUserQueue,
  endSessionChange,
  heartbeatLease,
  heartbeatReviveChange,
  reportChange,
  runSessionChange,
  type SessionChange,
  type SessionChangeResult,
  sessionsFromJson,
  sweepClaimed,
  withoutExpired,
} from './session-change.js'

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`
const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`

/** How long a sweeper's claim on a due user lasts before another instance may take it. */
const CLAIM_MS = 30_000

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

type ReadRow<Row> = Row & { version: string | number | null; sessions: unknown }

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

  const queued = createUserQueue()

  /** The change read, planned in session-change.ts and written in one statement. */
  function change(c: SessionChange, notAfter?: number): Promise<SessionChangeResult> {
    return runSessionChange(c, {
      async read() {
        const { rows } = await db.query<ReadRow<Row>>(readSql, [c.userId])
        const read = rows[0]!
        return {
          previous: read.user_id === null ? undefined : toPresence(read),
          sessions: sessionsFromJson(read.sessions),
          version: read.version ?? null,
        }
      },
      async write(w) {
        const put = w.put
        const { rows: written } = await db.query<{ version: string | null; in_time: boolean }>(
          writeSql,
          [
            w.userId,
            w.version,
            w.row.statusChangedAt,
            w.row.lastSeenAt,
            w.row.status,
            w.row.customStatus?.text ?? null,
            w.row.customStatus?.emoji ?? null,
            w.row.customStatus?.expiresAt ?? null,
            w.row.activity ? JSON.stringify(w.row.activity) : null,
            w.sweepAt,
            put?.sessionId ?? null,
            put ? JSON.stringify(put.inputs) : null,
            put?.activity ? JSON.stringify(put.activity) : null,
            put?.hidden === true,
            put?.reportedAt ?? null,
            put?.leaseUntil ?? null,
            w.expired,
            w.record,
            w.from,
            w.at,
            notAfter ?? null,
            w.end ?? null,
            w.changesAt,
            w.graceBefore,
          ],
        )
        const answer = written[0]
        if (answer && !answer.in_time && notAfter !== undefined) throw pastDeadline(notAfter)
        return answer?.version !== null && answer?.version !== undefined // else lost the race
      },
      tooManyWriters: () =>
        new Error(`presence of ${c.userId}: too many concurrent writers, try again`),
    })
  }

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
    recordStatus(c: StatusChange) {
      return queued(c.userId, async () => withoutExpired(await change(reportChange(c), c.notAfter)))
    },

    recordHeartbeat(userId, at, heartbeat) {
      const lease = heartbeatLease(at, heartbeat)
      return queued(userId, async () => {
        const { rows } = await db.query(heartbeatSql, [
          userId,
          lease.sessionId,
          at,
          lease.leaseUntil,
        ])
        if (rows.length > 0) return
        await change(heartbeatReviveChange(userId, at, lease))
      })
    },

    endSession(userId, sessionId, at) {
      return queued(userId, async () =>
        withoutExpired(await change(endSessionChange(userId, sessionId, at))),
      )
    },

    async sweepSessions(now, sweep: SweepOptions = {}): Promise<SweepResult> {
      const { rows } = await db.query<{ user_id: string }>(
        `update ${s}.user_last_seen u set sweep_at = ${ts('$2')}
         from (select user_id from ${s}.user_last_seen where sweep_at <= ${ts('$1')}
               order by sweep_at limit $3 for update skip locked) due
         where u.user_id = due.user_id
         returning u.user_id`,
        [now, now + CLAIM_MS, sweep.limit ?? 500],
      )
      const removeExpired = async () => {
        const { rows: removed } = await db.query<{ n: number }>(
          `with gone as (delete from ${s}.presence_sessions where lease_until <= ${ts('$1')}
           returning 1)
         select count(*)::int as n from gone`,
          [now - SESSION_GRACE_MS],
        )
        return removed[0]?.n ?? 0
      }
      return sweepClaimed(
        rows.map((r) => r.user_id),
        (userId) => queued(userId, () => change({ userId, at: now })),
        removeExpired,
      )
    },

    async sessionsOf(userId) {
      const { rows } = await db.query<ReadRow<Row>>(readSql, [userId])
      return sessionsFromJson(rows[0]?.sessions).sort(
        (a, b) => a.reportedAt - b.reportedAt || (a.sessionId < b.sessionId ? -1 : 1),
      )
    },
  }
}
