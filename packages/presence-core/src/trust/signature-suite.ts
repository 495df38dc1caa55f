/**
 * The signing port. Verified presence signs with ES256 (ECDSA over P-256 with SHA-256): it runs in
 * every browser, Node and Deno through WebCrypto (`signature-suite-webcrypto.ts`, the default). A
 * runtime without WebCrypto (React Native) plugs in its own suite with the same guarantees.
 */

/** A P-256 public key as a JWK: only the fields that say which key it is. */
export interface EcPublicJwk {
  readonly kty: 'EC'
  readonly crv: 'P-256'
  readonly x: string
  readonly y: string
}

/** A session's key pair: the private half never leaves it (not extractable), only `sign` uses it. */
export interface SessionKey {
  readonly publicJwk: EcPublicJwk
  /** An ES256 signature over `data`: 64 bytes, r ‖ s (the JWS form, which is WebCrypto's). */
  sign(data: Uint8Array): Promise<Uint8Array>
}

export interface SignatureSuite {
  /** A new key pair for one session. */
  generateSessionKey(): Promise<SessionKey>
  /**
   * Whether `signature` (64 bytes, r ‖ s) over `data` was made by the private half of `key`.
   * Resolves false, never rejects, for a malformed key or signature: those are an attacker's.
   */
  verify(key: EcPublicJwk, data: Uint8Array, signature: Uint8Array): Promise<boolean>
}

const COORDINATE = /^[A-Za-z0-9_-]{43}$/

/** The EC P-256 public JWK in `value` (extra fields left behind), or undefined. */
export function ecPublicJwk(value: unknown): EcPublicJwk | undefined {
  const jwk = value as Partial<Record<string, unknown>> | null
  if (typeof jwk !== 'object' || jwk === null || jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    return undefined
  const { x, y } = jwk
  if (typeof x !== 'string' || typeof y !== 'string') return undefined
  if (!COORDINATE.test(x) || !COORDINATE.test(y) || 'd' in jwk) return undefined
  return { kty: 'EC', crv: 'P-256', x, y }
}

/** Whether two public keys are the same key. */
export function sameKey(a: EcPublicJwk, b: EcPublicJwk): boolean {
  return a.x === b.x && a.y === b.y
}
