/**
 * The `WebhookStore` port: subscriptions (with their secrets), the last presence state the
 * outbox recorded per user, and the outbox of messages to deliver. Memory here; Postgres/PGlite
 * in webhook-store-sql.ts; `runWebhookStoreContract` checks any other.
 *
 * Order per user: a message is claimable only when it is the first undelivered message of its
 * (subscription, user) queue — by `occurredAt`, then `seq` — so a receiver gets one user's events
 * in the order they happened, retries included, even when two transitions' messages were
 * enqueued the other way round (two instances fanning out at once). A paused subscription's messages are kept, never claimed, until it resumes.
 */

import type {
  PauseReason,
  WebhookEventType,
  WebhookFilter,
  WebhookSubscription,
} from './subscription.js'
import type { SubjectState, WebhookPayload } from './webhook-events.js'

/** A user's new state; `customStatus` absent keeps the stored one. */
export interface SubjectUpdate {
  readonly userId: string
  readonly status: SubjectState['status']
  readonly customStatus?: SubjectState['customStatus']
  readonly at: number
}

/** A subscription as stored: with its signing secret. */
export interface SubscriptionRecord extends WebhookSubscription {
  readonly secret: string
}

export interface SubscriptionPatch {
  readonly url?: string
  readonly events?: readonly WebhookEventType[]
  readonly filter?: WebhookFilter
  readonly description?: string
}

/** A message to deliver, as enqueued. */
export interface NewMessage {
  /** The event id (`webhook-id`); a replay reuses the original's. */
  readonly id: string
  readonly subscriptionId: string
  /** The user the event is about: the ordering key. */
  readonly subjectId: string
  readonly type: WebhookEventType
  readonly payload: WebhookPayload
  /** When the transition happened (epoch ms). */
  readonly occurredAt: number
  readonly createdAt: number
  /** The id of the message this one replays. */
  readonly replayOf?: string
}

/** A stored message with its delivery bookkeeping. `seq` orders messages globally. */
export interface WebhookMessage extends NewMessage {
  readonly seq: number
  /** Attempts started (claims). */
  readonly attempts: number
  readonly nextAttemptAt: number
  readonly deliveredAt?: number
  readonly lastError?: string
}

/** A claimed message, with what delivery needs of its subscription. */
export interface ClaimedMessage extends WebhookMessage {
  readonly url: string
  readonly secret: string
}

export interface OutboxStats {
  readonly activeSubscriptions: number
  readonly pausedSubscriptions: number
  /** Messages not yet delivered (paused subscriptions' included). */
  readonly pending: number
  /** The oldest undelivered message's `createdAt`. */
  readonly oldestPendingAt?: number
}

export interface MessageQuery {
  readonly ids?: readonly string[]
  /** Inclusive, on `occurredAt`. */
  readonly from?: number
  /** Exclusive, on `occurredAt`. */
  readonly to?: number
  /** Default 1,000. */
  readonly limit?: number
}

/**
 * Guarantees every implementation gives (checked by the contract suite):
 * - subscription reads never cross owners: `listSubscriptions(owner)` lists that owner's only,
 *   oldest first; deleting one deletes its messages;
 * - `recordSubject` returns the state it replaced and stores the new one (keeping the stored custom
 *   status when the update has none), unless the stored one is newer (`stale`, nothing stored);
 *   concurrent calls for one user are serialized: each sees the state the other left;
 * - `listSubjects` pages the recorded states by user id (ascending, strictly after `after`);
 * - `candidates(userId)` returns every subscription (paused too) whose user filter admits the
 *   user; team and room filters are left to the caller;
 * - `claim` returns due messages (`nextAttemptAt <= now`) of unpaused subscriptions that no live
 *   claim holds and that are the first undelivered of their (subscription, user) queue by
 *   (`occurredAt`, `seq`), in `seq` order, at most `limit`; each is claimed by `owner` until `now + leaseMs` and its `attempts` is
 *   one more; concurrent claims never return one message twice while a lease lasts;
 * - `delivered`/`failed` succeed only for the owner of the current claim of an undelivered message;
 *   `failed` gives the claim back with the next attempt's time;
 * - `pause` stops claims of the subscription; `resume` restarts them with every undelivered
 *   message due at once and its attempts at zero;
 * - `messages` lists a subscription's messages by `seq`.
 */
export interface WebhookStore {
  createSubscription(record: SubscriptionRecord): Promise<void>
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>
  listSubscriptions(ownerId: string): Promise<SubscriptionRecord[]>
  updateSubscription(
    id: string,
    patch: SubscriptionPatch,
    at: number,
  ): Promise<SubscriptionRecord | undefined>
  deleteSubscription(id: string): Promise<boolean>
  countSubscriptions(ownerId: string): Promise<number>
  candidates(userId: string): Promise<SubscriptionRecord[]>
  pause(id: string, pause: { at: number; reason: PauseReason; error?: string }): Promise<boolean>
  resume(id: string, at: number): Promise<boolean>

  recordSubject(
    state: SubjectUpdate,
  ): Promise<{ readonly previous?: SubjectState; readonly stale: boolean }>
  /** Recorded subjects by user id, those after `after`, at most `limit` (a page). */
  listSubjects(page: { readonly after?: string; readonly limit: number }): Promise<SubjectState[]>

  enqueue(messages: readonly NewMessage[]): Promise<void>
  claim(query: {
    readonly owner: string
    readonly now: number
    readonly leaseMs: number
    readonly limit?: number
  }): Promise<ClaimedMessage[]>
  delivered(seq: number, owner: string, at: number): Promise<boolean>
  failed(
    seq: number,
    owner: string,
    failure: { readonly nextAttemptAt: number; readonly error: string },
  ): Promise<boolean>
  messages(subscriptionId: string, query?: MessageQuery): Promise<WebhookMessage[]>
  /** The earliest instant a message of an unpaused subscription becomes claimable. */
  nextDue(): Promise<number | undefined>
  stats(): Promise<OutboxStats>
  /** Deletes messages delivered before `before` (retention); returns how many. */
  pruneDelivered(before: number): Promise<number>
  ping(): Promise<void>
  close(): Promise<void>
}

interface MemoryMessage {
  message: WebhookMessage
  claimedBy?: string | undefined
  claimExpiresAt?: number | undefined
}

const userAdmits = (s: SubscriptionRecord, userId: string) =>
  !s.filter.userIds || s.filter.userIds.includes(userId)

/** For tests and single-process apps: everything is lost when the process ends. */
export function createMemoryWebhookStore(): WebhookStore {
  const subscriptions = new Map<string, SubscriptionRecord>()
  const subjects = new Map<string, SubjectState>()
  const outbox: MemoryMessage[] = [] // seq order
  let seq = 0

  const undelivered = () => outbox.filter((m) => m.message.deliveredAt === undefined)
  const before = (a: WebhookMessage, b: WebhookMessage) =>
    a.occurredAt < b.occurredAt || (a.occurredAt === b.occurredAt && a.seq < b.seq)
  const isHead = (row: MemoryMessage) =>
    !outbox.some(
      (o) =>
        before(o.message, row.message) &&
        o.message.deliveredAt === undefined &&
        o.message.subscriptionId === row.message.subscriptionId &&
        o.message.subjectId === row.message.subjectId,
    )
  const active = (id: string) => {
    const s = subscriptions.get(id)
    return s !== undefined && s.pausedAt === undefined
  }
  const owned = (seqNo: number, owner: string) => {
    const row = outbox.find((m) => m.message.seq === seqNo)
    return row && row.claimedBy === owner && row.message.deliveredAt === undefined ? row : undefined
  }

  return {
    async createSubscription(record) {
      if (subscriptions.has(record.id)) throw new Error(`subscription ${record.id} exists`)
      subscriptions.set(record.id, record)
    },
    async getSubscription(id) {
      return subscriptions.get(id)
    },
    async listSubscriptions(ownerId) {
      return [...subscriptions.values()]
        .filter((s) => s.ownerId === ownerId)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    },
    async updateSubscription(id, patch, at) {
      const s = subscriptions.get(id)
      if (!s) return undefined
      const next: SubscriptionRecord = { ...s, ...patch, updatedAt: at }
      subscriptions.set(id, next)
      return next
    },
    async deleteSubscription(id) {
      if (!subscriptions.delete(id)) return false
      for (let i = outbox.length - 1; i >= 0; i--)
        if (outbox[i]!.message.subscriptionId === id) outbox.splice(i, 1)
      return true
    },
    async countSubscriptions(ownerId) {
      return [...subscriptions.values()].filter((s) => s.ownerId === ownerId).length
    },
    async candidates(userId) {
      return [...subscriptions.values()]
        .filter((s) => userAdmits(s, userId))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
    },
    async pause(id, { at, reason, error }) {
      const s = subscriptions.get(id)
      if (!s) return false
      if (s.pausedAt !== undefined) return true
      const { lastError: _, ...rest } = s
      subscriptions.set(id, {
        ...rest,
        pausedAt: at,
        pausedReason: reason,
        ...(error === undefined ? {} : { lastError: error }),
      })
      return true
    },
    async resume(id, at) {
      const s = subscriptions.get(id)
      if (!s) return false
      const { pausedAt: _a, pausedReason: _r, lastError: _e, ...rest } = s
      subscriptions.set(id, { ...rest, updatedAt: at })
      // A live claim is left alone: its holder is delivering the message now.
      for (const row of outbox)
        if (
          row.message.subscriptionId === id &&
          row.message.deliveredAt === undefined &&
          (row.claimExpiresAt === undefined || row.claimExpiresAt <= at)
        )
          row.message = { ...row.message, attempts: 0, nextAttemptAt: at }
      return true
    },

    async recordSubject(state) {
      const previous = subjects.get(state.userId)
      if (previous && previous.at > state.at) return { previous, stale: true }
      subjects.set(state.userId, {
        userId: state.userId,
        status: state.status,
        customStatus:
          state.customStatus === undefined ? (previous?.customStatus ?? null) : state.customStatus,
        at: state.at,
      })
      return previous ? { previous, stale: false } : { stale: false }
    },

    async listSubjects({ after, limit }) {
      return [...subjects.values()]
        .filter((s) => after === undefined || s.userId > after)
        .sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))
        .slice(0, limit)
    },

    async enqueue(messages) {
      for (const m of messages)
        outbox.push({ message: { ...m, seq: ++seq, attempts: 0, nextAttemptAt: m.createdAt } })
    },
    async claim({ owner, now, leaseMs, limit = 100 }) {
      const claimed: ClaimedMessage[] = []
      for (const row of undelivered()) {
        if (claimed.length >= limit) break
        const m = row.message
        if (m.nextAttemptAt > now || !active(m.subscriptionId)) continue
        if (row.claimExpiresAt !== undefined && row.claimExpiresAt > now) continue
        if (!isHead(row)) continue
        row.claimedBy = owner
        row.claimExpiresAt = now + leaseMs
        row.message = { ...m, attempts: m.attempts + 1 }
        const s = subscriptions.get(m.subscriptionId)!
        claimed.push({ ...row.message, url: s.url, secret: s.secret })
      }
      return claimed
    },
    async delivered(seqNo, owner, at) {
      const row = owned(seqNo, owner)
      if (!row) return false
      const { lastError: _, ...rest } = row.message
      row.message = { ...rest, deliveredAt: at }
      row.claimedBy = undefined
      row.claimExpiresAt = undefined
      return true
    },
    async failed(seqNo, owner, { nextAttemptAt, error }) {
      const row = owned(seqNo, owner)
      if (!row) return false
      row.message = { ...row.message, nextAttemptAt, lastError: error }
      row.claimedBy = undefined
      row.claimExpiresAt = undefined
      return true
    },
    async messages(subscriptionId, query = {}) {
      const ids = query.ids ? new Set(query.ids) : undefined
      return outbox
        .map((r) => r.message)
        .filter(
          (m) =>
            m.subscriptionId === subscriptionId &&
            (ids === undefined || ids.has(m.id)) &&
            (query.from === undefined || m.occurredAt >= query.from) &&
            (query.to === undefined || m.occurredAt < query.to),
        )
        .slice(0, query.limit ?? 1_000)
    },
    async nextDue() {
      let next: number | undefined
      for (const row of undelivered()) {
        if (!active(row.message.subscriptionId) || !isHead(row)) continue
        const at = Math.max(row.message.nextAttemptAt, row.claimExpiresAt ?? -Infinity)
        if (next === undefined || at < next) next = at
      }
      return next
    },
    async stats() {
      const subs = [...subscriptions.values()]
      const pending = undelivered()
      const oldest = pending.reduce<number | undefined>(
        (min, r) => (min === undefined || r.message.createdAt < min ? r.message.createdAt : min),
        undefined,
      )
      return {
        activeSubscriptions: subs.filter((s) => s.pausedAt === undefined).length,
        pausedSubscriptions: subs.filter((s) => s.pausedAt !== undefined).length,
        pending: pending.length,
        ...(oldest === undefined ? {} : { oldestPendingAt: oldest }),
      }
    },
    async pruneDelivered(before) {
      let removed = 0
      for (let i = outbox.length - 1; i >= 0; i--) {
        const at = outbox[i]!.message.deliveredAt
        if (at !== undefined && at < before) {
          outbox.splice(i, 1)
          removed++
        }
      }
      return removed
    },
    async ping() {},
    async close() {},
  }
}
