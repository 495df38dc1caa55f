/**
 * The presence vocabulary (DESIGN.md §2 glossary). Every value here is plain data: snapshots and
 * members are immutable and may be shared between snapshots (structural sharing).
 */

/** What a person is, as everyone else sees it. */
export type Status = 'online' | 'idle' | 'away' | 'busy' | 'offline'

/** What a single session derives from its own input and visibility. */
export type AutomaticStatus = 'online' | 'idle' | 'away'

/** What a user can set by hand; `null` means "automatic again". */
export type ManualStatus = 'busy' | 'away'

export const STATUSES: readonly Status[] = ['online', 'idle', 'away', 'busy', 'offline']

/** What the person is doing and where: `viewing` the `timeline` of wedding `123`. */
export interface Activity {
  readonly action: string
  readonly target?: string
  readonly weddingId?: string
  readonly page?: string
}

/** Text + emoji with an optional expiry ("At a venue until 15:00"). Times are epoch ms. */
export interface CustomStatus {
  readonly text: string
  readonly emoji?: string
  readonly expiresAt?: number
}

/** How a person appears to others: shown on the board next to their status. */
export interface Profile {
  readonly name?: string
  readonly role?: string
  readonly avatarUrl?: string
}

/** A busy window from the user's calendar (set by the calendar feature, not by hand). */
export interface CalendarBusy {
  readonly text: string
  readonly until: number
}

/**
 * One session of a member as an observer sees it. Only what a person can see: transport refs and
 * lease times stay inside the room state, so a heartbeat that changes nothing visible gives no update.
 */
export interface SessionPresence {
  readonly sessionId: string
  readonly status: AutomaticStatus
  readonly activity?: Activity
}

/** A user in a room: derived from all their sessions (DESIGN rule 2). */
export interface MemberPresence {
  readonly userId: string
  readonly status: Status
  readonly manualStatus?: ManualStatus
  readonly customStatus?: CustomStatus
  readonly calendar?: CalendarBusy
  readonly activity?: Activity
  readonly profile?: Profile
  /** Latest input across all sessions (observer clock), or when they were last seen here. */
  readonly lastActiveAt?: number
  readonly sessions: readonly SessionPresence[]
}

/** The immutable state of a room that UIs read. */
export interface RoomSnapshot {
  readonly roomId: string
  /** Increases by one for every snapshot that differs from the previous one. */
  readonly version: number
  /** Number of members known in the room, offline ones included. */
  readonly size: number
  /** Members per status. */
  readonly counts: Readonly<Record<Status, number>>
  member(userId: string): MemberPresence | undefined
  has(userId: string): boolean
  /** Members in no particular order. Cheap: no array is built. */
  values(): IterableIterator<MemberPresence>
  [Symbol.iterator](): IterableIterator<MemberPresence>
  /** All members sorted by user id; built once per snapshot on first call. */
  toArray(): readonly MemberPresence[]
}

/** What differs between two snapshots. */
export interface RoomChange {
  /** Members who came online (were absent or offline). */
  readonly joined: readonly MemberPresence[]
  /** Members who went offline (their last session left or expired). */
  readonly left: readonly MemberPresence[]
  /** Members still present whose presence changed. */
  readonly updated: readonly MemberPresence[]
}

/** The client's own presence, as it publishes it. */
export interface SelfPresence {
  readonly userId: string
  readonly sessionId: string
  readonly status: Status
  readonly automaticStatus: AutomaticStatus
  readonly manualStatus?: ManualStatus
  readonly customStatus?: CustomStatus
  readonly calendar?: CalendarBusy
  readonly activity?: Activity
  readonly lastInputAt: number
  readonly hidden: boolean
  /** True while privacy settings keep this session from publishing anything. */
  readonly appearOffline: boolean
}

/** What a client publishes about itself (enforced where data leaves: DESIGN §2, SPEC 7). */
export interface PrivacySettings {
  /** `nobody` publishes nothing, like appearOffline. Room access decides the rest. */
  readonly visibility?: 'everyone' | 'contacts' | 'team' | 'nobody'
  readonly showActivity?: boolean
  readonly showLastSeen?: boolean
  readonly appearOffline?: boolean
}

/** One recipient's outcome of a broadcast with receipts. */
export type BroadcastOutcome =
  | { readonly userId: string; readonly outcome: 'delivered'; readonly latencyMs: number }
  | { readonly userId: string; readonly outcome: 'no-receipt' }
  | {
      readonly userId: string
      readonly outcome: 'not-present'
      readonly status: Exclude<Status, 'online'>
      /** Set when a device of theirs confirmed anyway (the person may not be looking). */
      readonly latencyMs?: number
    }

export interface BroadcastReport {
  readonly id: string
  readonly event: string
  readonly sentAt: number
  readonly recipients: readonly BroadcastOutcome[]
  readonly delivered: readonly string[]
  readonly noReceipt: readonly string[]
  readonly notPresent: readonly string[]
}
