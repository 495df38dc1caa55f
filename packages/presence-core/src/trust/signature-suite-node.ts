/**
 * The signing suite on `node:crypto`, for observers that run in Node (servers, bots, workers):
 * the same ES256 as the WebCrypto suite, with signatures in the JWS form (r ‖ s), but checked in
 * one synchronous call instead of WebCrypto's round trip through its argument checks and thread
 * pool — about half the CPU per new session heard (bench/README.md, verified presence). Its own
 * entry (`@wedsync/presence-core/trust-node`): nothing of it reaches a browser bundle.
 */
import {
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign as signWith,
  verify as verifyWith,
} from 'node:crypto'
import type { EcPublicJwk, SessionKey, SignatureSuite } from './signature-suite.js'

const KEPT_KEYS = 4_096
/** JWS's ES256 signature form, r ‖ s, rather than DER. */
const JWS = { dsaEncoding: 'ieee-p1363' } as const

export function createNodeCryptoSuite(): SignatureSuite {
  /** Public keys by `x.y`, oldest first; undefined for a key that does not parse. */
  const keys = new Map<string, KeyObject | undefined>()

  function publicKey(jwk: EcPublicJwk): KeyObject | undefined {
    const id = `${jwk.x}.${jwk.y}`
    if (keys.has(id)) return keys.get(id)
    let key: KeyObject | undefined
    try {
      key = createPublicKey({
        key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y },
        format: 'jwk',
      })
    } catch {
      key = undefined // not a point on the curve: an attacker's
    }
    if (keys.size >= KEPT_KEYS) keys.delete(keys.keys().next().value!)
    keys.set(id, key)
    return key
  }

  return {
    async generateSessionKey(): Promise<SessionKey> {
      // The private key stays in this closure: nothing hands it out.
      const { publicKey: pub, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      const { x, y } = pub.export({ format: 'jwk' })
      return {
        publicJwk: { kty: 'EC', crv: 'P-256', x: x!, y: y! },
        async sign(data) {
          return new Uint8Array(signWith('sha256', data, { key: privateKey, ...JWS }))
        },
      }
    },
    async verify(jwk, data, signature) {
      if (signature.byteLength !== 64) return false
      const key = publicKey(jwk)
      if (!key) return false
      try {
        return verifyWith('sha256', data, { key, ...JWS }, signature)
      } catch {
        return false
      }
    },
  }
}
