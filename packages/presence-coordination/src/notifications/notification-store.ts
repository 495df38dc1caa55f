/**
 * The `NotificationStore` port: where the notification router keeps notifications it holds until
 * their recipient is available, so a restart loses none. Release is claim → deliver → mark
 * released: a claim is exclusive for its lease, so two router instances never deliver the same
 * notification at once. Memory here; Postgres/PGlite in notification-store-sql.ts;
 * `runNotificationStoreContract` checks any other.
 */
import type { DeliveryRoute, Urgency } from './routing-rules.js'

export type HoldReason = 'busy' | 'quiet-hours'

/** A held notification as stored. Times are epoch ms; `payload` is the app's JSON. */
export interface HeldNotification {
  readonly id: string
  readonly recipientId: string
  readonly urgency: Urgency
  readonly reason: HoldReason
  readonly payload: unknown
  readonly createdAt: number
  /** When the router stops waiting and delivers by the recipient's status then. */
  readonly giveUpAt: number
}

/** A stored notification with its delivery bookkeeping. */
export interface NotificationRecord extends HeldNotification {
  /** How many times it was claimed. */
  readonly attempts: number
  readonly releasedAt?: number
  readonly releasedBy?: string
  readonly releasedRoutes?: readonly DeliveryRoute[]
}

export interface ClaimQuery {
  /** Who claims: one id per router instance. */
  readonly owner: string
  readonly now: number
  /** How long the claim stays exclusive (the time delivery may take). */
  readonly leaseMs: number
  readonly recipientId?: string
  readonly ids?: readonly string[]
  /** Only rows whose give-up deadline is at or before this. */
  readonly dueBy?: number
  /** Default 100. */
  readonly limit?: number
}

/**
 * Guarantees every implementation gives (checked by the contract suite):
 * - `hold` is idempotent by id: a second hold of the same id changes nothing and returns false;
 * - `claim` returns only pending rows (never released) that no live claim holds, matching every
 *   filter given, deadline first; rows it returns are claimed by `owner` until `now + leaseMs`, and
 *   concurrent claims never return the same row twice while a lease lasts;
 * - `release` succeeds (true) only for the owner of the current claim of a pending row, once;
 * - `unclaim` gives the owner's claim back: the row is claimable again from `retryAt`;
 * - `defer` gives the owner's claim back with a new deadline and reason (held longer);
 * - `nextWake` is the earliest instant at which a pending row can be claimed for its deadline;
 * - `pending` lists pending rows (claimed or not), deadline first;
 * - `heldRecipients` lists each recipient with a pending row once, earliest deadline first, so a
 *   router can look at who is available now (a status change whose hook never ran, a crash).
 */
export interface NotificationStore {
  hold(notification: HeldNotification): Promise<boolean>
  get(id: string): Promise<NotificationRecord | undefined>
  pending(query?: {
    readonly recipientId?: string
    readonly limit?: number
  }): Promise<NotificationRecord[]>
  /** Distinct recipients with pending rows (claimed or not), earliest deadline first. Default 100. */
  heldRecipients(query?: { readonly limit?: number }): Promise<string[]>
  claim(query: ClaimQuery): Promise<NotificationRecord[]>
  release(
    id: string,
    owner: string,
    release: { readonly at: number; readonly routes: readonly DeliveryRoute[] },
  ): Promise<boolean>
  unclaim(id: string, owner: string, retryAt: number): Promise<void>
  defer(
    id: string,
    owner: string,
    hold: { readonly giveUpAt: number; readonly reason: HoldReason },
  ): Promise<boolean>
  nextWake(): Promise<number | undefined>
  /** Deletes rows released before `before` (retention); returns how many. */
  pruneReleased(before: number): Promise<number>
  close(): Promise<void>
}

interface MemoryRow {
  record: NotificationRecord
  claimedBy?: string | undefined
  claimExpiresAt?: number | undefined
}

const byDeadline = (a: MemoryRow, b: MemoryRow) =>
  a.record.giveUpAt - b.record.giveUpAt || (a.record.id < b.record.id ? -1 : 1)

/** For tests and single-process apps: held notifications are lost when the process ends. */
export function createMemoryNotificationStore(): NotificationStore {
  const rows = new Map<string, MemoryRow>()
  const pendingRows = () =>
    [...rows.values()].filter((r) => r.record.releasedAt === undefined).sort(byDeadline)

  return {
    async hold(notification) {
      if (rows.has(notification.id)) return false
      rows.set(notification.id, { record: { ...notification, attempts: 0 } })
      return true
    },
    async get(id) {
      return rows.get(id)?.record
    },
    async pending(query = {}) {
      return pendingRows()
        .filter(
          (r) => query.recipientId === undefined || r.record.recipientId === query.recipientId,
        )
        .slice(0, query.limit ?? 100)
        .map((r) => r.record)
    },
    async heldRecipients(query = {}) {
      const seen = new Set<string>()
      for (const row of pendingRows()) seen.add(row.record.recipientId)
      return [...seen].slice(0, query.limit ?? 100)
    },
    async claim(query) {
      const ids = query.ids ? new Set(query.ids) : undefined
      const claimed = pendingRows()
        .filter(
          (r) =>
            (r.claimExpiresAt === undefined || r.claimExpiresAt <= query.now) &&
            (query.recipientId === undefined || r.record.recipientId === query.recipientId) &&
            (ids === undefined || ids.has(r.record.id)) &&
            (query.dueBy === undefined || r.record.giveUpAt <= query.dueBy),
        )
        .slice(0, query.limit ?? 100)
      for (const row of claimed) {
        row.claimedBy = query.owner
        row.claimExpiresAt = query.now + query.leaseMs
        row.record = { ...row.record, attempts: row.record.attempts + 1 }
      }
      return claimed.map((r) => r.record)
    },
    async release(id, owner, { at, routes }) {
      const row = rows.get(id)
      if (!row || row.record.releasedAt !== undefined || row.claimedBy !== owner) return false
      row.record = { ...row.record, releasedAt: at, releasedBy: owner, releasedRoutes: [...routes] }
      return true
    },
    async unclaim(id, owner, retryAt) {
      const row = rows.get(id)
      if (!row || row.claimedBy !== owner || row.record.releasedAt !== undefined) return
      row.claimedBy = undefined
      row.claimExpiresAt = retryAt
    },
    async defer(id, owner, { giveUpAt, reason }) {
      const row = rows.get(id)
      if (!row || row.claimedBy !== owner || row.record.releasedAt !== undefined) return false
      row.claimedBy = undefined
      row.claimExpiresAt = undefined
      row.record = { ...row.record, giveUpAt, reason }
      return true
    },
    async nextWake() {
      let next: number | undefined
      for (const row of pendingRows()) {
        const at = Math.max(row.record.giveUpAt, row.claimExpiresAt ?? -Infinity)
        if (next === undefined || at < next) next = at
      }
      return next
    },
    async pruneReleased(before) {
      let removed = 0
      for (const [id, row] of rows)
        if (row.record.releasedAt !== undefined && row.record.releasedAt < before) {
          rows.delete(id)
          removed++
        }
      return removed
    },
    async close() {},
  }
}
