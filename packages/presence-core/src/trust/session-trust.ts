/**
 * `createSessionTrust`: verified presence for one client, composed from its parts — the signing
 * suite (WebCrypto by default), the issuer's keys, the credential verifier, this session's own
 * credential and the verifying transport. The client calls `wrap` once, with the app's transport.
 */
import { invalidArgument } from '../errors.js'
import type { PresenceTrust } from '../ports.js'
import { createCredentialVerifier } from './credential-verifier.js'
import { createIssuerKeys, type IssuerKeysOptions } from './issuer-keys.js'
import {
  type CredentialSource,
  createSessionCredentials,
  type SessionCredentials,
} from './session-credentials.js'
import type { SignatureSuite } from './signature-suite.js'
import { createWebCryptoSuite } from './signature-suite-webcrypto.js'
import { createVerifyingTransport } from './verifying-transport.js'

export interface SessionTrustOptions {
  /** Obtains this session's credential from the app's server (`POST /presence/sessions`). */
  readonly credentials: CredentialSource
  /** The issuer's public keys: `{ jwksUrl }` (rotates) or a fixed `{ jwks }`. */
  readonly keys: IssuerKeysOptions
  /** The `iss` credentials must carry; recommended when keys are shared with other issuers. */
  readonly issuer?: string
  /** Rooms to ask the server to name in the credential; absent: any room the channel admits. */
  readonly rooms?: readonly string[]
  /**
   * How far other sessions' times may run ahead of (or their windows end behind) this one's.
   * Times are on the issuer's clock as each session estimates it from its credentials
   * (issuer-clock.ts), so devices' own clocks may be minutes off; this absorbs the estimates'
   * error and the network. Also how long past its window a replayed meta may count. Default 30 s.
   */
  readonly maxSkewMs?: number
  /** How long a broadcast or receipt may take to arrive before it counts as a replay. Default 60 s. */
  readonly maxMessageAgeMs?: number
  /** Signing and verifying: WebCrypto by default; React Native plugs in its own. */
  readonly suite?: SignatureSuite
  /** Jitter for credential retries. Default `Math.random`. */
  readonly random?: () => number
}

export const DEFAULT_MAX_SKEW_MS = 30_000
export const DEFAULT_MAX_MESSAGE_AGE_MS = 60_000

export function createSessionTrust(options: SessionTrustOptions): PresenceTrust {
  if (typeof options?.credentials !== 'function')
    throw invalidArgument('createSessionTrust needs `credentials`, a function that obtains one')
  if (typeof options.keys !== 'object' || options.keys === null)
    throw invalidArgument('createSessionTrust needs `keys`: { jwksUrl } or { jwks }')
  const skewMs = nonNegative(options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS, 'maxSkewMs')
  const maxMessageAgeMs = nonNegative(
    options.maxMessageAgeMs ?? DEFAULT_MAX_MESSAGE_AGE_MS,
    'maxMessageAgeMs',
  )
  const suite = options.suite ?? createWebCryptoSuite()
  let credentials: SessionCredentials | undefined
  let disposed = false

  return {
    wrap(transport, session) {
      if (credentials || disposed)
        throw invalidArgument('a session trust serves one client: create one per client')
      const keys = createIssuerKeys(options.keys, session.clock)
      const verifier = createCredentialVerifier({
        keys,
        suite,
        skewMs,
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
      })
      credentials = createSessionCredentials({
        source: options.credentials,
        suite,
        verifier,
        session,
        ...(options.rooms ? { rooms: options.rooms } : {}),
        ...(options.random ? { random: options.random } : {}),
      })
      return createVerifyingTransport(transport, {
        session,
        credentials,
        clock: credentials.clock,
        verifier,
        suite,
        skewMs,
        maxMessageAgeMs,
      })
    },
    dispose() {
      disposed = true
      credentials?.dispose()
    },
  }
}

function nonNegative(value: number, name: string): number {
  if (Number.isFinite(value) && value >= 0) return value
  throw invalidArgument(`${name} must be a number of ms, 0 or more`)
}
