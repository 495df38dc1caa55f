/**
 * The default signing suite: WebCrypto's ECDSA P-256 / SHA-256. Imported public keys are kept
 * (importing costs as much as a verification, and a room verifies each session's key again on
 * every heartbeat it hears), bounded so a flood of made-up keys cannot grow memory.
 */
import { decodeBase64url } from './base64url.js'
import type { EcPublicJwk, SessionKey, SignatureSuite } from './signature-suite.js'

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const
const KEPT_KEYS = 4_096

/** An opaque WebCrypto `CryptoKey`. */
type Key = object

/**
 * The part of WebCrypto's `SubtleCrypto` this suite uses, typed here so the source compiles
 * without the DOM library (Node and Deno projects).
 */
interface Subtle {
  generateKey(
    algorithm: object,
    extractable: boolean,
    usages: string[],
  ): Promise<{ publicKey: Key; privateKey: Key }>
  exportKey(format: 'jwk', key: Key): Promise<{ x?: string; y?: string }>
  importKey(
    format: 'raw',
    keyData: Uint8Array,
    algorithm: object,
    extractable: boolean,
    usages: string[],
  ): Promise<Key>
  sign(algorithm: object, key: Key, data: Uint8Array): Promise<ArrayBuffer>
  verify(algorithm: object, key: Key, signature: Uint8Array, data: Uint8Array): Promise<boolean>
}

/** What `createWebCryptoSuite` needs: `crypto.subtle` (secure contexts only in browsers). */
function subtleCrypto(): Subtle {
  const subtle = (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle
  if (!subtle)
    throw new TypeError(
      'WebCrypto is not available here (browsers offer it only in secure contexts: https or localhost); pass a SignatureSuite of your own',
    )
  return subtle
}

/** The uncompressed SEC 1 point of a P-256 key, or undefined for coordinates that are not 32 bytes. */
function rawPoint(jwk: EcPublicJwk): Uint8Array | undefined {
  const x = decodeBase64url(jwk.x)
  const y = decodeBase64url(jwk.y)
  if (x?.byteLength !== 32 || y?.byteLength !== 32) return undefined
  const point = new Uint8Array(65)
  point[0] = 4
  point.set(x, 1)
  point.set(y, 33)
  return point
}

export function createWebCryptoSuite(): SignatureSuite {
  const subtle = subtleCrypto()
  /** Imported keys by `x.y`, oldest first. */
  const imported = new Map<string, Promise<Key | undefined>>()

  function publicKey(jwk: EcPublicJwk): Promise<Key | undefined> {
    const id = `${jwk.x}.${jwk.y}`
    let key = imported.get(id)
    if (!key) {
      // The raw point (0x04 ‖ x ‖ y) imports faster than the same key as a JWK (no object to
      // check field by field), and every new session's key is imported once.
      const point = rawPoint(jwk)
      key = point
        ? subtle.importKey('raw', point, ALGORITHM, false, ['verify']).catch(() => undefined)
        : Promise.resolve(undefined)
      if (imported.size >= KEPT_KEYS) imported.delete(imported.keys().next().value!)
      imported.set(id, key)
    }
    return key
  }

  return {
    async generateSessionKey(): Promise<SessionKey> {
      // Not extractable: the private key can sign, never be read (the public half always can).
      const pair = await subtle.generateKey(ALGORITHM, false, ['sign', 'verify'])
      const { x, y } = await subtle.exportKey('jwk', pair.publicKey)
      return {
        publicJwk: { kty: 'EC', crv: 'P-256', x: x!, y: y! },
        async sign(data) {
          return new Uint8Array(await subtle.sign(SIGNING, pair.privateKey, data))
        },
      }
    },
    async verify(jwk, data, signature) {
      if (signature.byteLength !== 64) return false
      const key = await publicKey(jwk)
      if (!key) return false
      try {
        return await subtle.verify(SIGNING, key, signature, data)
      } catch {
        return false
      }
    },
  }
}
