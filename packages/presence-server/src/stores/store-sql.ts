/**
 * The PresenceStore over SQL, shared by the Postgres (pg) and PGlite stores. Every method is one
 * statement, so it is atomic on its own, except the session writes (store-sql-sessions.ts): a
 * read, then one conditional write whose version check makes the pair atomic. Table names are
 * qualified with the store's schema, so a pool without a search_path works too.
 */
import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import { quoteSchema, type SqlClient } from '../sql/migration-runner.js'
import {
  activitySchema,
  DEFAULT_PRESENCE_SETTINGS,
  type PresenceSettings,
  type Visibility,
} from '../validation/schemas.js'
import type { PresenceStore, StoredPresence, TargetPresence } from './presence-store.js'
import { createSqlSessions } from './store-sql-sessions.js'

export interface SqlStoreOptions {
  readonly client: SqlClient
  /** Schema holding the tables (migrated beforehand). Default `public`. */
  readonly schema?: string
  /** Called by `close()` (ends the pool, closes PGlite). */
  readonly onClose?: () => Promise<void>
  /**
   * @deprecated Ignored: status reports are aggregated per session now, each user's writes
   * queued in process (store-sql-sessions.ts), so there is no group commit to size.
   */
  readonly heartbeatWriters?: number
  /** @deprecated Ignored (see `heartbeatWriters`). */
  readonly statusWriters?: number
}

interface SettingsRow {
  visibility: string
  show_last_seen: boolean
  show_activity: boolean
  appear_offline: boolean
}

interface PresenceRow {
  user_id: string
  last_status: string
  last_seen_at: number
  status_changed_at: number
  custom_status_text: string | null
  custom_status_emoji: string | null
  custom_status_expires_at: number | null
  activity: unknown
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`
const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`

const PRESENCE_COLUMNS = `u.user_id, u.last_status, ${ms('u.last_seen_at')} as last_seen_at,
  ${ms('u.status_changed_at')} as status_changed_at, u.custom_status_text, u.custom_status_emoji,
  ${ms('u.custom_status_expires_at')} as custom_status_expires_at, u.activity`

function toSettings(row: SettingsRow | undefined): PresenceSettings {
  if (!row?.visibility) return DEFAULT_PRESENCE_SETTINGS
  return {
    visibility: row.visibility as Visibility,
    showLastSeen: row.show_last_seen,
    showActivity: row.show_activity,
    appearOffline: row.appear_offline,
  }
}

function parseActivity(value: unknown): Activity | undefined {
  const json = typeof value === 'string' ? safeJson(value) : value
  const parsed = activitySchema.safeParse(json)
  return parsed.success ? parsed.data : undefined
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function toPresence(row: PresenceRow): StoredPresence {
  const customStatus: CustomStatus | undefined =
    row.custom_status_text !== null || row.custom_status_emoji !== null
      ? {
          text: row.custom_status_text ?? '',
          ...(row.custom_status_emoji === null ? {} : { emoji: row.custom_status_emoji }),
          ...(row.custom_status_expires_at === null
            ? {}
            : { expiresAt: Number(row.custom_status_expires_at) }),
        }
      : undefined
  const activity = row.activity == null ? undefined : parseActivity(row.activity)
  return {
    userId: row.user_id,
    status: row.last_status as Status,
    lastSeenAt: Number(row.last_seen_at),
    statusChangedAt: Number(row.status_changed_at),
    ...(customStatus ? { customStatus } : {}),
    ...(activity ? { activity } : {}),
  }
}

export function createSqlStore(options: SqlStoreOptions): PresenceStore {
  const db = options.client
  const s = quoteSchema(options.schema ?? 'public')
  const d = DEFAULT_PRESENCE_SETTINGS

  // Status reports, heartbeats, leaves and the sweeper: per session, aggregated per user.
  const sessions = createSqlSessions<PresenceRow>({
    db,
    schema: s,
    presenceColumns: PRESENCE_COLUMNS,
    toPresence,
  })

  return {
    async getSettings(userId) {
      const { rows } = await db.query<SettingsRow>(
        `select visibility, show_last_seen, show_activity, appear_offline
         from ${s}.presence_settings where user_id = $1`,
        [userId],
      )
      return toSettings(rows[0])
    },

    async updateSettings(userId, patch, at) {
      const { rows } = await db.query<SettingsRow>(
        `insert into ${s}.presence_settings as p
           (user_id, visibility, show_last_seen, show_activity, appear_offline, updated_at)
         values ($1, coalesce($2::text, $7::text), coalesce($3::boolean, $8::boolean),
           coalesce($4::boolean, $9::boolean), coalesce($5::boolean, $10::boolean), ${ts('$6')})
         on conflict (user_id) do update set
           visibility = coalesce($2::text, p.visibility),
           show_last_seen = coalesce($3::boolean, p.show_last_seen),
           show_activity = coalesce($4::boolean, p.show_activity),
           appear_offline = coalesce($5::boolean, p.appear_offline),
           updated_at = excluded.updated_at
         returning visibility, show_last_seen, show_activity, appear_offline`,
        [
          userId,
          patch.visibility ?? null,
          patch.showLastSeen ?? null,
          patch.showActivity ?? null,
          patch.appearOffline ?? null,
          at,
          d.visibility,
          d.showLastSeen,
          d.showActivity,
          d.appearOffline,
        ],
      )
      return toSettings(rows[0])
    },

    recordStatus: (change) => sessions.recordStatus(change),
    recordHeartbeat: (userId, at, options) => sessions.recordHeartbeat(userId, at, options),
    endSession: (userId, sessionId, at) => sessions.endSession(userId, sessionId, at),
    sweepSessions: (now, options) => sessions.sweepSessions(now, options),
    sessionsOf: (userId) => sessions.sessionsOf(userId),

    async presenceFor(viewerId, userIds): Promise<TargetPresence[]> {
      if (userIds.length === 0) return []
      const { rows } = await db.query<
        PresenceRow & SettingsRow & { target: string; is_contact: boolean; shares_team: boolean }
      >(
        `select t.user_id as target, s.visibility, s.show_last_seen, s.show_activity,
           s.appear_offline, ${PRESENCE_COLUMNS},
           exists (select 1 from ${s}.contacts c
             where c.user_id = t.user_id and c.contact_id = $1) as is_contact,
           exists (select 1 from ${s}.team_members a
             join ${s}.team_members b on a.team_id = b.team_id
             where a.user_id = t.user_id and b.user_id = $1) as shares_team
         from unnest($2::text[]) with ordinality as t(user_id, ord)
         left join ${s}.presence_settings s on s.user_id = t.user_id
         left join ${s}.user_last_seen u on u.user_id = t.user_id
         order by t.ord`,
        [viewerId, userIds],
      )
      return rows.map((row) => ({
        userId: row.target,
        settings: toSettings(row),
        isContact: row.is_contact,
        sharesTeam: row.shares_team,
        ...(row.user_id === null ? {} : { presence: toPresence(row) }),
      }))
    },

    async teamMembers(teamId) {
      const { rows } = await db.query<{ user_id: string; role: string | null }>(
        `select user_id, role from ${s}.team_members where team_id = $1
         order by user_id collate "C"`,
        [teamId],
      )
      return rows.map((r) => ({
        teamId,
        userId: r.user_id,
        ...(r.role === null ? {} : { role: r.role }),
      }))
    },

    async addTeamMember(member) {
      await db.query(
        `insert into ${s}.team_members (team_id, user_id, role) values ($1, $2, $3)
         on conflict (team_id, user_id) do update set role = excluded.role`,
        [member.teamId, member.userId, member.role ?? null],
      )
    },

    async removeTeamMember(teamId, userId) {
      await db.query(`delete from ${s}.team_members where team_id = $1 and user_id = $2`, [
        teamId,
        userId,
      ])
    },

    async addContact(userId, contactId) {
      await db.query(
        `insert into ${s}.contacts (user_id, contact_id) values ($1, $2) on conflict do nothing`,
        [userId, contactId],
      )
    },

    async removeContact(userId, contactId) {
      await db.query(`delete from ${s}.contacts where user_id = $1 and contact_id = $2`, [
        userId,
        contactId,
      ])
    },

    async statusEvents(userId, query = {}) {
      const { rows } = await db.query<{
        from_status: string | null
        to_status: string
        at: number
      }>(
        `select from_status, to_status, ${ms('occurred_at')} as at from ${s}.presence_events
         where user_id = $1
           and ($2::float8 is null or occurred_at >= ${ts('$2')})
           and ($3::float8 is null or occurred_at < ${ts('$3')})
         order by occurred_at, id limit $4`,
        [userId, query.since ?? null, query.until ?? null, query.limit ?? 1_000],
      )
      return rows.map((r) => ({
        userId,
        from: r.from_status as Status | null,
        to: r.to_status as Status,
        at: Number(r.at),
      }))
    },

    async pruneEvents(before) {
      const { rows } = await db.query<{ n: number }>(
        `with deleted as (delete from ${s}.presence_events where occurred_at < ${ts('$1')}
           returning 1)
         select count(*)::int as n from deleted`,
        [before],
      )
      return rows[0]?.n ?? 0
    },

    async ping() {
      await db.query('select 1')
    },

    async close() {
      await options.onClose?.()
    },
  }
}
