/**
 * The seam through which team availability learns when an absent member is usually back: a port
 * an app (or `@wedsync/presence-coordination`'s `historyPatterns`) plugs in. Without one the
 * answer has no "usually back by". Privacy: the port is asked only about members whose history
 * the viewer may use (`canUseHistory`), and only through the handlers' gated store.
 */
import type { Clock } from '@wedsync/presence-core'
import { canViewPresence } from '../privacy/privacy-checker.js'
import type { PresenceStore, TargetPresence } from '../stores/presence-store.js'

/**
 * When `userId`, not online at `now`, is usually back (epoch ms), or undefined when unknown.
 * `timeZone` is the zone of the answer being built (the request's or the handlers' default).
 */
export type UsuallyBack = (
  userId: string,
  timeZone: string,
  now: number,
) => Promise<number | undefined>

/** What a port is built with: the handlers' store (behind their deadline gate) and clock. */
export interface UsuallyBackKit {
  readonly store: PresenceStore
  readonly clock: Clock
}

export interface TeamAvailabilityOptions {
  /** Zone of the times in the summary sentence; a request's `?timeZone=` overrides it. Default UTC. */
  readonly timeZone?: string
  /**
   * Builds the "usually back by" port once, with the handlers' gated store and clock, e.g.
   * `historyPatterns()` from `@wedsync/presence-coordination`. Default none: no "usually back by".
   */
  readonly usuallyBack?: (kit: UsuallyBackKit) => UsuallyBack
}

/** Options `availability` took before the history patterns moved to presence-coordination. */
const MOVED_OPTIONS = ['historyDays', 'memberTimeZone', 'cacheMs', 'maxEvents', 'maxCached']

/**
 * Refuses the options that moved (a JavaScript caller would otherwise lose "usually back by"
 * without a word): they now configure `historyPatterns` in presence-coordination.
 */
export function checkAvailabilityOptions(options: TeamAvailabilityOptions): void {
  const moved = MOVED_OPTIONS.filter((key) => key in options)
  if (moved.length > 0)
    throw new TypeError(
      `availability.${moved.join(', availability.')} moved to @wedsync/presence-coordination: ` +
        'pass availability: { usuallyBack: historyPatterns({ historyDays, ... }) } instead',
    )
}

/** The viewer may use the target's history: they may see them and their last seen. */
export function canUseHistory(viewerId: string, target: TargetPresence): boolean {
  if (viewerId === target.userId) return true
  return canViewPresence(viewerId, target.userId, target) && target.settings.showLastSeen
}
