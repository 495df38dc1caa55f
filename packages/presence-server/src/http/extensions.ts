/**
 * The seams through which a feature outside this package (notifications, webhooks, an app's own
 * endpoints) joins the handlers: a hook told about every recorded status transition, and extra
 * routes served under the same authentication, body limits, store deadline gate, metrics and
 * error answers as the core ones. The server names no feature; features name the server.
 */
import type { Clock, CustomStatus, Status } from '@wedsync/presence-core'
import type { RateLimiter, RateLimitResult } from '../rate-limit/rate-limiter.js'
import type { PresenceStore } from '../stores/presence-store.js'
import type { Authenticate } from './auth.js'
import type { PresenceMetrics } from './metrics.js'

/**
 * A change of the user's presence that a request recorded: their status (the aggregate over their
 * sessions) differs from the stored one, or their custom status does.
 */
export interface StatusTransition {
  readonly userId: string
  /** The user's status after the change. */
  readonly status: Status
  /** When it was recorded (the handlers' clock). */
  readonly at: number
  /** Whether the status changed (false: only the custom status did). */
  readonly statusChanged: boolean
  /** The user's custom status after the change; null when none is shown. */
  readonly customStatus: CustomStatus | null
}

/**
 * Told after the transition is stored, and not awaited: the status update's answer never waits
 * for it. What it returns is ignored, but a rejection or throw goes to the handlers' `onError`
 * with the status update's request.
 */
export type StatusTransitionHook = (transition: StatusTransition, request: Request) => unknown

/** What extra routes get from the handlers: the pieces the core routes use, configured alike. */
export interface RouteKit {
  /** The handlers' store, behind their deadline gate. */
  readonly store: PresenceStore
  readonly authenticate: Authenticate
  readonly clock: Clock
  readonly metrics: PresenceMetrics
  /** The handlers' body limit, for `readJson(request, kit.maxBodyBytes)`. */
  readonly maxBodyBytes: number
  /** Puts a rate limiter behind the same deadline gate as the store. */
  gate(limiter: RateLimiter): RateLimiter
  /**
   * Spends one attempt of `key`; past the limit throws PRESENCE_RATE_LIMITED (429 with
   * Retry-After) and counts `name` in the metrics.
   */
  consume(limiter: RateLimiter, name: string, key: string): Promise<RateLimitResult>
  /** A store call whose failure becomes PRESENCE_STORE_UNAVAILABLE (503). */
  stored<T>(work: Promise<T>): Promise<T>
}

/** One more route: a method, a template for metrics and `routes`, and how to serve it. */
export interface ExtraRoute {
  readonly method: 'GET' | 'POST' | 'PUT'
  /** The route's template, e.g. `/presence/notifications`; matched exactly unless `match` is given. */
  readonly path: string
  /**
   * The path parameters when the request's path (base path stripped) matches, as they appear in
   * it (still percent-encoded); else undefined.
   */
  readonly match?: (path: string) => string[] | undefined
  /** Throw a PresenceServerError to answer with its status; anything else answers 500. */
  readonly run: (request: Request, params: string[]) => Promise<Response>
}

/** A feature for `createPresenceHandlers({ extensions })`: its routes and its transition hook. */
export interface PresenceExtension {
  readonly routes?: (kit: RouteKit) => readonly ExtraRoute[]
  readonly onStatusChange?: StatusTransitionHook
}
