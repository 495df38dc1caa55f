/**
 * Presence of many users at once, as one viewer may see it: what server code (an assistant, a
 * booking system, a page rendered on the server) and the bulk HTTP routes read. One store call for
 * all of them; then, per user, the lease and expiries at `now` (presence-view.ts) and the privacy
 * checker's redaction (privacy-checker.ts), so a user the viewer may not see is answered as
 * offline with nothing else, exactly as `GET /presence/last-seen` answers.
 * Invariants: one entry per distinct id, in the order first asked; nothing of a record reaches the
 * answer except through `redactPresence`'s allow-list.
 */
import type { PresenceStore } from '../stores/presence-store.js'
import { DEFAULT_LEASE_MS, resolvePresence } from './presence-view.js'
import { type PresenceView, redactPresence } from './privacy-checker.js'

export interface VisiblePresenceOptions {
  /** The instant to judge leases and expiries at (epoch ms): the caller's clock. */
  readonly now: number
  /** Without a status update or heartbeat for this long a user reads as offline. Default 30 s. */
  readonly leaseMs?: number
}

/** `userIds`' presence as `viewerId` may see it, each id once, in the order first asked. */
export async function readVisiblePresence(
  store: Pick<PresenceStore, 'presenceFor'>,
  viewerId: string,
  userIds: readonly string[],
  options: VisiblePresenceOptions,
): Promise<PresenceView[]> {
  const ids = [...new Set(userIds)]
  if (ids.length === 0) return []
  const targets = await store.presenceFor(viewerId, ids)
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS
  return targets.map((target) =>
    redactPresence(
      viewerId,
      resolvePresence(target.userId, target.presence, options.now, leaseMs),
      target,
    ),
  )
}
