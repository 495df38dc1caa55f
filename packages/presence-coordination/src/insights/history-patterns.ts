/**
 * `historyPatterns`: presence-server's "usually back by" port built on the store's recorded
 * transitions. Each member's pattern covers the last `historyDays` and is kept for `cacheMs`
 * (patterns move slowly; a team dashboard asks often). The server asks it only about members whose
 * history the viewer may use, through its gated store; this adds no privacy rule of its own.
 */
import type { Clock } from '@wedsync/presence-core'
import {
  MS,
  type PresenceStore,
  type UsuallyBack,
  type UsuallyBackKit,
} from '@wedsync/presence-server'
import {
  type AvailabilityPattern,
  availabilityPattern,
  type UsuallyBackOptions,
  usuallyBackAt,
} from './insights.js'

export interface HistoryPatternsOptions {
  /** Days of history behind "usually back by". Default 28. */
  readonly historyDays?: number
  /** Each member's own zone, for their pattern's hours. Default: the summary's zone. */
  readonly memberTimeZone?: (userId: string) => string | undefined | Promise<string | undefined>
  /** How long a pattern is reused. Default 1 hour. */
  readonly cacheMs?: number
  /** Most transitions read per member. Default 20,000. */
  readonly maxEvents?: number
  /** Most patterns kept. Default 10,000. */
  readonly maxCached?: number
  /** How a pattern becomes "usually back by" (threshold, lookahead, rounding). */
  readonly usuallyBack?: UsuallyBackOptions
}

/** A member's pattern over the window ending now, in `timeZone`. */
export type PatternSource = (userId: string, timeZone: string) => Promise<AvailabilityPattern>

/** The patterns behind `historyPatterns`, cached; for an app's own insights endpoints too. */
export function createPatternSource(
  store: Pick<PresenceStore, 'statusEvents' | 'presenceFor'>,
  clock: Clock,
  options: HistoryPatternsOptions = {},
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

/**
 * The port for `createPresenceHandlers({ availability: { usuallyBack: historyPatterns() } })`:
 * built by the handlers with their gated store and clock.
 */
export function historyPatterns(
  options: HistoryPatternsOptions = {},
): (kit: UsuallyBackKit) => UsuallyBack {
  return ({ store, clock }) => {
    const patterns = createPatternSource(store, clock, options)
    return async (userId, timeZone, now) => {
      const zone = (await options.memberTimeZone?.(userId)) ?? timeZone
      return usuallyBackAt(await patterns(userId, zone), now, options.usuallyBack)
    }
  }
}
