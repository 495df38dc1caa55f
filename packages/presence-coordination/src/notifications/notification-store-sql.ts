/**
 * The NotificationStore over SQL (Postgres through pg, or PGlite), table
 * `presence_held_notifications` (migration 0004). A claim is one UPDATE over rows picked with
 * `for update skip locked`: two instances claiming at once lock disjoint rows, and the lease check
 * is evaluated under the row lock, so a row is never claimed twice while a lease lasts. Release
 * succeeds only for the current claimant of a row not yet released.
 */
import { quoteSchema, type SqlClient } from '@wedsync/presence-server'
import type {
  ClaimQuery,
  HoldReason,
  NotificationRecord,
  NotificationStore,
} from './notification-store.js'
import type { DeliveryRoute, Urgency } from './routing-rules.js'

export interface SqlNotificationStoreOptions {
  readonly client: SqlClient
  /** Schema holding the table (migrated beforehand). Default `public`. */
  readonly schema?: string
  /** Called by `close()`. */
  readonly onClose?: () => Promise<void>
}

interface Row {
  id: string
  recipient_id: string
  urgency: string
  reason: string
  payload: string
  created_at: number
  give_up_at: number
  attempts: number
  released_at: number | null
  released_by: string | null
  released_routes: string[] | null
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`
const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`

// The payload as text, parsed here: drivers parse jsonb themselves, so a JSON string payload
// would otherwise come back already parsed and be parsed twice.
const COLUMNS = `id, recipient_id, urgency, reason, payload::text as payload, ${ms('created_at')} as created_at,
  ${ms('give_up_at')} as give_up_at, attempts, ${ms('released_at')} as released_at, released_by,
  released_routes`

function toRecord(row: Row): NotificationRecord {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    urgency: row.urgency as Urgency,
    reason: row.reason as HoldReason,
    payload: JSON.parse(row.payload),
    createdAt: Number(row.created_at),
    giveUpAt: Number(row.give_up_at),
    attempts: Number(row.attempts),
    ...(row.released_at === null ? {} : { releasedAt: Number(row.released_at) }),
    ...(row.released_by === null ? {} : { releasedBy: row.released_by }),
    ...(row.released_routes === null
      ? {}
      : { releasedRoutes: row.released_routes as DeliveryRoute[] }),
  }
}

export function createSqlNotificationStore(
  options: SqlNotificationStoreOptions,
): NotificationStore {
  const db = options.client
  const t = `${quoteSchema(options.schema ?? 'public')}.presence_held_notifications`

  return {
    async hold(n) {
      const { rows } = await db.query<{ id: string }>(
        `insert into ${t} (id, recipient_id, urgency, reason, payload, created_at, give_up_at)
         values ($1, $2, $3, $4, $5::jsonb, ${ts('$6')}, ${ts('$7')})
         on conflict (id) do nothing returning id`,
        [
          n.id,
          n.recipientId,
          n.urgency,
          n.reason,
          JSON.stringify(n.payload ?? null),
          n.createdAt,
          n.giveUpAt,
        ],
      )
      return rows.length === 1
    },

    async get(id) {
      const { rows } = await db.query<Row>(`select ${COLUMNS} from ${t} where id = $1`, [id])
      return rows[0] && toRecord(rows[0])
    },

    async pending(query = {}) {
      const { rows } = await db.query<Row>(
        `select ${COLUMNS} from ${t}
         where released_at is null and ($1::text is null or recipient_id = $1)
         order by give_up_at, id limit $2`,
        [query.recipientId ?? null, query.limit ?? 100],
      )
      return rows.map(toRecord)
    },

    async heldRecipients(query = {}) {
      const { rows } = await db.query<{ recipient_id: string }>(
        `select recipient_id from ${t} where released_at is null
         group by recipient_id order by min(give_up_at), recipient_id limit $1`,
        [query.limit ?? 100],
      )
      return rows.map((r) => r.recipient_id)
    },

    async claim(q: ClaimQuery) {
      const { rows } = await db.query<Row>(
        `update ${t} set claimed_by = $1, claim_expires_at = ${ts('$3')},
           attempts = attempts + 1
         where id in (
           select id from ${t}
           where released_at is null
             and (claim_expires_at is null or claim_expires_at <= ${ts('$2')})
             and ($4::text is null or recipient_id = $4)
             and ($5::text[] is null or id = any($5::text[]))
             and ($6::float8 is null or give_up_at <= ${ts('$6')})
           order by give_up_at, id
           limit $7
           for update skip locked)
         returning ${COLUMNS}`,
        [
          q.owner,
          q.now,
          q.now + q.leaseMs,
          q.recipientId ?? null,
          q.ids ? [...q.ids] : null,
          q.dueBy ?? null,
          q.limit ?? 100,
        ],
      )
      return rows.map(toRecord).sort((a, b) => a.giveUpAt - b.giveUpAt || (a.id < b.id ? -1 : 1))
    },

    async release(id, owner, { at, routes }) {
      const { rows } = await db.query<{ id: string }>(
        `update ${t} set released_at = ${ts('$3')}, released_by = $2, released_routes = $4::text[],
           claim_expires_at = null
         where id = $1 and claimed_by = $2 and released_at is null
         returning id`,
        [id, owner, at, [...routes]],
      )
      return rows.length === 1
    },

    async unclaim(id, owner, retryAt) {
      await db.query(
        `update ${t} set claimed_by = null, claim_expires_at = ${ts('$3')}
         where id = $1 and claimed_by = $2 and released_at is null`,
        [id, owner, retryAt],
      )
    },

    async defer(id, owner, { giveUpAt, reason }) {
      const { rows } = await db.query<{ id: string }>(
        `update ${t} set claimed_by = null, claim_expires_at = null, give_up_at = ${ts('$3')},
           reason = $4
         where id = $1 and claimed_by = $2 and released_at is null
         returning id`,
        [id, owner, giveUpAt, reason],
      )
      return rows.length === 1
    },

    async nextWake() {
      const { rows } = await db.query<{ at: number | null }>(
        `select ${ms('min(greatest(give_up_at, coalesce(claim_expires_at, give_up_at)))')} as at
         from ${t} where released_at is null`,
      )
      const at = rows[0]?.at
      return at === null || at === undefined ? undefined : Number(at)
    },

    async pruneReleased(before) {
      const { rows } = await db.query<{ n: number }>(
        `with deleted as (delete from ${t} where released_at < ${ts('$1')} returning 1)
         select count(*)::int as n from deleted`,
        [before],
      )
      return rows[0]?.n ?? 0
    },

    async close() {
      await options.onClose?.()
    },
  }
}
