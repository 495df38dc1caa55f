/**
 * `createSupabasePresenceStore(supabase)`: the PresenceStore port of @wedsync/presence-server
 * over supabase-js, i.e. PostgREST, for edge functions without a direct Postgres connection.
 * Plain reads and writes use tables; what must be one statement (the privacy checker's view of
 * several users, and each step of server sessions) calls the functions in supabase/migrations.
 *
 * Server sessions follow the SQL stores' algorithm (presence-server's store-sql-sessions.ts),
 * each of its statements a function here: read the user's row, version and sessions in one
 * snapshot; aggregate in TypeScript with presence-server's session-aggregate.ts (presence-core's
 * rule, the one rooms use, so this store cannot disagree with a room or with the other stores);
 * write row, session, removals and transition in one statement that applies only if the version
 * is still the one read, else compute again from fresh data. A heartbeat of a live session only
 * renews its lease. The sweeper claims due users with `for update skip locked`, so instances
 * share the work and a transition is recorded once. Within one process a user's changes are
 * queued, so only writers on other instances ever retry.
 *
 * Made with the service-role key it may act for any user. Status reports, heartbeats, leaves and
 * sweeps are the server's (the session functions are the service role's alone); with a user's
 * token the policies let it read and write only that user's settings and contacts, and read
 * their transitions and teams.
 */

import type { SupabaseClient } from '@supabase/supabase-js'
import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import {
  activitySchema,
  aggregateSessions,
  DEFAULT_PRESENCE_SETTINGS,
  DEFAULT_SESSION_LEASE_MS,
  type HeartbeatOptions,
  IMPLICIT_SESSION_ID,
  isLive,
  neverSeen,
  type PresenceSettings,
  type PresenceStore,
  type RecordStatusResult,
  SESSION_GRACE_MS,
  type SessionInputs,
  type StatusEvent,
  type StoredPresence,
  type StoredSession,
  type SweepOptions,
  type SweepResult,
  sessionAfterReport,
  type TargetPresence,
  type TeamMember,
  userRowAfter,
  type Visibility,
} from '@wedsync/presence-server'

export interface SupabasePresenceStoreOptions {
  /** Schema holding the presence tables (it must be exposed by the API). Default `public`. */
  readonly schema?: string
  /** Called by `close()`; the store never signs out or disconnects the client it was given. */
  readonly onClose?: () => Promise<void>
}

/** What PostgREST (or the network) answered instead of data. */
export class SupabaseStoreError extends Error {
  override readonly name = 'SupabaseStoreError'
  /** PostgREST's or Postgres' error code (`PGRST116`, `42501`…); empty for network failures. */
  readonly code: string
  readonly details: string | null
  readonly hint: string | null
  /** HTTP status; 0 when no response arrived. */
  readonly status: number

  constructor(operation: string, error: PostgrestErrorLike, status: number) {
    super(`${operation}: ${error.message}`)
    this.code = error.code ?? ''
    this.details = error.details ?? null
    this.hint = error.hint ?? null
    this.status = status
  }
}

interface PostgrestErrorLike {
  readonly message: string
  readonly code?: string
  readonly details?: string | null
  readonly hint?: string | null
}

interface PostgrestAnswer<T> {
  readonly data: T | null
  readonly error: PostgrestErrorLike | null
  readonly status: number
}

interface SettingsRow {
  visibility: string
  show_last_seen: boolean
  show_activity: boolean
  appear_offline: boolean
}

/** The presence columns presence_session_state and presence_targets return (times in ms). */
interface PresenceColumns {
  last_status: string
  last_seen_at: number
  status_changed_at: number
  custom_status_text: string | null
  custom_status_emoji: string | null
  custom_status_expires_at: number | null
  activity: unknown
}

/** presence_session_state's one row: `user_id` null when the user was never seen. */
interface StateRow extends PresenceColumns {
  user_id: string | null
  version: number | null
  sessions: SessionJson[] | null
}

/** One stored session as presence_session_state lists it (times in ms). */
interface SessionJson {
  readonly id: string
  readonly inputs: SessionInputs
  readonly activity: StoredSession['activity'] | null
  readonly hidden: boolean
  readonly reportedAt: number
  readonly leaseUntil: number
}

/** How one change turns the stored sessions into the next ones. */
type SessionEdit = (sessions: ReadonlyMap<string, StoredSession>) => {
  readonly put?: StoredSession
  readonly end?: string
}

/** One change to a user's sessions and aggregate (store-sql-sessions.ts's, over PostgREST). */
interface ChangeOptions {
  readonly operation: string
  readonly userId: string
  readonly at: number
  /** A report moves last seen; a sweep or a leave does not. */
  readonly seenAt?: number
  readonly edit?: SessionEdit
  /** A first heartbeat stores `online` and records no transition (the port's contract). */
  readonly quietFirst?: boolean
  readonly notAfter?: number
}

type ChangeResult = RecordStatusResult & { readonly expired: number }

interface TargetRow extends PresenceColumns, Partial<SettingsRow> {
  ord: number
  target: string
  seen: boolean
  is_contact: boolean
  shares_team: boolean
}

const SETTINGS_COLUMNS = 'visibility,show_last_seen,show_activity,appear_offline'
/** PostgREST answers at most this many rows per request on Supabase (`max_rows`). */
const PAGE = 1_000
/** How long a sweeper's claim on a due user lasts before another instance may take it. */
const CLAIM_MS = 30_000
/** Users one sweep recomputes at once (each is two requests). */
const SWEEP_WORKERS = 4
/** Writes refused for a changed version before giving up (other instances writing the user). */
const MAX_ATTEMPTS = 50

function toSettings(row: Partial<SettingsRow> | null | undefined): PresenceSettings {
  if (!row?.visibility) return DEFAULT_PRESENCE_SETTINGS
  return {
    visibility: row.visibility as Visibility,
    showLastSeen: row.show_last_seen ?? DEFAULT_PRESENCE_SETTINGS.showLastSeen,
    showActivity: row.show_activity ?? DEFAULT_PRESENCE_SETTINGS.showActivity,
    appearOffline: row.appear_offline ?? DEFAULT_PRESENCE_SETTINGS.appearOffline,
  }
}

function toPresence(userId: string, row: PresenceColumns): StoredPresence {
  const hasCustom = row.custom_status_text !== null || row.custom_status_emoji !== null
  const customStatus: CustomStatus | undefined = hasCustom
    ? {
        text: row.custom_status_text ?? '',
        ...(row.custom_status_emoji === null ? {} : { emoji: row.custom_status_emoji }),
        ...(row.custom_status_expires_at === null
          ? {}
          : { expiresAt: Number(row.custom_status_expires_at) }),
      }
    : undefined
  // A stored activity that no longer parses is left out rather than passed on.
  const parsed = row.activity == null ? undefined : activitySchema.safeParse(row.activity)
  const activity: Activity | undefined = parsed?.success ? parsed.data : undefined
  return {
    userId,
    status: row.last_status as Status,
    lastSeenAt: Number(row.last_seen_at),
    statusChangedAt: Number(row.status_changed_at),
    ...(customStatus ? { customStatus } : {}),
    ...(activity ? { activity } : {}),
  }
}

/** Epoch ms from a timestamptz as PostgREST writes it (`2026-06-13T09:00:00.123+00:00`). */
function epochMs(value: string, operation: string): number {
  const ms = Date.parse(value)
  if (Number.isNaN(ms))
    throw new SupabaseStoreError(operation, { message: `unreadable time ${value}` }, 200)
  return ms
}

const iso = (ms: number) => new Date(ms).toISOString()

function parseSessions(list: readonly SessionJson[] | null): StoredSession[] {
  return (list ?? []).map((j) => ({
    sessionId: j.id,
    inputs: j.inputs,
    ...(j.activity ? { activity: j.activity } : {}),
    reportedAt: Number(j.reportedAt),
    leaseUntil: Number(j.leaseUntil),
    ...(j.hidden ? { hidden: true as const } : {}),
  }))
}

function pastDeadline(operation: string, notAfter: number): SupabaseStoreError {
  return new SupabaseStoreError(
    operation,
    { message: `past its deadline (${new Date(notAfter).toISOString()})` },
    0,
  )
}

/** Code-point order, as `collate "C"` sorts in the SQL stores (not the database's collation). */
const byCodePoint = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export function createSupabasePresenceStore(
  supabase: SupabaseClient,
  options: SupabasePresenceStoreOptions = {},
): PresenceStore {
  const db = options.schema ? supabase.schema(options.schema) : supabase

  async function run<T>(operation: string, request: PromiseLike<PostgrestAnswer<T>>): Promise<T> {
    const { data, error, status } = await request
    if (error) throw new SupabaseStoreError(operation, error, status)
    return data as T
  }

  async function readState(operation: string, userId: string): Promise<StateRow> {
    const rows = await run<StateRow[]>(
      operation,
      db.rpc('presence_session_state', { p_user_id: userId }),
    )
    const row = rows?.[0]
    if (!row) throw new SupabaseStoreError(operation, { message: 'no row returned' }, 200)
    return row
  }

  // In-process queue per user: changes to one user from this process never race each other.
  const queues = new Map<string, Promise<unknown>>()
  function queued<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const before = queues.get(userId) ?? Promise.resolve()
    const result = before.then(work, work)
    const tail = result.catch(() => {})
    queues.set(userId, tail)
    void tail.then(() => {
      if (queues.get(userId) === tail) queues.delete(userId)
    })
    return result
  }

  /** Read, aggregate in TypeScript, one version-checked write; again if another writer won. */
  async function change(o: ChangeOptions): Promise<ChangeResult> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await readState(o.operation, o.userId)
      const previous = read.user_id === null ? undefined : toPresence(o.userId, read)
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
      const written = await run<{ written_version: number | null; in_time: boolean }[]>(
        o.operation,
        db.rpc('presence_session_write', {
          p_user_id: o.userId,
          p_version: read.version ?? null,
          p_status_changed_at: next.row.statusChangedAt,
          p_last_seen_at: next.row.lastSeenAt,
          p_status: next.row.status,
          p_custom_text: next.row.customStatus?.text ?? null,
          p_custom_emoji: next.row.customStatus?.emoji ?? null,
          p_custom_expires_at: next.row.customStatus?.expiresAt ?? null,
          p_activity: next.row.activity ?? null,
          p_sweep_at: aggregate.nextChangeAt ?? null,
          p_session_id: put?.sessionId ?? null,
          p_inputs: put?.inputs ?? null,
          p_session_activity: put?.activity ?? null,
          p_hidden: put?.hidden === true,
          p_reported_at: put?.reportedAt ?? null,
          p_lease_until: put?.leaseUntil ?? null,
          p_expired: expired.map((x) => x.sessionId),
          p_record: record,
          p_from_status: next.from ?? null,
          p_at: o.at,
          p_not_after: o.notAfter ?? null,
          p_end_session: edit.end ?? null,
          p_changes_at: aggregate.timeChangeAt ?? null,
          p_grace_before: o.at - SESSION_GRACE_MS,
        }),
      )
      const answer = written?.[0]
      if (!answer) throw new SupabaseStoreError(o.operation, { message: 'no row returned' }, 200)
      if (!answer.in_time && o.notAfter !== undefined) throw pastDeadline(o.operation, o.notAfter)
      if (answer.written_version === null) continue // another writer won: compute again
      const customStatusChanged = next.customStatusChanged && previous !== undefined
      const transition: StatusEvent | undefined = record
        ? { userId: o.userId, from: next.from ?? null, to: next.row.status, at: o.at }
        : undefined
      return {
        presence: next.row as StoredPresence,
        ...(transition ? { transition } : {}),
        ...(customStatusChanged ? { customStatusChanged } : {}),
        expired: expired.length,
      }
    }
    throw new SupabaseStoreError(
      o.operation,
      { message: `presence of ${o.userId}: too many concurrent writers, try again` },
      0,
    )
  }

  const strip = ({ expired: _, ...result }: ChangeResult): RecordStatusResult => result

  return {
    async getSettings(userId) {
      const row = await run<SettingsRow | null>(
        'getSettings',
        db.from('presence_settings').select(SETTINGS_COLUMNS).eq('user_id', userId).maybeSingle(),
      )
      return toSettings(row)
    },

    async updateSettings(userId, patch, at) {
      // Only the patched columns are sent: the upsert's conflict update sets just those (the
      // merge happens in one statement), and a first save takes the column defaults for the rest.
      const row = {
        user_id: userId,
        ...(patch.visibility === undefined ? {} : { visibility: patch.visibility }),
        ...(patch.showLastSeen === undefined ? {} : { show_last_seen: patch.showLastSeen }),
        ...(patch.showActivity === undefined ? {} : { show_activity: patch.showActivity }),
        ...(patch.appearOffline === undefined ? {} : { appear_offline: patch.appearOffline }),
        updated_at: iso(at),
      }
      const saved = await run<SettingsRow>(
        'updateSettings',
        db
          .from('presence_settings')
          .upsert(row, { onConflict: 'user_id' })
          .select(SETTINGS_COLUMNS)
          .single(),
      )
      return toSettings(saved)
    },

    recordStatus(c) {
      // Refused before it leaves when it is late already; the write function checks again on
      // the database's clock, so a request that stalls on the way is refused there.
      if (c.notAfter !== undefined && Date.now() > c.notAfter)
        return Promise.reject(pastDeadline('recordStatus', c.notAfter))
      const sessionId = c.sessionId ?? IMPLICIT_SESSION_ID
      const leaseUntil = c.leaseUntil ?? c.at + DEFAULT_SESSION_LEASE_MS
      return queued(c.userId, async () =>
        strip(
          await change({
            operation: 'recordStatus',
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
        const renewed = await run<boolean>(
          'recordHeartbeat',
          db.rpc('presence_session_heartbeat', {
            p_user_id: userId,
            p_session_id: sessionId,
            p_at: at,
            p_lease_until: leaseUntil,
          }),
        )
        if (renewed === true) return
        await change({
          operation: 'recordHeartbeat',
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
        strip(
          await change({ operation: 'endSession', userId, at, edit: () => ({ end: sessionId }) }),
        ),
      )
    },

    async sweepSessions(now, sweep: SweepOptions = {}): Promise<SweepResult> {
      const claimed = await run<{ user_id: string }[]>(
        'sweepSessions',
        db.rpc('presence_sweep_claim', {
          p_now: now,
          p_claim_until: now + CLAIM_MS,
          p_limit: sweep.limit ?? 500,
        }),
      )
      // A few users at a time: each is a read and a write, and the API serves requests too.
      const results: ChangeResult[] = []
      let next = 0
      const worker = async () => {
        while (next < claimed.length) {
          const i = next++
          const userId = claimed[i]!.user_id
          results[i] = await queued(userId, () =>
            change({ operation: 'sweepSessions', userId, at: now }),
          )
        }
      }
      await Promise.all(Array.from({ length: Math.min(SWEEP_WORKERS, claimed.length) }, worker))
      // Sessions past their lease and the grace go, whoever they belong to (they count for
      // nothing already: no aggregate changes).
      const removed = await run<number>(
        'sweepSessions',
        db.rpc('presence_sessions_remove_expired', { p_before: now - SESSION_GRACE_MS }),
      )
      return {
        expired: results.reduce((n, r) => n + r.expired, 0) + Number(removed),
        users: claimed.length,
        transitions: results.flatMap((r) => (r.transition ? [r.transition] : [])),
        customStatusChanged: claimed
          .filter((_, i) => results[i]?.customStatusChanged)
          .map((r) => r.user_id),
      }
    },

    async sessionsOf(userId) {
      const row = await readState('sessionsOf', userId)
      return parseSessions(row.sessions).sort(
        (a, b) => a.reportedAt - b.reportedAt || (a.sessionId < b.sessionId ? -1 : 1),
      )
    },

    async presenceFor(viewerId, userIds): Promise<TargetPresence[]> {
      if (userIds.length === 0) return []
      const rows = await run<TargetRow[]>(
        'presenceFor',
        db.rpc('presence_targets', { p_viewer: viewerId, p_user_ids: [...userIds] }),
      )
      return [...rows]
        .sort((a, b) => a.ord - b.ord)
        .map((row) => ({
          userId: row.target,
          settings: toSettings(row),
          isContact: row.is_contact,
          sharesTeam: row.shares_team,
          ...(row.seen ? { presence: toPresence(row.target, row) } : {}),
        }))
    },

    async teamMembers(teamId) {
      const members: TeamMember[] = []
      for (let from = 0; ; from += PAGE) {
        const rows = await run<{ user_id: string; role: string | null }[]>(
          'teamMembers',
          db
            .from('team_members')
            .select('user_id,role')
            .eq('team_id', teamId)
            .order('user_id')
            .range(from, from + PAGE - 1),
        )
        for (const r of rows)
          members.push({ teamId, userId: r.user_id, ...(r.role === null ? {} : { role: r.role }) })
        if (rows.length < PAGE) break
      }
      return members.sort((a, b) => byCodePoint(a.userId, b.userId))
    },

    async addTeamMember(member) {
      await run(
        'addTeamMember',
        db
          .from('team_members')
          .upsert(
            { team_id: member.teamId, user_id: member.userId, role: member.role ?? null },
            { onConflict: 'team_id,user_id' },
          ),
      )
    },

    async removeTeamMember(teamId, userId) {
      await run(
        'removeTeamMember',
        db.from('team_members').delete().eq('team_id', teamId).eq('user_id', userId),
      )
    },

    async addContact(userId, contactId) {
      await run(
        'addContact',
        db
          .from('contacts')
          .upsert(
            { user_id: userId, contact_id: contactId },
            { onConflict: 'user_id,contact_id', ignoreDuplicates: true },
          ),
      )
    },

    async removeContact(userId, contactId) {
      await run(
        'removeContact',
        db.from('contacts').delete().eq('user_id', userId).eq('contact_id', contactId),
      )
    },

    async statusEvents(userId, query = {}) {
      let request = db
        .from('presence_events')
        .select('from_status,to_status,occurred_at')
        .eq('user_id', userId)
      if (query.since !== undefined) request = request.gte('occurred_at', iso(query.since))
      if (query.until !== undefined) request = request.lt('occurred_at', iso(query.until))
      const rows = await run<
        { from_status: string | null; to_status: string; occurred_at: string }[]
      >(
        'statusEvents',
        request
          .order('occurred_at')
          .order('id')
          .limit(query.limit ?? 1_000),
      )
      return rows.map((r) => ({
        userId,
        from: r.from_status as Status | null,
        to: r.to_status as Status,
        at: epochMs(r.occurred_at, 'statusEvents'),
      }))
    },

    async pruneEvents(before) {
      const deleted = await run<number>(
        'pruneEvents',
        db.rpc('prune_presence_events', { p_before: iso(before) }),
      )
      return Number(deleted)
    },

    async ping() {
      await run('ping', db.from('presence_settings').select('user_id').limit(1))
    },

    async close() {
      await options.onClose?.()
    },
  }
}
