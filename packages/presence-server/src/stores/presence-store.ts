/**
 * The `PresenceStore` port: where last seen, current status, status transitions, privacy settings
 * and the relationships privacy needs (teams, contacts) are kept. Memory, Postgres and PGlite
 * implement it; `runPresenceStoreContract` (`@wedsync/presence-server/contract`) checks any other.
 */
import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import type { Relationship } from '../privacy/privacy-checker.js'
import type { PresenceSettings, SettingsUpdate } from '../validation/schemas.js'

/** A user's stored presence (the `user_last_seen` row). Times are epoch ms. */
export interface StoredPresence {
  readonly userId: string
  /** The status the user last reported. Readers apply the lease: see `resolvePresence`. */
  readonly status: Status
  readonly lastSeenAt: number
  /** When `status` last changed. */
  readonly statusChangedAt: number
  readonly customStatus?: CustomStatus
  readonly activity?: Activity
}

export interface StatusChange {
  readonly userId: string
  readonly status: Status
  readonly at: number
  /** Absent: keep the stored one; null: clear it. */
  readonly customStatus?: CustomStatus | null
  readonly activity?: Activity | null
  /**
   * Wall-clock time (`Date.now()`, not the handlers' clock) after which the update must not be
   * applied: its request has been answered 503 by then. The handlers set it to the store
   * deadline. A store refuses the update (rejects) rather than apply it later; the SQL stores
   * compare it with the database's clock when the statement runs, so an update that reaches the
   * database only after a stall is refused there. Absent: no deadline.
   */
  readonly notAfter?: number
}

/** What a store rejects a status update with when it is past its `notAfter`. */
export function pastDeadline(notAfter: number): Error {
  return new Error(`status update past its deadline (${new Date(notAfter).toISOString()})`)
}

/** One status transition, kept for insights (`presence_events`). `from` is null for the first. */
export interface StatusEvent {
  readonly userId: string
  readonly from: Status | null
  readonly to: Status
  readonly at: number
}

export interface RecordStatusResult {
  readonly presence: StoredPresence
  /** Present when the status changed (or was recorded for the first time). */
  readonly transition?: StatusEvent
}

/** What the privacy checker needs about one target, from one viewer's point of view. */
export interface TargetPresence extends Relationship {
  readonly userId: string
  /** The target's settings; the defaults when they never saved any. */
  readonly settings: PresenceSettings
  /** Absent when the user was never seen. */
  readonly presence?: StoredPresence
}

export interface TeamMember {
  readonly teamId: string
  readonly userId: string
  readonly role?: string
}

export interface EventQuery {
  /** Inclusive lower bound, epoch ms. */
  readonly since?: number
  /** Exclusive upper bound, epoch ms. */
  readonly until?: number
  /** Most events returned (oldest first). Default 1,000. */
  readonly limit?: number
}

/**
 * Guarantees every implementation gives (checked by the contract suite):
 * - settings reads return the defaults until a user saves settings; `updateSettings` merges the
 *   patch atomically and the next read returns the result;
 * - `recordStatus` stores status, custom status and activity, never moves `lastSeenAt` backwards,
 *   and records a transition exactly when the status differs from the stored one (or there was
 *   none); concurrent calls for one user are serialized, so each transition's `from` is the
 *   status it replaced;
 * - `recordHeartbeat` only moves `lastSeenAt` forward (a first heartbeat stores `online`);
 * - `presenceFor` answers one entry per requested id, in request order, duplicates included;
 * - membership and contact writes are idempotent.
 */
export interface PresenceStore {
  getSettings(userId: string): Promise<PresenceSettings>
  updateSettings(userId: string, patch: SettingsUpdate, at: number): Promise<PresenceSettings>
  recordStatus(change: StatusChange): Promise<RecordStatusResult>
  recordHeartbeat(userId: string, at: number): Promise<void>
  presenceFor(viewerId: string, userIds: readonly string[]): Promise<TargetPresence[]>
  /** Members ordered by user id. */
  teamMembers(teamId: string): Promise<TeamMember[]>
  addTeamMember(member: TeamMember): Promise<void>
  removeTeamMember(teamId: string, userId: string): Promise<void>
  /** `userId` adds `contactId` to their contacts (one direction). */
  addContact(userId: string, contactId: string): Promise<void>
  removeContact(userId: string, contactId: string): Promise<void>
  statusEvents(userId: string, query?: EventQuery): Promise<StatusEvent[]>
  /** Deletes transitions older than `before` (retention); returns how many. */
  pruneEvents(before: number): Promise<number>
  /** Resolves when the store answers; rejects otherwise (health check). */
  ping(): Promise<void>
  close(): Promise<void>
}
