/**
 * `createSupabasePresenceStore(supabase)`: the PresenceStore port of @wedsync/presence-server
 * over supabase-js, i.e. PostgREST, for edge functions without a direct Postgres connection.
 * Plain reads and writes use tables; what must be one statement (a status update with its
 * transition, a forward-only heartbeat, the privacy checker's view of several users) calls the
 * functions in supabase/migrations. Made with the service-role key it may act for any user;
 * with a user's token the policies let it write only that user's rows.
 */

import type { SupabaseClient } from '@supabase/supabase-js'
import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import {
  activitySchema,
  DEFAULT_PRESENCE_SETTINGS,
  type PresenceSettings,
  type PresenceStore,
  type StatusEvent,
  type StoredPresence,
  type TargetPresence,
  type TeamMember,
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

/** The presence columns presence_record_status and presence_targets return (times in ms). */
interface PresenceColumns {
  last_status: string
  last_seen_at: number
  status_changed_at: number
  custom_status_text: string | null
  custom_status_emoji: string | null
  custom_status_expires_at: number | null
  activity: unknown
}

interface StatusRow extends PresenceColumns {
  user_id: string
  transitioned: boolean
  from_status: string | null
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

    async recordStatus(change) {
      // Checked when the request leaves, on this process's clock: PostgREST's function takes no
      // deadline, so unlike the SQL stores a call already sent that stalls may still land late.
      if (change.notAfter !== undefined && Date.now() > change.notAfter)
        throw new SupabaseStoreError(
          'recordStatus',
          { message: `past its deadline (${new Date(change.notAfter).toISOString()})` },
          0,
        )
      const custom = change.customStatus
      const rows = await run<StatusRow[]>(
        'recordStatus',
        db.rpc('presence_record_status', {
          p_user_id: change.userId,
          p_at: change.at,
          p_status: change.status,
          p_set_custom: custom !== undefined,
          p_custom_text: custom?.text ?? null,
          p_custom_emoji: custom?.emoji ?? null,
          p_custom_expires_at: custom?.expiresAt ?? null,
          p_set_activity: change.activity !== undefined,
          p_activity: change.activity ?? null,
        }),
      )
      const row = rows?.[0]
      if (!row) throw new SupabaseStoreError('recordStatus', { message: 'no row returned' }, 200)
      const presence = toPresence(change.userId, row)
      if (!row.transitioned) return { presence }
      const transition: StatusEvent = {
        userId: change.userId,
        from: row.from_status as Status | null,
        to: change.status,
        at: change.at,
      }
      return { presence, transition }
    },

    async recordHeartbeat(userId, at) {
      await run(
        'recordHeartbeat',
        db.rpc('presence_record_heartbeat', { p_user_id: userId, p_at: at }),
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
