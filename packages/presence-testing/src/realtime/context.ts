/**
 * What connections and memberships need from the protocol core: time, settings, token checks,
 * the channel registry and the counters. Lets each part be built and tested on its own.
 */
import type { Clock, Scheduler } from '@wedsync/presence-core'
import type { Channel, ChannelMember } from './channel.js'
import type { TokenVerifier } from './jwt.js'
import type { Authorize, RealtimeLimits } from './options.js'
import type { StatsCounters } from './stats.js'

/**
 * `Member` is the type channels hold (the core's `Membership`); a type parameter rather than an
 * import, so that memberships can depend on this context without a cycle.
 */
export interface CoreContext<Member extends ChannelMember = ChannelMember> {
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly limits: RealtimeLimits
  readonly idleTimeoutMs: number
  readonly joinErrorDelayMs: number
  readonly verifyToken: TokenVerifier
  readonly authorize: Authorize | undefined
  readonly counters: StatsCounters
  /** The channel for `topic` (created on first use). */
  channel(topic: string, isPrivate: boolean): Channel<Member>
  /** Forgets a channel that has no members left. */
  release(channel: Channel<Member>): void
  /** A new presence key for a join without one (Supabase: a new UUID per join). */
  newPresenceKey(): string
  reportError(error: unknown): void
}
