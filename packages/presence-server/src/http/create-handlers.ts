/**
 * `createPresenceHandlers`: the HTTP surface as Web-standard `(Request) => Promise<Response>`
 * handlers, for Node (through `/node`), Next.js route handlers, Supabase Edge Functions, Deno and
 * any fetch-style runtime. Built separately from listening: it names no server and no store.
 * Every error leaves as `{ error: { code, message } }` with the catalogue's HTTP status.
 */
import { type Clock, type Scheduler, systemClock, systemScheduler } from '@wedsync/presence-core'
import {
  checkAvailabilityOptions,
  type TeamAvailabilityOptions,
} from '../availability/usually-back.js'
import { errorResponse, isPresenceServerError, PresenceServerError } from '../errors.js'
import { DEFAULT_LEASE_MS, DEFAULT_TEAM_NOUN, type TeamNoun } from '../privacy/presence-view.js'
import { createRateLimiter, type RateLimiter } from '../rate-limit/rate-limiter.js'
import type { PresenceStore } from '../stores/presence-store.js'
import type { Authenticate } from './auth.js'
import { DEFAULT_MAX_BODY_BYTES } from './bodies.js'
import type {
  ExtraRoute,
  PresenceExtension,
  RouteKit,
  StatusTransition,
  StatusTransitionHook,
} from './extensions.js'
import { healthResponse } from './health.js'
import { createMetrics, type PresenceMetrics } from './metrics.js'
import {
  getLastSeen,
  getSettings,
  getTeamAvailability,
  postHeartbeat,
  postLeave,
  postStatus,
  postUsers,
  putSettings,
} from './presence-routes.js'
import { consume, type RouteContext, stored } from './route-context.js'
import {
  getJwks,
  postSession,
  type SessionEndpointOptions,
  teamRoomsMayEnter,
} from './session-routes.js'
import { createStoreGate, gateRateLimiter, gateStore } from './store-deadline.js'

export interface PresenceHandlersOptions {
  readonly store: PresenceStore
  readonly authenticate: Authenticate
  /** Status updates. Default: 10 per minute per user, in memory (use a shared store in production). */
  readonly rateLimiter?: RateLimiter
  /** Heartbeats, a separate budget. Default: 60 per minute per user, in memory. */
  readonly heartbeatLimiter?: RateLimiter
  readonly clock?: Clock
  /** Times the store deadlines and health checks. Default: real timers. */
  readonly scheduler?: Scheduler
  /**
   * Deadline of every store and rate-limiter call on a request path, queueing included; past it
   * the request answers 503 PRESENCE_STORE_UNAVAILABLE with Retry-After. Default 2,000 ms.
   */
  readonly storeTimeoutMs?: number
  /** Store and rate-limiter calls running at once (match the pool size). Default 10. */
  readonly storeConcurrency?: number
  /** Calls waiting for a turn; past it, 503 at once (load shedding). Default 1,000. */
  readonly storeQueueLimit?: number
  /** Without a status update or heartbeat for this long a user reads as offline. Default 30 s. */
  readonly leaseMs?: number
  /** Larger bodies get 413. Default 16 KB. */
  readonly maxBodyBytes?: number
  /** Most ids in one last-seen request. Default 100. */
  readonly maxUserIds?: number
  /** Most ids in one `POST /presence/users` request. Default 1,000. */
  readonly maxBulkUserIds?: number
  /** Path prefix to strip before routing, e.g. `/functions/v1/presence-api`. Default none. */
  readonly basePath?: string
  /**
   * Where the handlers are mounted when that path stands for `/presence` itself, e.g. a Next.js
   * catch-all at `app/api/presence/[...path]` with `mountPath: '/api/presence'`: then
   * `/api/presence/status` is `POST /presence/status`, and `/api/presence/health` and
   * `/api/presence/metrics` are health and metrics. Use it or `basePath`, not both.
   */
  readonly mountPath?: string
  /** Noun in the team summary ("3 of 5 suppliers are online"). Default member/members. */
  readonly teamNoun?: TeamNoun
  /** Team availability's time zone and its "usually back by" port (none by default). */
  readonly availability?: TeamAvailabilityOptions
  /** Default: a new registry. */
  readonly metrics?: PresenceMetrics
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken?: string
  /** More health checks (name → check that rejects when unhealthy). */
  readonly healthChecks?: Readonly<Record<string, () => Promise<unknown>>>
  /** A health check that has not answered after this long fails. Default 2,000 ms. */
  readonly healthTimeoutMs?: number
  /**
   * Told about every status transition `POST /presence/status` records, after it is stored and
   * without the answer waiting for it (feed webhooks, an outbox, a notification router).
   */
  readonly onStatusChange?: StatusTransitionHook
  /**
   * Features served by these handlers: their routes (after the core ones, under the same
   * authentication, limits, metrics and error answers) and their transition hooks, e.g.
   * `@wedsync/presence-coordination`'s `notificationEndpoint`.
   */
  readonly extensions?: readonly PresenceExtension[]
  /**
   * Serves `POST /presence/sessions` (session credentials for verified presence, issued to the
   * authenticated caller) and `GET /presence/.well-known/jwks.json` (off without it).
   */
  readonly sessions?: SessionEndpointOptions
  /**
   * Told about every 5xx (log it); the response never carries the cause. Also told when a
   * status-transition hook fails (then `request` is the status update that caused it).
   */
  readonly onError?: (error: unknown, request: Request) => void
}

export type Handler = (request: Request) => Promise<Response>

export interface PresenceHandlers {
  /** Routes every endpoint; use it as a fetch handler. */
  readonly fetch: Handler
  /** The route templates and methods `fetch` serves. */
  readonly routes: readonly RouteInfo[]
  readonly metrics: PresenceMetrics
}

export interface RouteInfo {
  readonly method: 'GET' | 'POST' | 'PUT'
  readonly path: string
}

interface Route extends RouteInfo {
  readonly match: (path: string) => string[] | undefined
  readonly run: (request: Request, params: string[]) => Promise<Response>
}

const exact = (path: string) => (p: string) => (p === path ? [] : undefined)

export function createPresenceHandlers(options: PresenceHandlersOptions): PresenceHandlers {
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  const metrics = options.metrics ?? createMetrics()
  // One gate for the store and the limiters: they often share one pool.
  const gate = createStoreGate({
    scheduler,
    ...(options.storeTimeoutMs !== undefined && { timeoutMs: options.storeTimeoutMs }),
    ...(options.storeConcurrency !== undefined && { maxConcurrent: options.storeConcurrency }),
    ...(options.storeQueueLimit !== undefined && { maxQueued: options.storeQueueLimit }),
  })
  const store = gateStore(options.store, gate)
  const limited = (limiter: RateLimiter) => gateRateLimiter(limiter, gate)
  const statusLimiter = limited(options.rateLimiter ?? createRateLimiter({ clock }))
  const heartbeatLimiter = limited(
    options.heartbeatLimiter ?? createRateLimiter({ clock, limit: 60, prefix: 'heartbeat:' }),
  )
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  const mountPath = (options.mountPath ?? '').replace(/\/+$/, '')
  if (basePath && mountPath)
    throw new TypeError('createPresenceHandlers: give basePath or mountPath, not both')
  const sessions = options.sessions
  const extensions = options.extensions ?? []
  const availability = options.availability ?? {}
  checkAvailabilityOptions(availability)
  const transitionHooks = [
    ...(options.onStatusChange ? [options.onStatusChange] : []),
    ...extensions.flatMap((e) => (e.onStatusChange ? [e.onStatusChange] : [])),
  ]
  const ctx: RouteContext = {
    store,
    authenticate: options.authenticate,
    statusLimiter,
    heartbeatLimiter,
    clock,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxUserIds: options.maxUserIds ?? 100,
    maxBulkUserIds: options.maxBulkUserIds ?? 1_000,
    teamNoun: options.teamNoun ?? DEFAULT_TEAM_NOUN,
    metrics,
    timeZone: availability.timeZone ?? 'UTC',
    ...(availability.usuallyBack && { usuallyBack: availability.usuallyBack({ store, clock }) }),
    ...(sessions && {
      sessions: {
        issuer: sessions.issuer,
        limiter: limited(
          sessions.rateLimiter ?? createRateLimiter({ clock, limit: 30, prefix: 'sessions:' }),
        ),
        mayEnter: sessions.mayEnter ?? teamRoomsMayEnter(store),
      },
    }),
    ...(transitionHooks.length > 0 && {
      // Not awaited: a hook (releasing held notifications runs the app's delivery hooks) is not
      // something the caller's status update waits for.
      onStatusChange: (transition: StatusTransition, request: Request) => {
        for (const hook of transitionHooks)
          void Promise.resolve()
            .then(() => hook(transition, request))
            .catch((error: unknown) => options.onError?.(error, request))
      },
    }),
  }

  const kit: RouteKit = {
    store,
    authenticate: options.authenticate,
    clock,
    metrics,
    maxBodyBytes: ctx.maxBodyBytes,
    gate: limited,
    consume: (limiter, name, key) => consume(ctx, limiter, name, key),
    stored,
  }
  const extraRoutes: Route[] = extensions.flatMap((extension) =>
    (extension.routes?.(kit) ?? []).map(
      (route: ExtraRoute): Route => ({
        method: route.method,
        path: route.path,
        match: route.match ?? exact(route.path),
        run: route.run,
      }),
    ),
  )

  const health = async (): Promise<Response> => {
    const checks: Record<string, () => Promise<unknown>> = {
      store: () => options.store.ping(),
      ...(statusLimiter.store.ping ? { rateLimiter: () => statusLimiter.store.ping!() } : {}),
      ...(heartbeatLimiter.store !== statusLimiter.store && heartbeatLimiter.store.ping
        ? { heartbeatLimiter: () => heartbeatLimiter.store.ping!() }
        : {}),
      ...options.healthChecks,
    }
    return healthResponse(checks, options.healthTimeoutMs ?? 2_000, scheduler)
  }

  const metricsRoute = async (request: Request): Promise<Response> => {
    if (
      options.metricsToken !== undefined &&
      request.headers.get('authorization') !== `Bearer ${options.metricsToken}`
    )
      throw new PresenceServerError('PRESENCE_UNAUTHENTICATED')
    return new Response(metrics.render(), {
      headers: {
        'content-type': 'text/plain; version=0.0.4; charset=utf-8',
        'cache-control': 'no-store',
      },
    })
  }

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/presence/status',
      match: exact('/presence/status'),
      run: (r) => postStatus(ctx, r),
    },
    {
      method: 'POST',
      path: '/presence/heartbeat',
      match: exact('/presence/heartbeat'),
      run: (r) => postHeartbeat(ctx, r),
    },
    {
      method: 'POST',
      path: '/presence/leave',
      match: exact('/presence/leave'),
      run: (r) => postLeave(ctx, r),
    },
    {
      method: 'GET',
      path: '/presence/settings',
      match: exact('/presence/settings'),
      run: (r) => getSettings(ctx, r),
    },
    {
      method: 'PUT',
      path: '/presence/settings',
      match: exact('/presence/settings'),
      run: (r) => putSettings(ctx, r),
    },
    {
      method: 'GET',
      path: '/presence/last-seen',
      match: exact('/presence/last-seen'),
      run: (r) => getLastSeen(ctx, r),
    },
    {
      method: 'POST',
      path: '/presence/users',
      match: exact('/presence/users'),
      run: (r) => postUsers(ctx, r),
    },
    {
      method: 'GET',
      path: '/presence/teams/:teamId/availability',
      match: (p) => {
        const m = /^\/presence\/teams\/([^/]+)\/availability$/.exec(p)
        return m ? [m[1]!] : undefined
      },
      run: (r, [teamId]) => getTeamAvailability(ctx, r, safeDecode(teamId!)),
    },
    ...(sessions
      ? [
          {
            method: 'POST' as const,
            path: '/presence/sessions',
            match: exact('/presence/sessions'),
            run: (r: Request) => postSession(ctx, r),
          },
          {
            method: 'GET' as const,
            path: '/presence/.well-known/jwks.json',
            match: exact('/presence/.well-known/jwks.json'),
            run: async () => getJwks(ctx),
          },
        ]
      : []),
    ...extraRoutes,
    { method: 'GET', path: '/health', match: exact('/health'), run: () => health() },
    { method: 'GET', path: '/metrics', match: exact('/metrics'), run: (r) => metricsRoute(r) },
  ]

  const fail = (
    error: unknown,
    request: Request,
    route: string,
    method: string,
    started: number,
  ) => {
    const code = isPresenceServerError(error) ? error.code : 'PRESENCE_INTERNAL'
    const response = errorResponse(error)
    if (response.status >= 500) options.onError?.(error, request)
    metrics.error(code)
    metrics.observeRequest(route, method, response.status, elapsed(started))
    return response
  }

  const fetch: Handler = async (request) => {
    const started = performance.now()
    const method = request.method.toUpperCase()
    let path: string
    try {
      path = new URL(request.url).pathname
    } catch {
      return fail(
        new PresenceServerError('PRESENCE_NOT_FOUND'),
        request,
        'unmatched',
        method,
        started,
      )
    }
    if (basePath && (path === basePath || path.startsWith(`${basePath}/`)))
      path = path.slice(basePath.length) || '/'
    if (mountPath && (path === mountPath || path.startsWith(`${mountPath}/`)))
      path = fromMount(path.slice(mountPath.length))
    let allowed: string[] = []
    for (const route of routes) {
      const params = route.match(path)
      if (!params) continue
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.push(route.method)
        continue
      }
      try {
        const response = await route.run(request, params)
        metrics.observeRequest(route.path, route.method, response.status, elapsed(started))
        return response
      } catch (error) {
        return fail(error, request, route.path, route.method, started)
      }
    }
    if (allowed.length) {
      allowed = [...new Set(allowed)]
      const response = fail(
        new PresenceServerError('PRESENCE_METHOD_NOT_ALLOWED'),
        request,
        'unmatched',
        method,
        started,
      )
      response.headers.set('allow', allowed.join(', '))
      return response
    }
    return fail(
      new PresenceServerError('PRESENCE_NOT_FOUND'),
      request,
      'unmatched',
      method,
      started,
    )
  }

  return {
    fetch,
    routes: routes.map(({ method, path }) => ({ method, path })),
    metrics,
  }
}

function elapsed(started: number): number {
  return (performance.now() - started) / 1000
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return '\u0000' // refused by the id schema
  }
}

/** The routes that live outside `/presence`; at a mount path they keep their own names. */
const OUTSIDE_PRESENCE = new Set(['/health', '/metrics'])

/** A path below `mountPath` as the routes know it: the mount stands for `/presence`. */
function fromMount(rest: string): string {
  return OUTSIDE_PRESENCE.has(rest) ? rest : `/presence${rest === '/' ? '' : rest}`
}
