/**
 * How a Supabase channel's life maps onto the port's statuses, and when to rejoin. Pure: `now` and
 * a random number are arguments. realtime-js rejoins by itself after a join error, a `phx_error`
 * or a lost socket (research §1.5); a channel the server closed (`phx_close`, after a `system`
 * error such as the presence rate limit or an expired token) is gone for good, so the transport
 * builds a new one after a backoff — long enough after a rate limit that rejoining cannot loop.
 * A join refused for its token, or a close for an expired token, also asks for a fresh token:
 * realtime-js otherwise asks its token source only on connect and at each heartbeat (25 s), and
 * rejoins with the token it has, which the server refuses again.
 */
import type { TransportStatus, TransportStatusDetail } from '@wedsync/presence-core'
import { PresenceError } from '@wedsync/presence-core'
import { fullJitterDelay } from './backoff.js'

/** realtime-js's subscribe states (REALTIME_SUBSCRIBE_STATES), plus what the transport does. */
export type ChannelSignal =
  | { readonly type: 'SUBSCRIBED' }
  | { readonly type: 'CHANNEL_ERROR'; readonly error?: Error | undefined }
  | { readonly type: 'TIMED_OUT' }
  | { readonly type: 'CLOSED' }
  /** A `system` message (`channel.on('system')`). */
  | { readonly type: 'system'; readonly payload: unknown }
  /** The app closed the room. */
  | { readonly type: 'close' }

export interface RejoinPolicy {
  /** Wait before the first rejoin after the server closed the channel. Default 1,000 ms. */
  readonly baseMs: number
  /** Longest wait after repeated closes. Default 30,000 ms. */
  readonly maxMs: number
  /**
   * Wait after a rate-limit close: the server's presence window (Supabase: 5 calls per 30 s,
   * research §4.1), so the rejoin and its re-track land in a fresh window. Default 30,000 ms.
   */
  readonly rateLimitedMs: number
  /** Longest wait after repeated rate-limit closes. Default 300,000 ms. */
  readonly rateLimitedMaxMs: number
  /** A membership that lasted this long resets the backoff. Default 60,000 ms. */
  readonly stableAfterMs: number
  /**
   * A rate-limited wait is stretched by up to this fraction at random (never shortened: the rejoin
   * must land in a fresh window). Default 0.2. Other waits are full jitter, uniform in
   * [0, nominal]: when the server closes every channel at once, the rejoins spread out.
   */
  readonly jitter: number
}

export const DEFAULT_REJOIN_POLICY: RejoinPolicy = {
  baseMs: 1_000,
  maxMs: 30_000,
  rateLimitedMs: 30_000,
  rateLimitedMaxMs: 300_000,
  stableAfterMs: 60_000,
  jitter: 0.2,
}

export type Phase = 'connecting' | 'joined' | 'rejoining' | 'backoff' | 'closed'

export interface ChannelState {
  readonly phase: Phase
  /** Joined at least once: later troubles are `reconnecting`, not `connecting`. */
  readonly everJoined: boolean
  readonly joinedAt?: number
  /** Server closes in a row (a stable membership resets it). */
  readonly closes: number
  /** The last `system` error, which explains the close that follows it. */
  readonly notice?: string
}

export interface Transition {
  readonly state: ChannelState
  /** A status to report, when it changed. */
  readonly status?: { readonly status: TransportStatus; readonly detail?: TransportStatusDetail }
  /** Build a new channel after this many ms (the server closed the old one). */
  readonly rejoinAfterMs?: number
  /** A `system` error to report. */
  readonly report?: PresenceError
  /** Ask the token source for a fresh token (`realtime.setAuth()`) before the next join. */
  readonly refreshToken?: true
}

export const INITIAL_CHANNEL_STATE: ChannelState = {
  phase: 'connecting',
  everJoined: false,
  closes: 0,
}

/** True for the `system` messages Supabase sends when a rate limit closes a channel. */
export function isRateLimitNotice(message: string | undefined): boolean {
  return message !== undefined && /rate limit|too many/i.test(message)
}

/**
 * True for Supabase's token errors: a join refused as `InvalidJWTToken: Token has expired 12
 * seconds ago` (or `MalformedJWT`, `JwtSignatureError`, `JwtSignerError`), and the `system` notice
 * `Token has expired 0 seconds ago` before the server closes a channel at its token's expiry.
 */
export function isTokenNotice(message: string | undefined): boolean {
  return (
    message !== undefined &&
    /InvalidJWTToken|MalformedJWT|JwtSignatureError|JwtSignerError|token has expired|signature_error/i.test(
      message,
    )
  )
}

/**
 * The wait before rejoin number `closes` (1 = the first), for `random` ∈ [0, 1). After a rate
 * limit: the nominal wait stretched by up to `jitter` (a rate-limited client must not come back
 * inside the window). Otherwise full jitter (`fullJitterDelay`): a server that closed every
 * channel at once would get every rejoin back in the same instant from a ±20% stretch.
 */
export function rejoinDelay(
  closes: number,
  rateLimited: boolean,
  random: number,
  policy: RejoinPolicy = DEFAULT_REJOIN_POLICY,
): number {
  if (!rateLimited)
    return fullJitterDelay(closes, random, { baseMs: policy.baseMs, capMs: policy.maxMs })
  const nominal = Math.min(
    policy.rateLimitedMaxMs,
    policy.rateLimitedMs * 2 ** Math.max(0, closes - 1),
  )
  return Math.round(nominal * (1 + policy.jitter * random))
}

/** realtime-js reports a refused join with the server's reply as the error's cause. */
function isJoinRefusal(error: Error | undefined): boolean {
  const cause = error?.cause
  return (
    typeof cause === 'object' &&
    cause !== null &&
    typeof (cause as { reason?: unknown }).reason === 'string'
  )
}

function detailOf(reason: string, error?: unknown): TransportStatusDetail {
  return error === undefined ? { reason } : { reason, error }
}

/** Reads a `system` payload: `{extension, status, message}` (research §1.3). */
function systemError(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined
  const { extension, status, message } = payload as Record<string, unknown>
  if (extension !== 'system' || status !== 'error') return undefined
  return typeof message === 'string' && message.length > 0 ? message : 'system error'
}

export function nextChannelState(
  state: ChannelState,
  signal: ChannelSignal,
  now: number,
  random: number,
  policy: RejoinPolicy = DEFAULT_REJOIN_POLICY,
): Transition {
  if (state.phase === 'closed') return { state }
  const troubled: TransportStatus = state.everJoined ? 'reconnecting' : 'connecting'
  switch (signal.type) {
    case 'SUBSCRIBED': {
      const { notice: _cleared, ...rest } = state
      return {
        state: { ...rest, phase: 'joined', everJoined: true, joinedAt: now },
        status: { status: 'joined' },
      }
    }
    case 'CHANNEL_ERROR': {
      const error = signal.error
      const reason = error?.message || 'channel error'
      const refused = state.phase !== 'joined' && isJoinRefusal(error)
      return {
        state: { ...state, phase: 'rejoining' },
        status: { status: refused ? 'error' : troubled, detail: detailOf(reason, error) },
        // realtime-js retries the join (1, 2, 5, 10 s) with the token it has: get a fresh one first.
        ...(refused && isTokenNotice(reason) && { refreshToken: true as const }),
      }
    }
    case 'TIMED_OUT':
      return {
        state: { ...state, phase: 'rejoining' },
        status: { status: troubled, detail: { reason: 'the join timed out' } },
      }
    case 'system': {
      const message = systemError(signal.payload)
      if (message === undefined) return { state }
      return {
        state: { ...state, notice: message },
        report: new PresenceError('PRESENCE_TRANSPORT_FAILED', message, {
          details: { system: signal.payload },
        }),
      }
    }
    case 'CLOSED': {
      // Not ours (ours is 'close'): the server closed the channel and realtime-js will not rejoin.
      const stable =
        state.phase === 'joined' &&
        state.joinedAt !== undefined &&
        now - state.joinedAt >= policy.stableAfterMs
      const closes = (stable ? 0 : state.closes) + 1
      const rateLimited = isRateLimitNotice(state.notice)
      const delay = rejoinDelay(closes, rateLimited, random, policy)
      const reason = state.notice ?? 'the server closed the channel'
      const { notice: _used, ...rest } = state
      return {
        state: { ...rest, phase: 'backoff', closes },
        status: {
          status: troubled,
          detail: {
            reason: `${reason}; rejoining in ${delay} ms`,
            error: new PresenceError('PRESENCE_TRANSPORT_FAILED', reason, {
              details: { rejoinInMs: delay, rateLimited },
            }),
          },
        },
        rejoinAfterMs: delay,
        ...(isTokenNotice(state.notice) && { refreshToken: true as const }),
      }
    }
    case 'close':
      return { state: { ...state, phase: 'closed' }, status: { status: 'closed' } }
  }
}
