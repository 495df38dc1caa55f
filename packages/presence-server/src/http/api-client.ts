/**
 * `createPresenceApiClient`: the other end of `createPresenceHandlers`, for browsers and other
 * clients — report your own presence, change your settings, read last seen and team
 * availability, and get session credentials; `request` reaches the routes extensions add (e.g.
 * `@wedsync/presence-coordination/browser`'s `remoteNotificationRouter`). Fetch only: no Node API
 * and no validator or JOSE library, so it stays small in a browser bundle.
 */

import type { TeamAvailabilitySummary } from '../availability/team-summary.js'
import { PresenceServerError, SERVER_ERRORS, type ServerErrorCode } from '../errors.js'
import type { PresenceView } from '../privacy/privacy-checker.js'
import type { PresenceSettings, SettingsUpdate, StatusUpdate } from '../validation/schemas.js'
import { SESSION_CREDENTIAL_HEADER } from './session-header.js'
import type { SessionCredentialResponse } from './session-routes.js'

export interface PresenceApiClientOptions {
  /**
   * Where the handlers are served, including their `basePath`: `https://api.example.com/presence`
   * or, in a browser, a path on the page's origin such as `/presence-api`.
   */
  readonly baseUrl: string
  /**
   * The caller's access token, asked for before every request: return a cached token and refresh
   * it before it expires (supabase-js: `(await supabase.auth.getSession()).data.session.access_token`).
   */
  readonly accessToken: () => string | Promise<string>
  /** Default: the global `fetch`. */
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>
}

export interface RequestOptions {
  /** Aborts the request (the promise rejects with the signal's reason). */
  readonly signal?: AbortSignal
  /**
   * This session's credential (from `createSession`), sent as `x-presence-session`: a server that
   * issues credentials takes a report for a named session only with it.
   */
  readonly sessionCredential?: string
}

/** A heartbeat or a leave of one session (absent: the implicit session of clients without one). */
export interface SessionRequestOptions extends RequestOptions {
  readonly sessionId?: string
}

/** The answer of `POST /presence/leave`. */
export interface LeaveResponse {
  /** The caller's presence after the leave (absent when the store keeps no sessions). */
  readonly presence?: PresenceView
  /** True when the user's status changed. */
  readonly changed: boolean
}

export interface StatusResponse {
  readonly presence: PresenceView
  /** True when the status differed from the stored one (a transition was recorded). */
  readonly changed: boolean
}

/** What `createSession` sends: the session's id and public key, and the rooms to name. */
export interface SessionCredentialRequest {
  readonly sessionId: string
  /**
   * The session's public key as a JWK (`crypto.subtle.exportKey('jwk', keyPair.publicKey)`): an
   * EC P-256 key. Never the private key: the server refuses a JWK with `d`.
   */
  readonly publicKey: {
    readonly kty?: string
    readonly crv?: string
    readonly x?: string
    readonly y?: string
  }
  /** Limits the credential to these room ids (at most 50); the caller must be on each room's team. */
  readonly rooms?: readonly string[]
}

/** The public keys session credentials are signed with (a JWKS). */
export interface PublicKeySet {
  readonly keys: readonly Readonly<Record<string, unknown>>[]
}

export interface PresenceApiClient {
  /** POST /presence/status: the caller's own status, custom status and activity. */
  setStatus(update: StatusUpdate, options?: RequestOptions): Promise<StatusResponse>
  /** POST /presence/heartbeat: keeps the caller's last seen and the session's lease fresh. */
  heartbeat(options?: SessionRequestOptions): Promise<void>
  /** POST /presence/leave: the session left; it stops counting at once. */
  leave(options?: SessionRequestOptions): Promise<LeaveResponse>
  getSettings(options?: RequestOptions): Promise<PresenceSettings>
  updateSettings(patch: SettingsUpdate, options?: RequestOptions): Promise<PresenceSettings>
  /** GET /presence/last-seen: what the caller may see of these users, in the order asked. */
  lastSeen(userIds: readonly string[], options?: RequestOptions): Promise<PresenceView[]>
  /** POST /presence/users: the same for up to 1,000 users (the server's `maxBulkUserIds`). */
  presenceOf(userIds: readonly string[], options?: RequestOptions): Promise<PresenceView[]>
  /** GET /presence/teams/:teamId/availability, with the sentence's times in `timeZone`. */
  teamAvailability(
    teamId: string,
    options?: RequestOptions & { readonly timeZone?: string },
  ): Promise<TeamAvailabilitySummary>
  /** POST /presence/sessions: a session credential for the caller (user id from the token). */
  createSession(
    input: SessionCredentialRequest,
    options?: RequestOptions,
  ): Promise<SessionCredentialResponse>
  /** GET /presence/.well-known/jwks.json: the keys credentials verify against (no token sent). */
  jwks(options?: RequestOptions): Promise<PublicKeySet>
  /**
   * Any route of the handlers, extensions' included: sends `body` as JSON with the caller's
   * token, answers the parsed JSON (undefined for 204) and throws a PresenceServerError for an
   * error answer, as every method above does.
   */
  request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<T>
}

const isCode = (code: unknown): code is ServerErrorCode =>
  typeof code === 'string' && Object.hasOwn(SERVER_ERRORS, code)

/** The server's `{ error: { code, message, details } }` as a PresenceServerError. */
async function errorOf(response: Response): Promise<PresenceServerError> {
  let body: { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined
  try {
    body = (await response.json()) as typeof body
  } catch {
    body = undefined
  }
  const code: ServerErrorCode = isCode(body?.error?.code)
    ? body.error.code
    : response.status === 401
      ? 'PRESENCE_UNAUTHENTICATED'
      : response.status === 404
        ? 'PRESENCE_NOT_FOUND'
        : 'PRESENCE_INTERNAL'
  const message =
    typeof body?.error?.message === 'string'
      ? body.error.message
      : `${SERVER_ERRORS[code].message} (HTTP ${response.status})`
  const retryAfter = Number(response.headers.get('retry-after'))
  return new PresenceServerError(code, message, {
    ...(body?.error?.details === undefined ? {} : { details: body.error.details }),
    ...(retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
  })
}

const sessionBody = (request: SessionRequestOptions) =>
  request.sessionId === undefined ? {} : { sessionId: request.sessionId }

export function createPresenceApiClient(options: PresenceApiClientOptions): PresenceApiClient {
  const base = options.baseUrl.replace(/\/+$/, '')
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))

  async function call<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body: unknown,
    request: RequestOptions = {},
    authenticated = true,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (authenticated) headers.authorization = `Bearer ${await options.accessToken()}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    if (request.sessionCredential) headers[SESSION_CREDENTIAL_HEADER] = request.sessionCredential
    const response = await doFetch(`${base}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(request.signal ? { signal: request.signal } : {}),
    })
    if (!response.ok) throw await errorOf(response)
    if (response.status === 204) return undefined as T
    return (await response.json()) as T
  }

  return {
    setStatus: (update, request) => call('POST', '/presence/status', update, request),
    heartbeat: (request = {}) => call('POST', '/presence/heartbeat', sessionBody(request), request),
    leave: (request = {}) => call('POST', '/presence/leave', sessionBody(request), request),
    async getSettings(request) {
      return (
        await call<{ settings: PresenceSettings }>('GET', '/presence/settings', undefined, request)
      ).settings
    },
    async updateSettings(patch, request) {
      return (
        await call<{ settings: PresenceSettings }>('PUT', '/presence/settings', patch, request)
      ).settings
    },
    async lastSeen(userIds, request) {
      const query = new URLSearchParams({ userIds: userIds.join(',') })
      return (
        await call<{ users: PresenceView[] }>(
          'GET',
          `/presence/last-seen?${query}`,
          undefined,
          request,
        )
      ).users
    },
    async presenceOf(userIds, request) {
      return (
        await call<{ users: PresenceView[] }>('POST', '/presence/users', { userIds }, request)
      ).users
    },
    teamAvailability(teamId, request = {}) {
      const query = request.timeZone
        ? `?${new URLSearchParams({ timeZone: request.timeZone })}`
        : ''
      return call(
        'GET',
        `/presence/teams/${encodeURIComponent(teamId)}/availability${query}`,
        undefined,
        request,
      )
    },
    createSession: (input, request) =>
      call(
        'POST',
        '/presence/sessions',
        {
          sessionId: input.sessionId,
          publicKey: input.publicKey,
          ...(input.rooms === undefined ? {} : { rooms: input.rooms }),
        },
        request,
      ),
    jwks: (request) => call('GET', '/presence/.well-known/jwks.json', undefined, request, false),
    request: (method, path, body, request) => call(method, path, body, request),
  }
}
