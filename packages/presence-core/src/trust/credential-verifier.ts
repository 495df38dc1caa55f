/**
 * Verifies credentials: the issuer's ES256 signature through the SignatureSuite, then the claims.
 * A credential is verified once and kept (bounded) until it expires, so a session's heartbeats
 * cost one signature check each, not two; its lifetime is checked again at every use. Failures
 * that may heal (a key not fetched yet, the key set unreachable) are not kept.
 */
import { type CredentialClaims, checkLifetime, decodeCredential, readClaims } from './credential.js'
import { type Checked, failed } from './failures.js'
import type { IssuerKeys } from './issuer-keys.js'
import type { SignatureSuite } from './signature-suite.js'

export interface CredentialVerifierOptions {
  readonly keys: IssuerKeys
  readonly suite: SignatureSuite
  /** The expected `iss`; any issuer the key set signs for when absent. */
  readonly issuer?: string
  readonly skewMs: number
  /** Most credentials kept. Default 4,096. */
  readonly capacity?: number
}

export interface CredentialVerifier {
  verify(token: unknown, now: number): Promise<Checked<CredentialClaims>>
}

const TRANSIENT = new Set(['unknown-key', 'keys-unavailable'])

export function createCredentialVerifier(options: CredentialVerifierOptions): CredentialVerifier {
  const { keys, suite, issuer, skewMs } = options
  const capacity = options.capacity ?? 4_096
  const kept = new Map<string, Promise<Checked<CredentialClaims>>>()

  async function verifySignature(token: unknown): Promise<Checked<CredentialClaims>> {
    const decoded = decodeCredential(token)
    if (!decoded.ok) return decoded
    const key = await keys.key(decoded.value.kid)
    if (key === 'unavailable') return failed('keys-unavailable')
    if (!key) return failed('unknown-key')
    const { signingInput, signature, payload } = decoded.value
    if (!(await suite.verify(key, signingInput, signature))) return failed('credential-invalid')
    return readClaims(payload, issuer)
  }

  return {
    async verify(token, now) {
      if (typeof token !== 'string') return failed('credential-invalid')
      let result = kept.get(token)
      if (!result) {
        result = verifySignature(token)
        if (kept.size >= capacity) kept.delete(kept.keys().next().value!)
        kept.set(token, result)
        void result.then((checked) => {
          if (!checked.ok && TRANSIENT.has(checked.reason)) kept.delete(token)
        })
      }
      const checked = await result
      if (!checked.ok) return checked
      const live = checkLifetime(checked.value, now, skewMs)
      // An expired credential is never valid again: let it go.
      if (!live.ok && live.reason === 'credential-expired') kept.delete(token)
      return live
    },
  }
}
