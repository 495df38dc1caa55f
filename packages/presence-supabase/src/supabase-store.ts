/**
 * `createSupabasePresenceStore(supabase)`: the PresenceStore port of @wedsync/presence-server
 * over supabase-js, i.e. PostgREST, for edge functions without a direct Postgres connection.
 * Plain reads and writes use tables; what must be one statement (the privacy checker's view of
 * several users, and each step of server sessions) calls the functions in supabase/migrations.
 *
 * Server sessions follow the SQL stores' algorithm, which is presence-server's session-change.ts
 * (this store does only the I/O around it), each of the SQL stores' statements a function here:
 * read the user's row, version and sessions in one snapshot; plan the change in TypeScript
 * (aggregated with presence-core's rule, the one rooms use, so this store cannot disagree with a
 * room or with the other stores); write row, session, removals and transition in one statement
 * that applies only if the version is still the one read, else plan again from fresh data. A heartbeat of a live session only
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
  createUserQueue,
  DEFAULT_PRESENCE_SETTINGS,
  endSessionChange,
  heartbeatLease,
  heartbeatReviveChange,
  type PresenceSettings,
  type PresenceStore,
  reportChange,
  runSessionChange,
  SESSION_GRACE_MS,
  type SessionChange,
  type SessionChangeResult,
  type SessionJson,
  type StoredPresence,
  type SweepOptions,
  type SweepResult,
  sessionsFromJson,
  sweepClaimed,
  type TargetPresence,
  type TeamMember,
  type Visibility,
  withoutExpired,
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

  const queued = createUserQueue()

  /** The change read, planned in presence-server's session-change.ts, and written in one call. */
  function change(
    operation: string,
    c: SessionChange,
    notAfter?: number,
  ): Promise<SessionChangeResult> {
    return runSessionChange(c, {
      async read() {
        const read = await readState(operation, c.userId)
        return {
          previous: read.user_id === null ? undefined : toPresence(c.userId, read),
          sessions: sessionsFromJson(read.sessions),
          version: read.version ?? null,
        }
      },
      async write(w) {
        const put = w.put
        const written = await run<{ written_version: number | null; in_time: boolean }[]>(
          operation,
          db.rpc('presence_session_write', {
            p_user_id: w.userId,
            p_version: w.version,
            p_status_changed_at: w.row.statusChangedAt,
            p_last_seen_at: w.row.lastSeenAt,
            p_status: w.row.status,
            p_custom_text: w.row.customStatus?.text ?? null,
            p_custom_emoji: w.row.customStatus?.emoji ?? null,
            p_custom_expires_at: w.row.customStatus?.expiresAt ?? null,
            p_activity: w.row.activity ?? null,
            p_sweep_at: w.sweepAt,
            p_session_id: put?.sessionId ?? null,
            p_inputs: put?.inputs ?? null,
            p_session_activity: put?.activity ?? null,
            p_hidden: put?.hidden === true,
            p_reported_at: put?.reportedAt ?? null,
            p_lease_until: put?.leaseUntil ?? null,
            p_expired: w.expired,
            p_record: w.record,
            p_from_status: w.from,
            p_at: w.at,
            p_not_after: notAfter ?? null,
            p_end_session: w.end ?? null,
            p_changes_at: w.changesAt,
            p_grace_before: w.graceBefore,
          }),
        )
        const answer = written?.[0]
        if (!answer) throw new SupabaseStoreError(operation, { message: 'no row returned' }, 200)
        if (!answer.in_time && notAfter !== undefined) throw pastDeadline(operation, notAfter)
        return answer.written_version !== null // null: another writer won, compute again
      },
      tooManyWriters: () =>
        new SupabaseStoreError(
          operation,
          { message: `presence of ${c.userId}: too many concurrent writers, try again` },
          0,
        ),
    })
  }

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
      return queued(c.userId, async () =>
        withoutExpired(await change('recordStatus', reportChange(c), c.notAfter)),
      )
    },

    recordHeartbeat(userId, at, heartbeat) {
      const lease = heartbeatLease(at, heartbeat)
      return queued(userId, async () => {
        const renewed = await run<boolean>(
          'recordHeartbeat',
          db.rpc('presence_session_heartbeat', {
            p_user_id: userId,
            p_session_id: lease.sessionId,
            p_at: at,
            p_lease_until: lease.leaseUntil,
          }),
        )
        if (renewed === true) return
        await change('recordHeartbeat', heartbeatReviveChange(userId, at, lease))
      })
    },

    endSession(userId, sessionId, at) {
      return queued(userId, async () =>
        withoutExpired(await change('endSession', endSessionChange(userId, sessionId, at))),
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
      return sweepClaimed(
        claimed.map((r) => r.user_id),
        (userId) => queued(userId, () => change('sweepSessions', { userId, at: now })),
        async () =>
          Number(
            await run<number>(
              'sweepSessions',
              db.rpc('presence_sessions_remove_expired', { p_before: now - SESSION_GRACE_MS }),
            ),
          ),
      )
    },

    async sessionsOf(userId) {
      const row = await readState('sessionsOf', userId)
      return sessionsFromJson(row.sessions).sort(
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
