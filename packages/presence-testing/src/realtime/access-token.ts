/**
 * Signs access tokens for tests: an HS256 JWT with `role` and `exp`, as Supabase Auth issues
 * them, signed with the server's secret (the development secret by default).
 */
import { type JWTPayload, SignJWT } from 'jose'
import { DEV_JWT_SECRET } from './options.js'

export interface AccessTokenOptions {
  /** Claims to include; `role` defaults to 'authenticated'. */
  readonly claims?: JWTPayload
  /** Seconds until `exp`, from `now`; may be negative for an expired token. Default 3600. */
  readonly expiresInSeconds?: number
  /** Epoch milliseconds the token is issued at. Default: Date.now(). */
  readonly now?: number
  readonly secret?: string
}

export function createAccessToken(options: AccessTokenOptions = {}): Promise<string> {
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000)
  return new SignJWT({ role: 'authenticated', ...options.claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + (options.expiresInSeconds ?? 3600))
    .sign(new TextEncoder().encode(options.secret ?? DEV_JWT_SECRET))
}
