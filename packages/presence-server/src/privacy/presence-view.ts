/**
 * From stored presence to what readers get, at one instant: the lease turns a user who stopped
 * sending updates and heartbeats offline (SPEC 6: within 30 s by default), an expired custom
 * status disappears, and an offline user has no activity. Then team availability: who in a team
 * is online, idle, away, busy or offline, with counts and a plain-English sentence. Pure.
 */
import { isCustomStatusActive, type Status } from '@wedsync/presence-core'
import type { StoredPresence } from '../stores/presence-store.js'
import type { PresenceRecord, PresenceView } from './privacy-checker.js'

/** Without a status update or heartbeat for this long a user is offline. */
export const DEFAULT_LEASE_MS = 30_000

export function resolvePresence(
  userId: string,
  stored: StoredPresence | undefined,
  now: number,
  leaseMs: number = DEFAULT_LEASE_MS,
): PresenceRecord {
  if (!stored) return { userId, status: 'offline' }
  const live = now - stored.lastSeenAt <= leaseMs
  const status: Status = live ? stored.status : 'offline'
  return {
    userId,
    status,
    lastSeenAt: stored.lastSeenAt,
    ...(isCustomStatusActive(stored.customStatus, now)
      ? { customStatus: stored.customStatus }
      : {}),
    ...(status !== 'offline' && stored.activity ? { activity: stored.activity } : {}),
  }
}

export interface TeamMemberAvailability extends PresenceView {
  readonly role?: string
}

/**
 * A team's availability as one viewer may see it. Fields are only ever added: a later version
 * adds when each member is usually back (from recorded history) without changing these.
 */
export interface TeamAvailability {
  readonly teamId: string
  /** The instant this describes (epoch ms). */
  readonly at: number
  readonly total: number
  /** Members per status, as the viewer sees them (hidden members count as offline). */
  readonly counts: Readonly<Record<Status, number>>
  /** E.g. "3 of 5 suppliers are online". */
  readonly summary: string
  /** Members ordered by user id. */
  readonly members: readonly TeamMemberAvailability[]
}

/** Singular and plural noun for the members of a team. */
export interface TeamNoun {
  readonly one: string
  readonly other: string
}

export const DEFAULT_TEAM_NOUN: TeamNoun = { one: 'member', other: 'members' }

export function countStatuses(members: readonly { readonly status: Status }[]) {
  const counts: Record<Status, number> = { online: 0, idle: 0, away: 0, busy: 0, offline: 0 }
  for (const m of members) counts[m.status]++
  return counts
}

/** "3 of 5 suppliers are online", "1 of 5 suppliers is online", "0 of 1 member is online", "No members". */
export function summarizeAvailability(
  counts: Readonly<Record<Status, number>>,
  total: number,
  noun: TeamNoun = DEFAULT_TEAM_NOUN,
): string {
  if (total === 0) return `No ${noun.other}`
  const online = counts.online
  const verb = online === 1 || total === 1 ? 'is' : 'are'
  return `${online} of ${total} ${total === 1 ? noun.one : noun.other} ${verb} online`
}
