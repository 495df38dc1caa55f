/**
 * The agent's lease, as data and pure functions: how long a TTL may be, when a lease ends, the
 * status policy that keeps an agent `online` for as long as any lease can last, and the custom
 * status it shows (never past the lease). Pure: `now` is an argument; the shell
 * (agent-presence.ts) owns the one timer.
 *
 * Invariant the shell keeps: every lease starts with an input (creation or `renew`), so a lease
 * ends at most MAX_AGENT_TTL_MS after the last input, strictly before AGENT_STATUS_POLICY's idle
 * threshold. An agent is therefore never published idle or away by time alone.
 */
import { invalidArgument } from '../errors.js'
import type { StatusPolicy } from '../status-policy.js'
import type { CustomStatus } from '../types.js'

/**
 * The longest TTL one lease may have: a day. A presence that should last longer renews. Also
 * keeps every timer the agent and its client set well inside what `setTimeout` can hold (24.8 days).
 */
export const MAX_AGENT_TTL_MS = 24 * 60 * 60_000

/** Margin between the longest lease and the idle threshold: a late timer still expires first. */
const IDLE_MARGIN_MS = 60 * 60_000

/**
 * An agent has no person whose input could stop: it is `online` while its lease lasts, which is
 * before this policy's thresholds (see the invariant above). It is never hidden.
 */
export const AGENT_STATUS_POLICY: StatusPolicy = {
  idleAfterMs: MAX_AGENT_TTL_MS + IDLE_MARGIN_MS,
  awayAfterMs: MAX_AGENT_TTL_MS + IDLE_MARGIN_MS,
  hiddenIdleAfterMs: MAX_AGENT_TTL_MS + IDLE_MARGIN_MS,
}

/** What an agent shows beside its status: text and emoji; the expiry is bounded by the lease. */
export interface AgentCustomStatus {
  readonly text: string
  readonly emoji?: string
  /** An earlier end than the lease's (epoch ms); it never outlives the lease either way. */
  readonly expiresAt?: number
}

/** `value` as a TTL in ms, or a PRESENCE_INVALID_ARGUMENT error naming `name`. */
export function checkTtl(value: unknown, name = 'ttlMs'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    if (value <= MAX_AGENT_TTL_MS) return value
    throw invalidArgument(
      `${name} must be at most ${MAX_AGENT_TTL_MS} ms (24 hours); renew() a presence that lasts longer`,
    )
  }
  throw invalidArgument(`${name} must be a positive number of milliseconds, got ${String(value)}`)
}

/** When a lease of `ttlMs` taken at `now` ends. */
export function leaseEnd(now: number, ttlMs: number): number {
  return now + ttlMs
}

/**
 * The custom status to publish for a lease ending at `until`: the agent's own, its expiry the
 * earlier of its own and the lease's, so observers drop it at the lease's end even when the agent's
 * process hangs and never says so. `null` when there is none.
 */
export function customStatusFor(
  custom: AgentCustomStatus | null,
  until: number,
): CustomStatus | null {
  if (!custom) return null
  const expiresAt = custom.expiresAt === undefined ? until : Math.min(custom.expiresAt, until)
  return { ...custom, expiresAt }
}
