/**
 * The server's error catalogue: one stable code per failure, each mapped to an HTTP status and a
 * default message. Every error response has the body `{ error: { code, message } }`.
 * `PRESENCE_PAYLOAD_INVALID` has the name and meaning it has in presence-core: a malformed payload.
 */

export const SERVER_ERRORS = {
  PRESENCE_UNAUTHENTICATED: { status: 401, message: 'Authentication required' },
  PRESENCE_FORBIDDEN: { status: 403, message: 'Not allowed' },
  PRESENCE_NOT_FOUND: { status: 404, message: 'Not found' },
  PRESENCE_METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed' },
  PRESENCE_PAYLOAD_INVALID: { status: 400, message: 'Malformed payload' },
  PRESENCE_PAYLOAD_TOO_LARGE: { status: 413, message: 'Payload too large' },
  PRESENCE_RATE_LIMITED: { status: 429, message: 'Too many requests' },
  PRESENCE_STORE_UNAVAILABLE: { status: 503, message: 'Presence store unavailable' },
  PRESENCE_CALENDAR_UNAVAILABLE: { status: 502, message: 'Calendar feed unavailable' },
  PRESENCE_INTERNAL: { status: 500, message: 'Internal error' },
} as const satisfies Record<string, { status: number; message: string }>

export type ServerErrorCode = keyof typeof SERVER_ERRORS

export interface ServerErrorOptions {
  readonly cause?: unknown
  /** Safe to send to the client (field paths of a validation failure, for instance). */
  readonly details?: unknown
  /** For PRESENCE_RATE_LIMITED: when the caller may try again, in ms (becomes `Retry-After`). */
  readonly retryAfterMs?: number
}

export class PresenceServerError extends Error {
  override readonly name = 'PresenceServerError'
  readonly code: ServerErrorCode
  readonly status: number
  readonly details?: unknown
  readonly retryAfterMs?: number

  constructor(code: ServerErrorCode, message?: string, options: ServerErrorOptions = {}) {
    super(
      message ?? SERVER_ERRORS[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    )
    this.code = code
    this.status = SERVER_ERRORS[code].status
    if (options.details !== undefined) this.details = options.details
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs
  }
}

export function isPresenceServerError(value: unknown): value is PresenceServerError {
  return value instanceof PresenceServerError
}

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: {
    readonly code: ServerErrorCode
    readonly message: string
    readonly details?: unknown
  }
}

/**
 * The response for any thrown value. Errors outside the catalogue become PRESENCE_INTERNAL with
 * the default message: their text (SQL, stack, driver messages) never reaches the client.
 */
export function errorResponse(error: unknown, headers?: HeadersInit): Response {
  const known = isPresenceServerError(error) ? error : new PresenceServerError('PRESENCE_INTERNAL')
  const body: ErrorBody = {
    error: {
      code: known.code,
      message: known.message,
      ...(known.details === undefined ? {} : { details: known.details }),
    },
  }
  const out = new Headers(headers)
  out.set('content-type', 'application/json; charset=utf-8')
  out.set('cache-control', 'no-store')
  out.set('x-content-type-options', 'nosniff')
  if (known.retryAfterMs !== undefined)
    out.set('retry-after', String(Math.max(1, Math.ceil(known.retryAfterMs / 1000))))
  if (known.code === 'PRESENCE_UNAUTHENTICATED') out.set('www-authenticate', 'Bearer')
  return new Response(JSON.stringify(body), { status: known.status, headers: out })
}
