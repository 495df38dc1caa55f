/**
 * The WebhookStore over SQL (Postgres through pg, or PGlite), tables `presence_webhook_*`
 * (migration 0006). A claim is one UPDATE over rows picked with `for update skip locked`: two
 * instances claiming at once lock disjoint rows and the lease is re-checked under the row lock, so
 * a message is never claimed twice while a lease lasts. Only the first undelivered message of a
 * (subscription, user) queue (by when it happened, then `seq`) is claimable, and it stays
 * undelivered until its claimant marks it delivered, so a later one can never overtake it. `recordSubject` is one upsert that keeps the
 * newer state, so concurrent transitions of one user are serialized by the row.
 */
import type { CustomStatus, Status } from '@wedsync/presence-core'
import { quoteSchema, type SqlClient } from '@wedsync/presence-server'
import type { PauseReason, WebhookEventType, WebhookFilter } from './subscription.js'
import type { SubjectState, WebhookPayload } from './webhook-events.js'
import type {
  ClaimedMessage,
  SubscriptionRecord,
  WebhookMessage,
  WebhookStore,
} from './webhook-store.js'

export interface SqlWebhookStoreOptions {
  readonly client: SqlClient
  /** Schema holding the tables (migrated beforehand). Default `public`. */
  readonly schema?: string
  /** Called by `close()`. */
  readonly onClose?: () => Promise<void>
}

interface SubscriptionRow {
  id: string
  owner_id: string
  url: string
  events: string[]
  team_ids: string[] | null
  room_ids: string[] | null
  user_ids: string[] | null
  description: string | null
  secret: string
  created_at: number
  updated_at: number
  paused_at: number | null
  paused_reason: string | null
  last_error: string | null
}

interface MessageRow {
  seq: string | number
  id: string
  subscription_id: string
  subject_id: string
  event_type: string
  payload: string
  occurred_at: number
  created_at: number
  replay_of: string | null
  attempts: number
  next_attempt_at: number
  delivered_at: number | null
  last_error: string | null
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::float8`
const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`

const SUBSCRIPTION_COLUMNS = `id, owner_id, url, events, team_ids, room_ids, user_ids, description,
  secret, ${ms('created_at')} as created_at, ${ms('updated_at')} as updated_at,
  ${ms('paused_at')} as paused_at, paused_reason, last_error`

// Payload as text, parsed here (drivers differ in how they parse jsonb).
const MESSAGE_COLUMNS = (p: string) => `${p}seq, ${p}id, ${p}subscription_id, ${p}subject_id,
  ${p}event_type, ${p}payload::text as payload, ${ms(`${p}occurred_at`)} as occurred_at,
  ${ms(`${p}created_at`)} as created_at, ${p}replay_of, ${p}attempts,
  ${ms(`${p}next_attempt_at`)} as next_attempt_at, ${ms(`${p}delivered_at`)} as delivered_at,
  ${p}last_error`

function toSubscription(row: SubscriptionRow): SubscriptionRecord {
  const filter: WebhookFilter = {
    ...(row.team_ids ? { teamIds: row.team_ids } : {}),
    ...(row.room_ids ? { roomIds: row.room_ids } : {}),
    ...(row.user_ids ? { userIds: row.user_ids } : {}),
  }
  return {
    id: row.id,
    ownerId: row.owner_id,
    url: row.url,
    events: row.events as WebhookEventType[],
    filter,
    ...(row.description === null ? {} : { description: row.description }),
    secret: row.secret,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.paused_at === null ? {} : { pausedAt: Number(row.paused_at) }),
    ...(row.paused_reason === null ? {} : { pausedReason: row.paused_reason as PauseReason }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
  }
}

function toMessage(row: MessageRow): WebhookMessage {
  return {
    seq: Number(row.seq),
    id: row.id,
    subscriptionId: row.subscription_id,
    subjectId: row.subject_id,
    type: row.event_type as WebhookEventType,
    payload: JSON.parse(row.payload) as WebhookPayload,
    occurredAt: Number(row.occurred_at),
    createdAt: Number(row.created_at),
    ...(row.replay_of === null ? {} : { replayOf: row.replay_of }),
    attempts: Number(row.attempts),
    nextAttemptAt: Number(row.next_attempt_at),
    ...(row.delivered_at === null ? {} : { deliveredAt: Number(row.delivered_at) }),
    ...(row.last_error === null ? {} : { lastError: row.last_error }),
  }
}

interface SubjectRow {
  status: string
  custom: string | null
  at: number
}

function toSubject(userId: string, row: SubjectRow): SubjectState {
  return {
    userId,
    status: row.status as Status,
    customStatus: row.custom === null ? null : (JSON.parse(row.custom) as CustomStatus),
    at: Number(row.at),
  }
}

const orNull = <T>(value: T | undefined) => (value === undefined ? null : value)

export function createSqlWebhookStore(options: SqlWebhookStoreOptions): WebhookStore {
  const db = options.client
  const schema = quoteSchema(options.schema ?? 'public')
  const subs = `${schema}.presence_webhook_subscriptions`
  const subjects = `${schema}.presence_webhook_subjects`
  const outbox = `${schema}.presence_webhook_outbox`

  return {
    async createSubscription(s) {
      await db.query(
        `insert into ${subs} (id, owner_id, url, events, team_ids, room_ids, user_ids, description,
           secret, created_at, updated_at)
         values ($1, $2, $3, $4::text[], $5::text[], $6::text[], $7::text[], $8, $9,
           ${ts('$10')}, ${ts('$11')})`,
        [
          s.id,
          s.ownerId,
          s.url,
          [...s.events],
          s.filter.teamIds ? [...s.filter.teamIds] : null,
          s.filter.roomIds ? [...s.filter.roomIds] : null,
          s.filter.userIds ? [...s.filter.userIds] : null,
          orNull(s.description),
          s.secret,
          s.createdAt,
          s.updatedAt,
        ],
      )
    },

    async getSubscription(id) {
      const { rows } = await db.query<SubscriptionRow>(
        `select ${SUBSCRIPTION_COLUMNS} from ${subs} where id = $1`,
        [id],
      )
      return rows[0] && toSubscription(rows[0])
    },

    async listSubscriptions(ownerId) {
      const { rows } = await db.query<SubscriptionRow>(
        `select ${SUBSCRIPTION_COLUMNS} from ${subs} where owner_id = $1 order by created_at, id`,
        [ownerId],
      )
      return rows.map(toSubscription)
    },

    async updateSubscription(id, patch, at) {
      const filter = patch.filter
      const { rows } = await db.query<SubscriptionRow>(
        `update ${subs} set
           url = coalesce($2, url),
           events = coalesce($3::text[], events),
           team_ids = case when $4 then $5::text[] else team_ids end,
           room_ids = case when $4 then $6::text[] else room_ids end,
           user_ids = case when $4 then $7::text[] else user_ids end,
           description = coalesce($8, description),
           updated_at = ${ts('$9')}
         where id = $1 returning ${SUBSCRIPTION_COLUMNS}`,
        [
          id,
          orNull(patch.url),
          patch.events ? [...patch.events] : null,
          filter !== undefined,
          filter?.teamIds ? [...filter.teamIds] : null,
          filter?.roomIds ? [...filter.roomIds] : null,
          filter?.userIds ? [...filter.userIds] : null,
          orNull(patch.description),
          at,
        ],
      )
      return rows[0] && toSubscription(rows[0])
    },

    async deleteSubscription(id) {
      const { rows } = await db.query(`delete from ${subs} where id = $1 returning id`, [id])
      return rows.length === 1
    },

    async countSubscriptions(ownerId) {
      const { rows } = await db.query<{ n: number }>(
        `select count(*)::int as n from ${subs} where owner_id = $1`,
        [ownerId],
      )
      return Number(rows[0]?.n ?? 0)
    },

    async candidates(userId) {
      const { rows } = await db.query<SubscriptionRow>(
        `select ${SUBSCRIPTION_COLUMNS} from ${subs}
         where user_ids is null or $1 = any(user_ids) order by id`,
        [userId],
      )
      return rows.map(toSubscription)
    },

    async pause(id, { at, reason, error }) {
      const { rows } = await db.query(
        `update ${subs} set paused_at = coalesce(paused_at, ${ts('$2')}),
           paused_reason = coalesce(paused_reason, $3),
           last_error = case when paused_at is null then $4 else last_error end
         where id = $1 returning id`,
        [id, at, reason, orNull(error)],
      )
      return rows.length === 1
    },

    async resume(id, at) {
      // Messages first: were the subscription unpaused first, a claim could take a message
      // between the two statements and this would then hand it out again.
      await db.query(
        `update ${outbox} set attempts = 0, next_attempt_at = ${ts('$2')}
         where subscription_id = $1 and delivered_at is null
           and (claim_expires_at is null or claim_expires_at <= ${ts('$2')})`,
        [id, at],
      )
      const { rows } = await db.query(
        `update ${subs} set paused_at = null, paused_reason = null, last_error = null,
           updated_at = ${ts('$2')}
         where id = $1 returning id`,
        [id, at],
      )
      return rows.length === 1
    },

    async recordSubject(state) {
      const custom = state.customStatus ? JSON.stringify(state.customStatus) : null
      const keepCustom = state.customStatus === undefined
      // A first state: stored as is. Two first states at once: one inserts, the other finds the
      // row (after the first commits) and goes on below with it as the state before.
      const inserted = await db.query(
        `insert into ${subjects} (user_id, status, custom_status, at)
         values ($1, $2, $3::jsonb, ${ts('$4')}) on conflict (user_id) do nothing returning 1`,
        [state.userId, state.status, custom, state.at],
      )
      if (inserted.rows.length === 1) return { stale: false }
      // The row locked (`for update` waits for a concurrent update and reads its result), replaced
      // when not newer than this state; `old` is what it replaced.
      const { rows } = await db.query<SubjectRow>(
        `update ${subjects} s set status = $2, at = ${ts('$4')},
           custom_status = case when $5 then s.custom_status else $3::jsonb end
         from (select user_id, status, custom_status::text as custom, ${ms('at')} as at
               from ${subjects} where user_id = $1 for update) old
         where s.user_id = old.user_id and old.at <= $4::float8
         returning old.status, old.custom, old.at`,
        [state.userId, state.status, custom, state.at, keepCustom],
      )
      if (rows[0]) return { previous: toSubject(state.userId, rows[0]), stale: false }
      const current = await db.query<SubjectRow>(
        `select status, custom_status::text as custom, ${ms('at')} as at
         from ${subjects} where user_id = $1`,
        [state.userId],
      )
      return current.rows[0]
        ? { previous: toSubject(state.userId, current.rows[0]), stale: true }
        : { stale: true }
    },

    async listSubjects({ after, limit }) {
      const { rows } = await db.query<SubjectRow & { user_id: string }>(
        `select user_id, status, custom_status::text as custom, ${ms('at')} as at
         from ${subjects} where $1::text is null or user_id collate "C" > $1::text collate "C"
         order by user_id collate "C" limit $2`,
        [after ?? null, limit],
      )
      return rows.map((row) => toSubject(row.user_id, row))
    },

    async enqueue(messages) {
      if (messages.length === 0) return
      await db.query(
        `insert into ${outbox} (id, subscription_id, subject_id, event_type, payload, occurred_at,
           created_at, replay_of, next_attempt_at)
         select m.id, m.subscription_id, m.subject_id, m.event_type, m.payload,
           ${ts('m.occurred_at')}, ${ts('m.created_at')}, m.replay_of, ${ts('m.created_at')}
         from jsonb_to_recordset($1::jsonb) as m(id text, subscription_id text, subject_id text,
           event_type text, payload jsonb, occurred_at float8, created_at float8, replay_of text,
           ord int)
         order by m.ord`,
        [
          JSON.stringify(
            messages.map((m, ord) => ({
              id: m.id,
              subscription_id: m.subscriptionId,
              subject_id: m.subjectId,
              event_type: m.type,
              payload: m.payload,
              occurred_at: m.occurredAt,
              created_at: m.createdAt,
              replay_of: m.replayOf ?? null,
              ord,
            })),
          ),
        ],
      )
    },

    async claim({ owner, now, leaseMs, limit = 100 }) {
      const { rows } = await db.query<MessageRow & { url: string; secret: string }>(
        `with claimed as (
           update ${outbox} set claimed_by = $1, claim_expires_at = ${ts('$3')},
             attempts = attempts + 1
           where seq in (
             select o.seq from ${outbox} o join ${subs} s on s.id = o.subscription_id
             where o.delivered_at is null and s.paused_at is null
               and o.next_attempt_at <= ${ts('$2')}
               and (o.claim_expires_at is null or o.claim_expires_at <= ${ts('$2')})
               and not exists (
                 select 1 from ${outbox} p
                 where p.subscription_id = o.subscription_id and p.subject_id = o.subject_id
                   and p.delivered_at is null
                   and (p.occurred_at, p.seq) < (o.occurred_at, o.seq))
             order by o.seq
             limit $4
             for update of o skip locked)
           returning *)
         select ${MESSAGE_COLUMNS('c.')}, s.url, s.secret
         from claimed c join ${subs} s on s.id = c.subscription_id order by c.seq`,
        [owner, now, now + leaseMs, limit],
      )
      return rows.map(
        (row): ClaimedMessage => ({ ...toMessage(row), url: row.url, secret: row.secret }),
      )
    },

    async delivered(seq, owner, at) {
      const { rows } = await db.query(
        `update ${outbox} set delivered_at = ${ts('$3')}, claimed_by = null,
           claim_expires_at = null, last_error = null
         where seq = $1 and claimed_by = $2 and delivered_at is null returning seq`,
        [seq, owner, at],
      )
      return rows.length === 1
    },

    async failed(seq, owner, { nextAttemptAt, error }) {
      const { rows } = await db.query(
        `update ${outbox} set next_attempt_at = ${ts('$3')}, last_error = $4, claimed_by = null,
           claim_expires_at = null
         where seq = $1 and claimed_by = $2 and delivered_at is null returning seq`,
        [seq, owner, nextAttemptAt, error],
      )
      return rows.length === 1
    },

    async messages(subscriptionId, query = {}) {
      const { rows } = await db.query<MessageRow>(
        `select ${MESSAGE_COLUMNS('')} from ${outbox}
         where subscription_id = $1 and ($2::text[] is null or id = any($2::text[]))
           and ($3::float8 is null or occurred_at >= ${ts('$3')})
           and ($4::float8 is null or occurred_at < ${ts('$4')})
         order by seq limit $5`,
        [
          subscriptionId,
          query.ids ? [...query.ids] : null,
          orNull(query.from),
          orNull(query.to),
          query.limit ?? 1_000,
        ],
      )
      return rows.map(toMessage)
    },

    async nextDue() {
      const { rows } = await db.query<{ at: number | null }>(
        `select ${ms('min(greatest(o.next_attempt_at, coalesce(o.claim_expires_at, o.next_attempt_at)))')} as at
         from ${outbox} o join ${subs} s on s.id = o.subscription_id
         where o.delivered_at is null and s.paused_at is null
           and not exists (
             select 1 from ${outbox} p
             where p.subscription_id = o.subscription_id and p.subject_id = o.subject_id
               and p.delivered_at is null
               and (p.occurred_at, p.seq) < (o.occurred_at, o.seq))`,
      )
      const at = rows[0]?.at
      return at === null || at === undefined ? undefined : Number(at)
    },

    async stats() {
      const { rows } = await db.query<{
        active: number
        paused: number
        pending: number
        oldest: number | null
      }>(
        `select
           (select count(*)::int from ${subs} where paused_at is null) as active,
           (select count(*)::int from ${subs} where paused_at is not null) as paused,
           (select count(*)::int from ${outbox} where delivered_at is null) as pending,
           (select ${ms('min(created_at)')} from ${outbox} where delivered_at is null) as oldest`,
      )
      const row = rows[0]!
      return {
        activeSubscriptions: Number(row.active),
        pausedSubscriptions: Number(row.paused),
        pending: Number(row.pending),
        ...(row.oldest === null ? {} : { oldestPendingAt: Number(row.oldest) }),
      }
    },

    async pruneDelivered(before) {
      const { rows } = await db.query<{ n: number }>(
        `with deleted as (delete from ${outbox} where delivered_at < ${ts('$1')} returning 1)
         select count(*)::int as n from deleted`,
        [before],
      )
      return Number(rows[0]?.n ?? 0)
    },

    async ping() {
      await db.query('select 1')
    },

    async close() {
      await options.onClose?.()
    },
  }
}
