/**
 * What every route body shares: the context the handlers build once (store behind the deadline
 * gate, limiters, clock, limits) and the two helpers that turn a store failure into 503 and a
 * spent budget into 429. Route modules import this, never each other.
 */
import type { Clock } from '@wedsync/presence-core'
import type { UsuallyBack } from '../availability/usually-back.js'
import type { CredentialIssuer } from '../credentials/session-credentials.js'
import { isPresenceServerError, PresenceServerError } from '../errors.js'
import type { TeamNoun } from '../privacy/presence-view.js'
import type { RateLimiter, RateLimitResult } from '../rate-limit/rate-limiter.js'
import type { PresenceStore } from '../stores/presence-store.js'
import type { Authenticate } from './auth.js'
import type { StatusTransitionHook } from './extensions.js'
import type { PresenceMetrics } from './metrics.js'

/** May `userId` enter every one of `rooms`? */
export type MayEnterRooms = (userId: string, rooms: readonly string[]) => boolean | Promise<boolean>

/** What the handlers keep of `SessionEndpointOptions`, defaults resolved. */
export interface SessionEndpoint {
  readonly issuer: CredentialIssuer
  readonly limiter: RateLimiter
  readonly mayEnter: MayEnterRooms
}

export interface RouteContext {
  readonly store: PresenceStore
  readonly authenticate: Authenticate
  readonly statusLimiter: RateLimiter
  readonly heartbeatLimiter: RateLimiter
  readonly clock: Clock
  readonly leaseMs: number
  readonly maxBodyBytes: number
  readonly maxUserIds: number
  readonly maxBulkUserIds: number
  readonly teamNoun: TeamNoun
  readonly metrics: PresenceMetrics
  /** Zone of the team summary's times unless the request names one. */
  readonly timeZone: string
  /** "Usually back by"; absent when the handlers were given no port. */
  readonly usuallyBack?: UsuallyBack
  /** POST /presence/sessions and the JWKS; absent when the handlers were given no issuer. */
  readonly sessions?: SessionEndpoint
  /** Told about every recorded status transition (the app's hook and every extension's). */
  readonly onStatusChange?: StatusTransitionHook
}

/** A store call; its failure is PRESENCE_STORE_UNAVAILABLE (the driver's message stays inside). */
export async function stored<T>(work: Promise<T>): Promise<T> {
  try {
    return await work
  } catch (error) {
    // Already an answer (the deadline gate's 503 carries its Retry-After): keep it as it is.
    if (isPresenceServerError(error)) throw error
    throw new PresenceServerError('PRESENCE_STORE_UNAVAILABLE', undefined, { cause: error })
  }
}

export async function consume(
  ctx: Pick<RouteContext, 'metrics'>,
  limiter: RateLimiter,
  name: string,
  userId: string,
): Promise<RateLimitResult> {
  const result = await stored(limiter.consume(userId))
  if (!result.allowed) {
    ctx.metrics.rateLimited(name)
    throw new PresenceServerError('PRESENCE_RATE_LIMITED', undefined, {
      retryAfterMs: result.retryAfterMs,
    })
  }
  return result
}
