/**
 * The `PresenceStore` port: where last seen, current status, status transitions, privacy settings
 * and the relationships privacy needs (teams, contacts) are kept. Memory, Postgres and PGlite
 * implement it; `runPresenceStoreContract` (`@wedsync/presence-server/contract`) checks any other.
 */
import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import type { Relationship } from '../privacy/privacy-checker.js'
import type { PresenceSettings, SettingsUpdate } from '../validation/schemas.js'
import type { SessionInputs, StoredSession } from './session-aggregate.js'

export type { SessionInputs, StoredSession }

/**
 * A user's stored presence (the `user_last_seen` row). Times are epoch ms. Status, custom status
 * and activity are the aggregate of the user's live sessions (presence-core's `aggregateMember`,
 * the rule rooms use), recomputed whenever a session reports, leaves or expires.
 */
export interface StoredPresence {
  readonly userId: string
  /** The user's aggregate status. Readers still apply the lease: see `resolvePresence`. */
  readonly status: Status
  readonly lastSeenAt: number
  /** When `status` last changed. */
  readonly statusChangedAt: number
  readonly customStatus?: CustomStatus
  readonly activity?: Activity
}

/**
 * One session's status report. `status`, `customStatus` and `activity` are what old clients send
 * (they become the session's inputs: see `inputsFromReport`); `session` carries the inputs
 * themselves, as the session publishes them in rooms, and then `status` is only what the session
 * shows. The user's stored status is the aggregate of all their live sessions either way.
 */
export interface StatusChange {
  readonly userId: string
  /**
   * What the session shows. `offline` hides the session (appear offline) until it reports again;
   * a session that leaves is ended with `endSession`.
   */
  readonly status: Status
  readonly at: number
  /** Absent: keep the session's one; null: clear it. */
  readonly customStatus?: CustomStatus | null
  readonly activity?: Activity | null
  /**
   * The reporting session (scoped to `userId`: two users' sessions never meet). Absent: the
   * user's one implicit session, which is what clients that send no session id share.
   */
  readonly sessionId?: string
  /** The session's inputs to aggregation (new clients); absent: derived from `status`. */
  readonly session?: SessionInputs
  /** Until when the session counts as live without news. Default `at` + 30 s. */
  readonly leaseUntil?: number
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
  /** Present when the user's status changed (or was recorded for the first time). */
  readonly transition?: StatusEvent
  /** True when the user's (aggregate) custom status changed. */
  readonly customStatusChanged?: boolean
}

/** A heartbeat's session; absent fields as in `StatusChange`. */
export interface HeartbeatOptions {
  readonly sessionId?: string
  readonly leaseUntil?: number
}

/** What one sweep did. */
export interface SweepResult {
  /**
   * Sessions removed: their lease ended more than the grace (`SESSION_GRACE_MS`, 10 minutes)
   * ago. Until then a session past its lease counts for nothing, and a heartbeat revives it.
   */
  readonly expired: number
  /** Users whose aggregate was recomputed. */
  readonly users: number
  /** The users' status transitions the sweep recorded (a user going offline, idle…). */
  readonly transitions: readonly StatusEvent[]
  /** Users whose custom status changed (expired) in this sweep. */
  readonly customStatusChanged: readonly string[]
}

export interface SweepOptions {
  /** Most users recomputed in one call. Default 500. */
  readonly limit?: number
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
 * - `recordStatus` stores the session's report and the user's aggregate over their live sessions
 *   (status, custom status, activity), never moves `lastSeenAt` backwards, and records a
 *   transition exactly when the user's status differs from the stored one (or there was none):
 *   one device going idle while another is online records nothing; concurrent calls for one user
 *   are serialized, so each transition's `from` is the status it replaced;
 * - `recordHeartbeat` only moves `lastSeenAt` forward (a first heartbeat stores `online`) and
 *   renews its session's lease;
 * - `sweepSessions` expires sessions by lease and records the user's transitions, once;
 * - `presenceFor` answers one entry per requested id, in request order, duplicates included;
 * - membership and contact writes are idempotent.
 */
export interface PresenceStore {
  getSettings(userId: string): Promise<PresenceSettings>
  updateSettings(userId: string, patch: SettingsUpdate, at: number): Promise<PresenceSettings>
  recordStatus(change: StatusChange): Promise<RecordStatusResult>
  /**
   * Renews the session's lease (the implicit session without `sessionId`) and last seen. A
   * session past its lease but within the grace comes back with what it last reported; one the
   * store does not hold (never reported, or removed) starts as `online`.
   */
  recordHeartbeat(userId: string, at: number, options?: HeartbeatOptions): Promise<void>
  /**
   * Removes sessions whose lease ended at or before `now` and recomputes the aggregate of every
   * user whose status can change by time alone by `now` (a lease, a custom status's expiry, a
   * calendar's end). Durable: what is due is found in the store, not in memory. Safe to run from
   * several instances at once: a user is recomputed by one of them, and a transition is recorded
   * once. Stores without sessions (before 0.2) may leave it out.
   */
  /**
   * The session left cleanly (a room's leave): it is removed and the user's aggregate recomputed
   * at `at`. Ending a session the store does not hold changes nothing.
   */
  endSession?(userId: string, sessionId: string, at: number): Promise<RecordStatusResult>
  sweepSessions?(now: number, options?: SweepOptions): Promise<SweepResult>
  /**
   * The user's sessions as stored, oldest report first: live ones and those past their lease
   * within the grace (`leaseUntil` tells which).
   */
  sessionsOf?(userId: string): Promise<StoredSession[]>
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
