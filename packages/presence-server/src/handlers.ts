/**
 * `createPresenceHandlers`: the HTTP surface as Web-standard `(Request) => Promise<Response>`
 * handlers, for Node (through `/node`), Next.js route handlers, Supabase Edge Functions, Deno and
 * any fetch-style runtime. Built separately from listening: it names no server and no store.
 * Every error leaves as `{ error: { code, message } }` with the catalogue's HTTP status.
 */
import {
  type Clock,
  type Scheduler,
  type Status,
  systemClock,
  systemScheduler,
} from '@wedsync/presence-core'
import type { Authenticate } from './auth.js'
import { type AvailabilityHistoryOptions, createPatternSource } from './availability-history.js'
import { errorResponse, isPresenceServerError, PresenceServerError } from './errors.js'
import { DEFAULT_MAX_BODY_BYTES, json } from './http.js'
import { createMetrics, type PresenceMetrics } from './metrics.js'
import {
  DEFAULT_EMERGENCY_LIMIT,
  DEFAULT_RECIPIENT_LIMIT,
  type NotificationEndpointOptions,
  postNotification,
} from './notification-endpoint.js'
import { DEFAULT_LEASE_MS, DEFAULT_TEAM_NOUN, type TeamNoun } from './presence-view.js'
import { createRateLimiter, type RateLimiter } from './rate-limiter.js'
import {
  getLastSeen,
  getSettings,
  getTeamAvailability,
  postHeartbeat,
  postStatus,
  putSettings,
  type RouteContext,
} from './routes.js'
import {
  getJwks,
  postSession,
  type SessionEndpointOptions,
  teamRoomsMayEnter,
} from './session-routes.js'
import type { PresenceStore } from './store.js'
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
  /** Path prefix to strip before routing, e.g. `/functions/v1/presence-api`. Default none. */
  readonly basePath?: string
  /** Noun in the team summary ("3 of 5 suppliers are online"). Default member/members. */
  readonly teamNoun?: TeamNoun
  /** Team availability's "usually back by" from recorded history, and its time zone. */
  readonly availability?: AvailabilityHistoryOptions
  /** Default: a new registry. */
  readonly metrics?: PresenceMetrics
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`. */
  readonly metricsToken?: string
  /** More health checks (name → check that rejects when unhealthy). */
  readonly healthChecks?: Readonly<Record<string, () => Promise<unknown>>>
  /** A health check that has not answered after this long fails. Default 2,000 ms. */
  readonly healthTimeoutMs?: number
  /**
   * Serves `POST /presence/notifications` through this router (off without it). Status changes
   * recorded by `POST /presence/status` are passed to its `onPresenceChange`, so what it holds
   * for a busy user goes out when they are free.
   */
  readonly notifications?: NotificationEndpointOptions
  /**
   * Serves `POST /presence/sessions` (session credentials for verified presence, issued to the
   * authenticated caller) and `GET /presence/.well-known/jwks.json` (off without it).
   */
  readonly sessions?: SessionEndpointOptions
  /**
   * Told about every 5xx (log it); the response never carries the cause. Also told when the
   * router's `onPresenceChange` fails (then `request` is the status update that caused it).
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
  const notifications = options.notifications
  const sessions = options.sessions
  const ctx: RouteContext = {
    store,
    authenticate: options.authenticate,
    statusLimiter,
    heartbeatLimiter,
    clock,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxUserIds: options.maxUserIds ?? 100,
    teamNoun: options.teamNoun ?? DEFAULT_TEAM_NOUN,
    metrics,
    availability: options.availability ?? {},
    ...(options.availability?.historyDays === 0
      ? {}
      : { patterns: createPatternSource(store, clock, options.availability) }),
    ...(notifications && {
      notifications: {
        router: notifications.router,
        ...(notifications.mayNotify && { mayNotify: notifications.mayNotify }),
        limiter: limited(
          notifications.rateLimiter ?? createRateLimiter({ clock, limit: 120, prefix: 'notify:' }),
        ),
        recipientLimiter: limited(
          notifications.recipientRateLimiter ??
            createRateLimiter({ clock, ...DEFAULT_RECIPIENT_LIMIT, prefix: 'notify-recipient:' }),
        ),
        emergencyLimiter: limited(
          notifications.emergencyRateLimiter ??
            createRateLimiter({ clock, ...DEFAULT_EMERGENCY_LIMIT, prefix: 'notify-emergency:' }),
        ),
      },
    }),
    ...(sessions && {
      sessions: {
        issuer: sessions.issuer,
        limiter: limited(
          sessions.rateLimiter ?? createRateLimiter({ clock, limit: 30, prefix: 'sessions:' }),
        ),
        mayEnter: sessions.mayEnter ?? teamRoomsMayEnter(store),
      },
    }),
    ...(notifications?.router.onPresenceChange && {
      // Not awaited: releasing held notifications runs the app's hooks, which the caller's
      // status update does not wait for.
      onStatusChange: (userId: string, status: Status, request: Request) => {
        void Promise.resolve()
          .then(() => notifications.router.onPresenceChange!(userId, status))
          .catch((error: unknown) => options.onError?.(error, request))
      },
    }),
  }

  const health = async (): Promise<Response> => {
    const checks: Record<string, () => Promise<unknown>> = {
      store: () => options.store.ping(),
      ...(statusLimiter.store.ping ? { rateLimiter: () => statusLimiter.store.ping!() } : {}),
      ...(heartbeatLimiter.store !== statusLimiter.store && heartbeatLimiter.store.ping
        ? { heartbeatLimiter: () => heartbeatLimiter.store.ping!() }
        : {}),
      ...options.healthChecks,
    }
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        const ok = await withTimeout(check(), options.healthTimeoutMs ?? 2_000, scheduler)
        return [name, ok ? 'ok' : 'fail'] as const
      }),
    )
    const healthy = results.every(([, r]) => r === 'ok')
    return json(
      { status: healthy ? 'ok' : 'unavailable', checks: Object.fromEntries(results) },
      healthy ? 200 : 503,
    )
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
      method: 'GET',
      path: '/presence/teams/:teamId/availability',
      match: (p) => {
        const m = /^\/presence\/teams\/([^/]+)\/availability$/.exec(p)
        return m ? [m[1]!] : undefined
      },
      run: (r, [teamId]) => getTeamAvailability(ctx, r, safeDecode(teamId!)),
    },
    ...(notifications
      ? [
          {
            method: 'POST' as const,
            path: '/presence/notifications',
            match: exact('/presence/notifications'),
            run: (r: Request) => postNotification(ctx, r),
          },
        ]
      : []),
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

/** True when `work` resolves within `ms`; false when it rejects or takes longer. */
async function withTimeout(
  work: Promise<unknown>,
  ms: number,
  scheduler: Scheduler,
): Promise<boolean> {
  let cancel: (() => void) | undefined
  const timeout = new Promise<boolean>((resolve) => {
    cancel = scheduler.schedule(ms, () => resolve(false))
  })
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => false,
      ),
      timeout,
    ])
  } finally {
    cancel?.()
  }
}
