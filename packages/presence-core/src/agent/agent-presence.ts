/**
 * createAgentPresence: server code (an assistant, a bot, a booking system) present in rooms for a
 * time to live, through the ordinary PresenceClient and the app's own transport. The shell of the
 * agent: it makes the client (with the agent's activity source and status policy from
 * agent-lease.ts, so the agent shows `online`, never idle, while its lease lasts), and owns the
 * one timer of the lease. When the lease ends it destroys the client, which closes every room, so
 * observers see the agent leave at once, and emits `expired`.
 *
 * Invariants: every lease starts with an input (see agent-lease.ts); the published custom status
 * never outlives the lease (observers drop it on their own clock even if this process hangs, and
 * the room lease drops the agent itself); once expired or destroyed nothing is published again.
 */
import { type ClientEvents, createPresenceClient, type PresenceClientOptions } from '../client.js'
import { createDeadlineTimer } from '../deadline-timer.js'
import { invalidArgument, PresenceError } from '../errors.js'
import { schedulerFor, systemClock, type TrustMode } from '../ports.js'
import type { PresenceRoom } from '../room.js'
import type { Activity, ManualStatus, SelfPresence } from '../types.js'
import { createAgentActivitySource } from './agent-activity.js'
import {
  AGENT_STATUS_POLICY,
  type AgentCustomStatus,
  checkTtl,
  customStatusFor,
  leaseEnd,
} from './agent-lease.js'

/** Client options an agent sets itself: refused, with what to do instead. */
const AGENT_OWNED: Readonly<Record<string, string>> = {
  activity: 'an agent’s activity is its lease: call renew() instead',
  idleAfterMs: 'an agent is online while its lease lasts: set `status` to show busy or away',
  awayAfterMs: 'an agent is online while its lease lasts: set `status` to show busy or away',
  hiddenIdleAfterMs: 'an agent has no page to hide',
}

export interface AgentPresenceOptions
  extends Omit<
    PresenceClientOptions,
    'activity' | 'idleAfterMs' | 'awayAfterMs' | 'hiddenIdleAfterMs'
  > {
  /** How long the agent is present without a renew(), in ms: positive, at most 24 hours. */
  readonly ttlMs: number
  /** A manual status shown from the start (`busy` while it works, say); default automatic (online). */
  readonly status?: ManualStatus
  /** Shown beside the status while the lease lasts; its expiry is the lease's end. */
  readonly customStatus?: AgentCustomStatus
}

/** What `expired` tells: the agent whose lease ended, and when it ended (agent's clock, epoch ms). */
export interface AgentExpiry {
  readonly userId: string
  readonly sessionId: string
  readonly expiresAt: number
}

export interface AgentPresenceEvents extends ClientEvents {
  /** The lease ended without a renew(): the agent has left every room and is destroyed. */
  expired: (expiry: AgentExpiry) => void
}

/** `live` until the lease ends (`expired`) or destroy() is called (`destroyed`). */
export type AgentPresenceState = 'live' | 'expired' | 'destroyed'

export interface AgentPresence {
  readonly userId: string
  readonly sessionId: string
  /** `verified` when given a trust: its presence is signed with its own session credential. */
  readonly trust: TrustMode
  /** When the current lease ends (epoch ms on the agent's clock). */
  readonly expiresAt: number
  readonly state: AgentPresenceState
  /**
   * Starts a new lease of `ttlMs` (default: the options' `ttlMs`) from now, and counts as input.
   * Returns its end. Throws PRESENCE_CLIENT_DESTROYED once expired or destroyed: a lease that has
   * ended is not revived (observers have already seen the agent go).
   */
  renew(ttlMs?: number): number
  /** As the client's: ref-counted, with the agent's activity in this room. */
  enter(
    roomId: string,
    options?: { readonly activity?: Activity; readonly private?: boolean },
  ): PresenceRoom
  leave(roomId: string): void
  room(roomId: string): PresenceRoom | undefined
  setStatus(status: ManualStatus | null): void
  /** Replaces the custom status; it is shown until the lease ends (or its own earlier expiry). */
  setCustomStatus(custom: AgentCustomStatus | null): void
  setActivity(activity: Activity | null): void
  me(): SelfPresence
  on<E extends keyof AgentPresenceEvents>(event: E, listener: AgentPresenceEvents[E]): () => void
  /** Leaves every room and stops, without `expired`. Idempotent. */
  destroy(): void
}

/** Creates a client for the agent and enters no room yet: call `enter` for each room. */
export function createAgentPresence(options: AgentPresenceOptions): AgentPresence {
  if (typeof options !== 'object' || options === null)
    throw invalidArgument('createAgentPresence needs options: { transport, userId, ttlMs, … }')
  for (const [name, instead] of Object.entries(AGENT_OWNED))
    if ((options as unknown as Record<string, unknown>)[name] !== undefined)
      throw invalidArgument(`createAgentPresence: \`${name}\` is not an agent option (${instead})`)
  const defaultTtl = checkTtl(options.ttlMs)
  const { ttlMs: _ttl, status, customStatus, ...clientOptions } = options
  // The clock and scheduler the client will use, picked as createPresenceClient picks them.
  const clock = options.clock ?? systemClock
  const scheduler = schedulerFor(clock, options.scheduler)
  const activity = createAgentActivitySource()
  const client = createPresenceClient({
    ...clientOptions,
    clock,
    scheduler,
    activity,
    ...AGENT_STATUS_POLICY,
  })
  const expiredListeners = new Set<AgentPresenceEvents['expired']>()
  let state: AgentPresenceState = 'live'
  let until = leaseEnd(clock.now(), defaultTtl)
  /** The agent's own custom status while the client shows it, and the expiry last published. */
  let custom: AgentCustomStatus | null = null
  let publishedUntil: number | undefined
  const setExpiry = createDeadlineTimer(clock, scheduler, expire)

  /** Shows `next` for the current lease; throws (changing nothing) when the client refuses it. */
  function showCustom(next: AgentCustomStatus | null): void {
    const shown = customStatusFor(next, until)
    client.setCustomStatus(shown)
    // Sanitizing may leave nothing to show: then there is nothing to carry into the next lease.
    custom = client.me().customStatus ? next : null
    publishedUntil = custom ? shown?.expiresAt : undefined
  }

  /** Carries the custom status into a new lease: one presence call, only if its expiry moves. */
  function renewCustom(now: number): void {
    if (!custom) return
    // Its own expiry has passed: the client already stopped showing it (and would refuse it).
    if (custom.expiresAt !== undefined && custom.expiresAt <= now) {
      custom = null
      return
    }
    if (customStatusFor(custom, until)?.expiresAt !== publishedUntil) showCustom(custom)
  }

  function expire(): void {
    if (state !== 'live') return
    state = 'expired'
    client.destroy()
    const expiry: AgentExpiry = {
      userId: client.userId,
      sessionId: client.sessionId,
      expiresAt: until,
    }
    const listeners = [...expiredListeners]
    expiredListeners.clear()
    for (const listener of listeners) listener(expiry)
  }

  function assertLive(): void {
    // A lease that ended while its timer was late has ended all the same.
    if (state === 'live' && clock.now() >= until) expire()
    if (state === 'expired')
      throw new PresenceError(
        'PRESENCE_CLIENT_DESTROYED',
        'Agent presence expired: its TTL passed without renew(); create a new one',
      )
    if (state === 'destroyed')
      throw new PresenceError('PRESENCE_CLIENT_DESTROYED', 'Agent presence was destroyed')
  }

  try {
    if (status !== undefined) client.setStatus(status)
    if (customStatus !== undefined) showCustom(customStatus)
  } catch (error) {
    // A bad status or custom status: nothing was entered yet, so nothing was published.
    client.destroy()
    throw error
  }
  setExpiry(until)

  return {
    userId: client.userId,
    sessionId: client.sessionId,
    trust: client.trust,
    get expiresAt() {
      return until
    },
    get state() {
      return state
    },
    renew(ttlMs = defaultTtl) {
      assertLive()
      const ttl = checkTtl(ttlMs, 'renew: ttlMs')
      const now = clock.now()
      until = leaseEnd(now, ttl)
      activity.input()
      renewCustom(now)
      setExpiry(until)
      return until
    },
    enter(roomId, enterOptions) {
      assertLive()
      return client.enter(roomId, enterOptions)
    },
    leave: (roomId) => client.leave(roomId),
    room: (roomId) => client.room(roomId),
    setStatus(next) {
      assertLive()
      client.setStatus(next)
    },
    setCustomStatus(next) {
      assertLive()
      showCustom(next)
    },
    setActivity(next) {
      assertLive()
      client.setActivity(next)
    },
    me: () => client.me(),
    on(event, listener) {
      if (event !== 'expired') return client.on(event as keyof ClientEvents, listener as never)
      const fn = listener as AgentPresenceEvents['expired']
      expiredListeners.add(fn)
      return () => {
        expiredListeners.delete(fn)
      }
    },
    destroy() {
      if (state !== 'live') return
      state = 'destroyed'
      setExpiry(undefined)
      expiredListeners.clear()
      client.destroy()
    },
  }
}
