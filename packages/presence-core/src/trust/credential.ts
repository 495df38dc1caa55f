/**
 * Session credentials as observers read them: a compact JWS (ES256, `typ`
 * `wedsync-session+jwt`) whose payload binds a user (`sub`), a session (`sid`), the session's
 * public key (`cnf.jwk`), an expiry and optionally the rooms it may enter. Issued by the app's
 * server (`createCredentialIssuer` in @wedsync/presence-server). Decoding and the claim checks are
 * pure and total; only the issuer's signature needs the SignatureSuite (credential-verifier.ts).
 */
import { isValidPresenceKey, META_LIMITS } from '../meta-schema.js'
import { decodeBase64url, decodeJsonSegment } from './base64url.js'
import { type Checked, failed, passed } from './failures.js'
import { type EcPublicJwk, ecPublicJwk } from './signature-suite.js'

export const SESSION_CREDENTIAL_TYPE = 'wedsync-session+jwt'
export const SESSION_CREDENTIAL_AUDIENCE = 'wedsync-presence'
/** A credential longer than this is refused unread. */
const MAX_CREDENTIAL_LENGTH = 8_192
const MAX_ROOMS = 100

/** What a verified credential proves. Times are epoch ms. */
export interface CredentialClaims {
  readonly userId: string
  readonly sessionId: string
  readonly publicKey: EcPublicJwk
  readonly issuer?: string
  readonly issuedAt: number
  readonly expiresAt: number
  /** The rooms the session may enter; absent: any room its channel admits it to. */
  readonly rooms?: readonly string[]
}

/** A credential split into what its issuer signed and the signature. */
export interface DecodedCredential {
  readonly kid: string
  readonly payload: Readonly<Record<string, unknown>>
  readonly signingInput: Uint8Array
  readonly signature: Uint8Array
}

const encoder = new TextEncoder()

/**
 * The parts of a credential, or why it is unusable. Only ES256 with this `typ` is accepted: the
 * algorithm is never taken from the token (no `none`, no HMAC with a public key as secret).
 */
export function decodeCredential(token: unknown): Checked<DecodedCredential> {
  if (typeof token !== 'string' || token.length > MAX_CREDENTIAL_LENGTH)
    return failed('credential-invalid')
  const parts = token.split('.')
  if (parts.length !== 3) return failed('credential-invalid')
  const [head, body, sig] = parts as [string, string, string]
  const header = decodeJsonSegment(head)
  const payload = decodeJsonSegment(body)
  const signature = decodeBase64url(sig)
  if (!header || !payload || !signature) return failed('credential-invalid')
  if (header.alg !== 'ES256' || header.typ !== SESSION_CREDENTIAL_TYPE)
    return failed('credential-invalid')
  if (typeof header.kid !== 'string' || header.kid.length === 0) return failed('credential-invalid')
  if ('crit' in header) return failed('credential-invalid') // no extensions we would have to honour
  return passed({
    kid: header.kid,
    payload,
    signingInput: encoder.encode(`${head}.${body}`),
    signature,
  })
}

const seconds = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value * 1000 : undefined

function audienceOk(aud: unknown): boolean {
  return (
    aud === SESSION_CREDENTIAL_AUDIENCE ||
    (Array.isArray(aud) && aud.includes(SESSION_CREDENTIAL_AUDIENCE))
  )
}

/**
 * The claims a credential's payload makes, when they are well formed and name the expected issuer
 * (`issuer`, when the app configured one). Pure; time is checked separately (`checkLifetime`),
 * so a verified credential can be kept and checked again at every use.
 */
export function readClaims(
  payload: Readonly<Record<string, unknown>>,
  issuer: string | undefined,
): Checked<CredentialClaims> {
  const { sub, sid, iss, rooms } = payload
  const publicKey = ecPublicJwk((payload.cnf as { jwk?: unknown } | null)?.jwk)
  const issuedAt = seconds(payload.iat)
  const expiresAt = seconds(payload.exp)
  if (
    !isValidPresenceKey(sub) ||
    typeof sid !== 'string' ||
    sid.length === 0 ||
    sid.length > META_LIMITS.idLength ||
    !publicKey ||
    issuedAt === undefined ||
    expiresAt === undefined ||
    !audienceOk(payload.aud) ||
    (issuer !== undefined && iss !== issuer) ||
    (rooms !== undefined &&
      (!Array.isArray(rooms) ||
        rooms.length > MAX_ROOMS ||
        !rooms.every((room) => typeof room === 'string')))
  )
    return failed('credential-invalid')
  return passed({
    userId: sub,
    sessionId: sid,
    publicKey,
    issuedAt,
    expiresAt,
    ...(typeof iss === 'string' ? { issuer: iss } : {}),
    ...(rooms !== undefined ? { rooms: rooms as string[] } : {}),
  })
}

/** Whether the credential is valid at `now`, allowing this clock to be `skewMs` off the issuer's. */
export function checkLifetime(
  claims: CredentialClaims,
  now: number,
  skewMs: number,
): Checked<CredentialClaims> {
  if (claims.issuedAt > now + skewMs) return failed('from-the-future')
  if (claims.expiresAt <= now - skewMs) return failed('credential-expired')
  return passed(claims)
}

/** Whether the credential admits `roomId`. */
export function admitsRoom(claims: CredentialClaims, roomId: string): boolean {
  return claims.rooms === undefined || claims.rooms.includes(roomId)
}
