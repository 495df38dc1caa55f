/**
 * Where the availability endpoint gets "usually back by" from: each member's pattern, built from
 * the store's recorded transitions over the last `historyDays` and kept for `cacheMs` (patterns
 * move slowly; a team dashboard asks often). Privacy: a pattern is history of someone's presence,
 * so it is used only for members whose last seen the viewer may see (`canUseHistory`).
 */
import type { Clock } from '@wedsync/presence-core'
import { canViewPresence } from '../privacy/privacy-checker.js'
import type { PresenceStore, TargetPresence } from '../stores/presence-store.js'
import { type AvailabilityPattern, availabilityPattern } from './insights.js'
import { MS } from './zoned-time.js'

export interface AvailabilityHistoryOptions {
  /** Days of history behind "usually back by". Default 28; 0 leaves it out. */
  readonly historyDays?: number
  /** Zone of the times in the summary sentence; a request's `?timeZone=` overrides it. Default UTC. */
  readonly timeZone?: string
  /** Each member's own zone, for their pattern's hours. Default: the summary's zone. */
  readonly memberTimeZone?: (userId: string) => string | undefined | Promise<string | undefined>
  /** How long a pattern is reused. Default 1 hour. */
  readonly cacheMs?: number
  /** Most transitions read per member. Default 20,000. */
  readonly maxEvents?: number
  /** Most patterns kept. Default 10,000. */
  readonly maxCached?: number
}

/** The viewer may use the target's history: they may see them and their last seen. */
export function canUseHistory(viewerId: string, target: TargetPresence): boolean {
  if (viewerId === target.userId) return true
  return canViewPresence(viewerId, target.userId, target) && target.settings.showLastSeen
}

export type PatternSource = (userId: string, timeZone: string) => Promise<AvailabilityPattern>

export function createPatternSource(
  store: Pick<PresenceStore, 'statusEvents' | 'presenceFor'>,
  clock: Clock,
  options: AvailabilityHistoryOptions = {},
): PatternSource {
  const days = options.historyDays ?? 28
  const cacheMs = options.cacheMs ?? MS.hour
  const maxCached = options.maxCached ?? 10_000
  const cache = new Map<string, { pattern: AvailabilityPattern; expires: number }>()
  return async (userId, timeZone) => {
    const now = clock.now()
    const key = `${timeZone}\u0000${userId}`
    const hit = cache.get(key)
    if (hit && hit.expires > now) return hit.pattern
    const from = now - days * MS.day
    const [events, [target]] = await Promise.all([
      store.statusEvents(userId, { since: from, until: now, limit: options.maxEvents ?? 20_000 }),
      store.presenceFor(userId, [userId]),
    ])
    const lastSeenAt = target?.presence?.lastSeenAt
    const pattern = availabilityPattern({
      userId,
      events,
      from,
      to: now,
      timeZone,
      ...(lastSeenAt === undefined ? {} : { lastSeenAt }),
    })
    cache.delete(key)
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value!)
    cache.set(key, { pattern, expires: now + cacheMs })
    return pattern
  }
}
