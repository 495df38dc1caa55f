/**
 * JWT checks with `jose`, answering with Supabase's codes and messages: HS256/384/512 signed with
 * the project secret, `role` and `exp` required, `exp` in the future on the injected clock. A
 * token that verified is remembered, so checking it again is synchronous (only `exp` is re-read).
 */
import type { Clock } from '@wedsync/presence-core'
import { errors, type JWTPayload, jwtVerify } from 'jose'

export type Claims = JWTPayload & { readonly role: string; readonly exp: number }

export type TokenFailure = 'malformed' | 'signature' | 'expired' | 'missing_claims' | 'signer'

export type TokenCheck =
  | { readonly ok: true; readonly claims: Claims }
  | {
      readonly ok: false
      readonly failure: TokenFailure
      /** Supabase's error code, the prefix of a join error ("Code: message"). */
      readonly code: string
      readonly message: string
    }

export type TokenVerifier = (token: string) => TokenCheck | Promise<TokenCheck>

const CACHE_LIMIT = 10_000

export function createTokenVerifier(jwtSecret: string, clock: Clock): TokenVerifier {
  const key = new TextEncoder().encode(jwtSecret)
  const verified = new Map<string, Claims>()

  const check = (claims: Claims): TokenCheck => {
    const now = Math.floor(clock.now() / 1000)
    return claims.exp > now ? { ok: true, claims } : expired(now - claims.exp)
  }

  return (token) => {
    const cached = verified.get(token)
    if (cached) return check(cached)
    if (!looksLikeJwt(token)) return failure('malformed')
    return jwtVerify(token, key, {
      algorithms: ['HS256', 'HS384', 'HS512'],
      currentDate: new Date(clock.now()),
    }).then(
      ({ payload }): TokenCheck => {
        if (typeof payload.role !== 'string' || typeof payload.exp !== 'number') {
          return failure('missing_claims')
        }
        const claims = { ...payload, exp: Math.round(payload.exp) } as Claims
        if (verified.size >= CACHE_LIMIT) verified.clear()
        verified.set(token, claims)
        return check(claims)
      },
      (error: unknown): TokenCheck => {
        if (error instanceof errors.JWTExpired) {
          const exp = error.payload.exp
          const now = Math.floor(clock.now() / 1000)
          return expired(typeof exp === 'number' ? now - Math.round(exp) : 0)
        }
        if (error instanceof errors.JWSSignatureVerificationFailed) return failure('signature')
        if (error instanceof errors.JOSEAlgNotAllowed) return failure('signer')
        if (error instanceof errors.JWTClaimValidationFailed) return failure('missing_claims')
        return failure('malformed')
      },
    )
  }
}

/** Three base64url parts: what Joken accepts before it looks at the signature. */
export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)
}

function expired(secondsAgo: number): TokenCheck {
  return {
    ok: false,
    failure: 'expired',
    code: 'InvalidJWTToken',
    message: `Token has expired ${secondsAgo} seconds ago`,
  }
}

const FAILURES: Record<Exclude<TokenFailure, 'expired'>, { code: string; message: string }> = {
  malformed: { code: 'MalformedJWT', message: 'The token provided is not a valid JWT' },
  signature: { code: 'JwtSignatureError', message: 'Failed to validate JWT signature' },
  missing_claims: {
    code: 'InvalidJWTToken',
    message: 'Fields `role` and `exp` are required in JWT',
  },
  signer: {
    code: 'JwtSignerError',
    message: 'Failed to generate JWT signer, check your JWT secret or JWKS configuration',
  },
}

function failure(kind: Exclude<TokenFailure, 'expired'>): TokenCheck {
  return { ok: false, failure: kind, ...FAILURES[kind] }
}

/**
 * The message Supabase closes a channel with when a refreshed (or re-checked) token fails: the
 * join message, except a bad signature, which it reports as the bare Elixir atom.
 */
export function refreshFailureMessage(check: Extract<TokenCheck, { ok: false }>): string {
  return check.failure === 'signature' ? ':signature_error' : check.message
}
