/**
 * The privacy checker (SPEC 7): who may see whose presence, and what of it. Pure and total: the
 * same rules run on every endpoint that returns presence. A viewer always sees themself in full;
 * anyone else sees a hidden user exactly as `{ userId, status: 'offline' }`, a shape that carries
 * nothing of the stored record, so "hidden", "appears offline" and "unknown user" look the same.
 */
import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import type { PresenceSettings } from '../validation/schemas.js'

/** How the viewer relates to the target. */
export interface Relationship {
  /** The target has the viewer in their contacts (`contacts.user_id = target, contact_id = viewer`). */
  readonly isContact: boolean
  /** The viewer and the target are members of at least one common team. */
  readonly sharesTeam: boolean
}

/** What the checker needs to decide: the target's settings and the relationship. */
export interface PrivacyContext extends Relationship {
  readonly settings: PresenceSettings
}

/** A user's presence as the server resolved it at one instant (lease and expiry applied). */
export interface PresenceRecord {
  readonly userId: string
  readonly status: Status
  /** Epoch ms of the last status update or heartbeat; absent when never seen. */
  readonly lastSeenAt?: number
  readonly customStatus?: CustomStatus
  readonly activity?: Activity
}

/** What a viewer receives about one user. Fields the viewer may not see are absent. */
export type PresenceView = PresenceRecord

/**
 * Whether `viewerId` may see anything of `targetId`'s presence. Rules, in order: a user always
 * sees themself; appear-offline hides from everyone else; then visibility decides: `everyone`
 * yes, `contacts` only when the target has the viewer as a contact, `team` only when they share
 * a team, `nobody` no.
 */
export function canViewPresence(
  viewerId: string,
  targetId: string,
  context: PrivacyContext,
): boolean {
  if (viewerId === targetId) return true
  if (context.settings.appearOffline) return false
  switch (context.settings.visibility) {
    case 'everyone':
      return true
    case 'contacts':
      return context.isContact
    case 'team':
      return context.sharesTeam
    case 'nobody':
      return false
  }
}

/** What a viewer may not see of a hidden user: only that the id exists in the request. */
export function hiddenPresence(userId: string): PresenceView {
  return { userId, status: 'offline' }
}

/**
 * The part of `record` that `viewerId` may see. Hidden users become `hiddenPresence`; otherwise
 * last seen needs `showLastSeen`, and activity needs `showActivity` and a status other than offline.
 * The output is built field by field from an allow-list: nothing else of the record is copied.
 */
export function redactPresence(
  viewerId: string,
  record: PresenceRecord,
  context: PrivacyContext,
): PresenceView {
  const self = viewerId === record.userId
  if (!canViewPresence(viewerId, record.userId, context)) return hiddenPresence(record.userId)
  const { settings } = context
  const showLastSeen = self || settings.showLastSeen
  const showActivity = (self || settings.showActivity) && record.status !== 'offline'
  return {
    userId: record.userId,
    status: record.status,
    ...(showLastSeen && record.lastSeenAt !== undefined ? { lastSeenAt: record.lastSeenAt } : {}),
    ...(record.customStatus ? { customStatus: copyCustomStatus(record.customStatus) } : {}),
    ...(showActivity && record.activity ? { activity: copyActivity(record.activity) } : {}),
  }
}

function copyCustomStatus(c: CustomStatus): CustomStatus {
  return {
    text: c.text,
    ...(c.emoji === undefined ? {} : { emoji: c.emoji }),
    ...(c.expiresAt === undefined ? {} : { expiresAt: c.expiresAt }),
  }
}

function copyActivity(a: Activity): Activity {
  return {
    action: a.action,
    ...(a.target === undefined ? {} : { target: a.target }),
    ...(a.weddingId === undefined ? {} : { weddingId: a.weddingId }),
    ...(a.page === undefined ? {} : { page: a.page }),
  }
}
