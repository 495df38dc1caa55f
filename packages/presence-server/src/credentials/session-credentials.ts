/**
 * Session credentials: short-lived ES256 JWTs, signed by the app's server, that bind a user id, a
 * session id and the session's public key (`cnf.jwk`), optionally to a list of rooms. Browsers
 * verify them with WebCrypto in a hand-written JWS check, so the format is a contract: header
 * exactly `{ alg: 'ES256', typ: 'wedsync-session+jwt', kid }`; `cnf.jwk` exactly
 * `{ kty, crv, x, y }`. The first signing key signs, every key is published (rotation).
 */
import { type Clock, systemClock } from '@wedsync/presence-core'
import {
  CompactSign,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  type KeyLike,
  SignJWT,
} from 'jose'
import { z } from 'zod'
import { PresenceServerError } from '../errors.js'
import { idSchema, parseInput, roomIdSchema } from '../validation/schemas.js'

export const SESSION_CREDENTIAL_TYPE = 'wedsync-session+jwt'
export const SESSION_CREDENTIAL_AUDIENCE = 'wedsync-presence'
export const DEFAULT_CREDENTIAL_TTL_MS = 15 * 60_000
/** Most rooms one credential may name. */
export const MAX_CREDENTIAL_ROOMS = 50
/** The longest credential presence-core's verifier reads; a longer one would be refused unread. */
export const MAX_CREDENTIAL_LENGTH = 8_192

/** A key the app signs credentials with. `privateJwk` carries `kid`; keep it secret. */
export interface SigningKey {
  readonly kid: string
  readonly privateJwk: JWK
  /** What the JWKS publishes: `{ kty, crv, x, y, kid, alg: 'ES256', use: 'sig' }`. */
  readonly publicJwk: JWK
}

/** A session's public key as it appears in a credential's `cnf.jwk`. */
export interface SessionPublicJwk {
  readonly kty: 'EC'
  readonly crv: 'P-256'
  readonly x: string
  readonly y: string
}

/** The payload of a session credential. Times in seconds since the epoch. */
export type SessionCredentialClaims = {
  readonly iss: string
  readonly aud: typeof SESSION_CREDENTIAL_AUDIENCE
  /** The user id. */
  readonly sub: string
  /** The session id. */
  readonly sid: string
  readonly cnf: { readonly jwk: SessionPublicJwk }
  readonly iat: number
  readonly exp: number
  /** Present only when asked for: the exact room ids the session may enter. */
  readonly rooms?: readonly string[]
}

export interface CredentialRequest {
  readonly userId: string
  readonly sessionId: string
  /** The session's public JWK (WebCrypto `exportKey('jwk', …)`); extra members are dropped. */
  readonly publicKey: unknown
  /** Limits the credential to these rooms. Absent (or undefined): no `rooms` claim. */
  readonly rooms?: readonly string[] | undefined
}

export interface IssuedCredential {
  /** The JWS compact serialization. */
  readonly credential: string
  /** When it expires, in epoch ms (its `exp` × 1000). */
  readonly expiresAt: number
}

export interface CredentialIssuer {
  /** Signs a credential; PRESENCE_PAYLOAD_INVALID for a bad id, room list or public key. */
  issue(request: CredentialRequest): Promise<IssuedCredential>
  /** Every key's public JWK, the signing key first: what `/.well-known/jwks.json` serves. */
  jwks(): { keys: JWK[] }
}

export interface CredentialIssuerOptions {
  /**
   * Non-empty. The first signs; all are published. To rotate, put the new key first and keep the
   * old one until the last credential it signed has expired (one `ttlMs` later).
   */
  readonly keys: readonly SigningKey[]
  /** The `iss` claim: who issues, e.g. the app's URL. */
  readonly issuer: string
  /** Default 15 minutes; whole seconds count (`exp = iat + ttl`). */
  readonly ttlMs?: number
  readonly clock?: Clock
}

const ALG = 'ES256'
// A P-256 coordinate or private scalar: 32 bytes, 43 base64url characters without padding.
const BASE64URL_32 = /^[A-Za-z0-9_-]{43}$/

const coordinate = z.string().regex(BASE64URL_32, 'Expected 43 base64url characters')

/**
 * A session public key as sent: an EC P-256 JWK. Other members (alg, key_ops, ext…) are dropped;
 * a private key (`d`) is refused, so a client that sends its private key by mistake learns of it.
 */
export const sessionPublicKeySchema = z
  .object(
    {
      kty: z.literal('EC', 'Expected kty "EC"'),
      crv: z.literal('P-256', 'Expected crv "P-256"'),
      x: coordinate,
      y: coordinate,
      d: z.undefined('A private key (d) was sent: send only the public key').optional(),
    },
    'Expected a public JWK object',
  )
  .transform(({ kty, crv, x, y }): SessionPublicJwk => ({ kty, crv, x, y }))

const roomsSchema = z
  .array(roomIdSchema)
  .max(MAX_CREDENTIAL_ROOMS, `Expected at most ${MAX_CREDENTIAL_ROOMS} rooms`)

/** A new ES256 signing key. `kid` defaults to a random id. */
export async function generateSigningKey(kid: string = randomKid()): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true })
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: ALG, use: 'sig' }
  return { kid, privateJwk, publicJwk: publicJwkOf(privateJwk) }
}

/**
 * Signing keys kept in an environment variable: a JSON array of private JWKs with `kid` (or one
 * such object). Throws a TypeError naming the key's position and kid for anything that is not an
 * EC P-256 private key with a kid; key material never appears in the message.
 */
export function parseSigningKeys(json: string): SigningKey[] {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    // No cause: the parser's message quotes the text, which holds private keys.
    throw new TypeError('Signing keys: not valid JSON (expected an array of private JWKs)')
  }
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) throw new TypeError('Signing keys: the list is empty')
  const keys = list.map((jwk, index) => toSigningKey(jwk, `signing key ${index}`))
  checkUniqueKids(keys)
  return keys
}

/** Checks a private JWK and derives its public half. */
function toSigningKey(value: unknown, where: string): SigningKey {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${where}: expected a private JWK object`)
  const jwk = value as Record<string, unknown>
  const kid = jwk.kid
  if (typeof kid !== 'string' || kid === '') throw new TypeError(`${where}: needs a "kid"`)
  const named = `${where} (kid ${JSON.stringify(kid)})`
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    throw new TypeError(`${named}: expected an EC P-256 key (kty "EC", crv "P-256")`)
  if (jwk.alg !== undefined && jwk.alg !== ALG)
    throw new TypeError(`${named}: expected alg "${ALG}"`)
  for (const member of ['x', 'y'] as const)
    if (typeof jwk[member] !== 'string' || !BASE64URL_32.test(jwk[member] as string))
      throw new TypeError(`${named}: "${member}" is not a P-256 coordinate`)
  if (typeof jwk.d !== 'string' || !BASE64URL_32.test(jwk.d))
    throw new TypeError(`${named}: not a private key (no valid "d")`)
  const privateJwk = { ...jwk, kid } as JWK
  return { kid, privateJwk, publicJwk: publicJwkOf(privateJwk) }
}

function publicJwkOf(jwk: JWK): JWK {
  return { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, kid: jwk.kid!, alg: ALG, use: 'sig' }
}

function checkUniqueKids(keys: readonly SigningKey[]): void {
  const seen = new Set<string>()
  for (const { kid } of keys) {
    if (seen.has(kid)) throw new TypeError(`Signing keys: kid ${JSON.stringify(kid)} appears twice`)
    seen.add(kid)
  }
}

export function createCredentialIssuer(options: CredentialIssuerOptions): CredentialIssuer {
  if (options.keys.length === 0) throw new TypeError('createCredentialIssuer needs a signing key')
  if (typeof options.issuer !== 'string' || options.issuer === '')
    throw new TypeError('createCredentialIssuer needs an issuer')
  const ttlMs = options.ttlMs ?? DEFAULT_CREDENTIAL_TTL_MS
  if (!Number.isFinite(ttlMs) || ttlMs < 1_000)
    throw new RangeError(`ttlMs must be at least 1,000 ms, got ${ttlMs}`)
  const ttlSec = Math.floor(ttlMs / 1000)
  const clock = options.clock ?? systemClock
  // Re-derive every key from its private JWK: a hand-made publicJwk carrying `d` is never published.
  const keys = options.keys.map((key, index) =>
    toSigningKey(
      { ...key.privateJwk, kid: key.kid },
      `createCredentialIssuer: signing key ${index}`,
    ),
  )
  checkUniqueKids(keys)
  const signer = keys[0]!
  let signingKey: Promise<KeyLike | Uint8Array> | undefined

  /** The signing key, imported once; on first use it proves its private and public halves match. */
  function importSigningKey(): Promise<KeyLike | Uint8Array> {
    signingKey ??= (async () => {
      // Node 24's WebCrypto checks the halves at import; older runtimes only fail the probe below.
      const privateKey = await importJWK(signer.privateJwk, ALG).catch((error: unknown) => {
        throw new TypeError(
          `signing key (kid ${JSON.stringify(signer.kid)}) was refused (${(error as Error).message}): ` +
            'its "d" does not match its "x" and "y", or it is malformed',
        )
      })
      const probe = await new CompactSign(new TextEncoder().encode('probe'))
        .setProtectedHeader({ alg: ALG })
        .sign(privateKey as KeyLike)
      await compactVerify(probe, await importJWK(signer.publicJwk, ALG)).catch(() => {
        throw new TypeError(
          `signing key (kid ${JSON.stringify(signer.kid)}): its "d" does not match its "x" and "y"`,
        )
      })
      return privateKey
    })()
    // A failed import is tried again next time rather than cached.
    signingKey.catch(() => {
      signingKey = undefined
    })
    return signingKey
  }

  return {
    async issue(request) {
      const userId = parseInput(idSchema, request.userId, 'user id')
      const sessionId = parseInput(idSchema, request.sessionId, 'session id')
      const jwk = parseInput(sessionPublicKeySchema, request.publicKey, 'session public key')
      const rooms =
        request.rooms === undefined
          ? undefined
          : [...new Set(parseInput(roomsSchema, request.rooms, 'rooms'))]
      await checkOnCurve(jwk)
      const iat = Math.floor(clock.now() / 1000)
      const exp = iat + ttlSec
      const claims: SessionCredentialClaims = {
        iss: options.issuer,
        aud: SESSION_CREDENTIAL_AUDIENCE,
        sub: userId,
        sid: sessionId,
        cnf: { jwk },
        iat,
        exp,
        ...(rooms === undefined ? {} : { rooms }),
      }
      const credential = await new SignJWT(claims as JWTPayload)
        .setProtectedHeader({ alg: ALG, typ: SESSION_CREDENTIAL_TYPE, kid: signer.kid })
        .sign((await importSigningKey()) as KeyLike)
      // Only long room ids (or a long issuer) get here: 50 ids of 200 characters do not fit.
      if (credential.length > MAX_CREDENTIAL_LENGTH)
        throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Credential too long', {
          details: [`rooms: the credential would exceed ${MAX_CREDENTIAL_LENGTH} characters`],
        })
      return { credential, expiresAt: exp * 1000 }
    },
    jwks() {
      return { keys: keys.map((key) => ({ ...key.publicJwk })) }
    },
  }
}

/** A key that is not a point on P-256 would fail every verification: refuse it at issue. */
async function checkOnCurve(jwk: SessionPublicJwk): Promise<void> {
  try {
    await importJWK({ ...jwk }, ALG)
  } catch {
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Invalid session public key', {
      details: ['publicKey: not a point on P-256'],
    })
  }
}

function randomKid(): string {
  return globalThis.crypto.randomUUID()
}
