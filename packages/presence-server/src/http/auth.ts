/**
 * Authentication with `jose`: a bearer JWT verified with a Supabase-style HS256 secret, a JWKS URL
 * (Supabase's asymmetric signing keys, any OIDC issuer) or a local key set, giving the user id
 * (`sub`) and the claims. Every failure is a 401 PRESENCE_UNAUTHENTICATED whose `details.reason`
 * is one of the stable `AuthFailureReason`s; token contents never appear in the message.
 */
import { type Clock, systemClock } from '@wedsync/presence-core'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose'
import { PresenceServerError } from '../errors.js'
import { idSchema } from '../validation/schemas.js'

export interface AuthResult {
  readonly userId: string
  readonly claims: JWTPayload
}

/** Resolves with the caller, or rejects with a PRESENCE_UNAUTHENTICATED PresenceServerError. */
export type Authenticate = (request: Request) => Promise<AuthResult>

export type AuthFailureReason =
  | 'missing_token'
  | 'malformed_token'
  | 'invalid_signature'
  | 'algorithm_not_allowed'
  | 'expired'
  | 'claim_invalid'
  | 'invalid_subject'
  | 'key_unavailable'

export interface JwtAuthenticatorOptions {
  /** HS256 secret (Supabase's legacy JWT secret). */
  readonly secret?: string | Uint8Array
  /** JWKS endpoint, e.g. `https://<project>.supabase.co/auth/v1/.well-known/jwks.json`. */
  readonly jwksUrl?: string | URL
  /** A fixed key set instead of a URL. */
  readonly jwks?: JSONWebKeySet
  /** Expected `aud`. Default `authenticated` (Supabase); `false` skips the check. */
  readonly audience?: string | readonly string[] | false
  readonly issuer?: string | readonly string[]
  /** Default: HS256 with a secret; RS256, ES256 and EdDSA with a key set. */
  readonly algorithms?: readonly string[]
  /** Accepted clock skew for exp/nbf/iat in seconds. Default 5. */
  readonly clockToleranceSec?: number
  readonly clock?: Clock
}

export function authError(reason: AuthFailureReason, message?: string): PresenceServerError {
  return new PresenceServerError('PRESENCE_UNAUTHENTICATED', message, { details: { reason } })
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(request: Request): string | undefined {
  const header = request.headers.get('authorization')
  const match = header ? /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header) : null
  return match?.[1]
}

const JOSE_REASONS: Record<string, AuthFailureReason> = {
  ERR_JWT_EXPIRED: 'expired',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'invalid_signature',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'claim_invalid',
  ERR_JOSE_ALG_NOT_ALLOWED: 'algorithm_not_allowed',
  ERR_JOSE_NOT_SUPPORTED: 'algorithm_not_allowed',
  ERR_JWKS_NO_MATCHING_KEY: 'invalid_signature',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'invalid_signature',
  ERR_JWKS_TIMEOUT: 'key_unavailable',
  ERR_JWKS_INVALID: 'key_unavailable',
}

function reasonOf(error: unknown): AuthFailureReason {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('ERR_J'))
    return JOSE_REASONS[code] ?? 'malformed_token'
  // Not a jose error: the JWKS endpoint could not be reached (ECONNREFUSED, fetch failed…).
  return 'key_unavailable'
}

export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticate {
  const sources = [options.secret, options.jwksUrl, options.jwks].filter((s) => s !== undefined)
  if (sources.length !== 1)
    throw new TypeError('createJwtAuthenticator needs exactly one of secret, jwksUrl or jwks')
  const clock = options.clock ?? systemClock
  let key: Uint8Array | CryptoKey | JWTVerifyGetKey
  let algorithms: string[]
  let hmacKey: Promise<CryptoKey | undefined> | undefined
  if (options.secret !== undefined) {
    const bytes =
      typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret
    key = bytes
    algorithms = [...(options.algorithms ?? ['HS256'])]
    // HS256 only: import the secret once instead of on every verification.
    if (algorithms.length === 1 && algorithms[0] === 'HS256' && globalThis.crypto?.subtle)
      hmacKey = globalThis.crypto.subtle
        .importKey('raw', new Uint8Array(bytes), { name: 'HMAC', hash: 'SHA-256' }, false, [
          'verify',
        ])
        .catch(() => undefined)
  } else {
    key = options.jwks
      ? createLocalJWKSet(options.jwks)
      : createRemoteJWKSet(new URL(String(options.jwksUrl)))
    algorithms = [...(options.algorithms ?? ['RS256', 'ES256', 'EdDSA'])]
  }
  const audience = options.audience === undefined ? 'authenticated' : options.audience

  return async (request) => {
    const token = bearerToken(request)
    if (!token) throw authError('missing_token', 'Missing bearer token')
    let payload: JWTPayload
    try {
      const verifyOptions = {
        algorithms,
        currentDate: new Date(clock.now()),
        clockTolerance: options.clockToleranceSec ?? 5,
        ...(audience === false ? {} : { audience: audience as string | string[] }),
        ...(options.issuer === undefined ? {} : { issuer: options.issuer as string | string[] }),
      }
      const imported = hmacKey && (await hmacKey)
      const result =
        typeof key === 'function'
          ? await jwtVerify(token, key, verifyOptions)
          : await jwtVerify(token, imported ?? key, verifyOptions)
      payload = result.payload
    } catch (error) {
      const reason = reasonOf(error)
      throw authError(reason, reason === 'expired' ? 'Token expired' : 'Invalid token')
    }
    if (!idSchema.safeParse(payload.sub).success)
      throw authError('invalid_subject', 'Token has no valid subject')
    return { userId: payload.sub as string, claims: payload }
  }
}
