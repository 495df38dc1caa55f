/**
 * This session's own credential: the shell that makes the session's key pair, asks the app's server
 * for a credential through the CredentialSource port, checks that it proves this user, this session
 * and this key, and refreshes it when three quarters of its lifetime have passed (measured on this
 * clock from when it arrived, so clock skew cannot make it late). Failures are reported and retried
 * with jittered backoff; until a credential is there, `current()` waits. Owns its one timer.
 *
 * Each credential also tells the issuer's time (`iat`): `clock` is the issuer's clock as learnt
 * from them (issuer-clock.ts), and a credential is checked on it, as observers will check it — so a
 * device whose own clock is minutes off is not refused its own, honest, credential.
 */
import { PresenceError } from '../errors.js'
import type { TrustSession } from '../ports.js'
import { type CredentialClaims, decodeCredential } from './credential.js'
import type { CredentialVerifier } from './credential-verifier.js'
import { VERIFICATION_FAILURES } from './failures.js'
import { createIssuerClock, estimateOffset, type IssuerClock } from './issuer-clock.js'
import {
  type EcPublicJwk,
  type SessionKey,
  type SignatureSuite,
  sameKey,
} from './signature-suite.js'

/** What the app's server is asked for: a credential for this session's public key. */
export interface CredentialRequest {
  readonly userId: string
  readonly sessionId: string
  readonly publicKey: EcPublicJwk
  readonly rooms?: readonly string[]
}

/**
 * Obtains a credential from the app's server, e.g. `POST /presence/sessions` through
 * `createPresenceApiClient(...).createSession`. The server takes the user from the caller's own
 * authentication, never from the request.
 */
export type CredentialSource = (
  request: CredentialRequest,
) => Promise<string | { readonly credential: string }>

export interface OwnCredential {
  readonly token: string
  readonly claims: CredentialClaims
  readonly key: SessionKey
}

export interface SessionCredentials {
  /** The issuer's clock, as estimated from the credentials received (issuer-clock.ts). */
  readonly clock: IssuerClock
  /** A credential valid now; waits for one while there is none. Rejects once disposed. */
  current(): Promise<OwnCredential>
  dispose(): void
}

export interface SessionCredentialsOptions {
  readonly source: CredentialSource
  readonly suite: SignatureSuite
  readonly verifier: CredentialVerifier
  readonly session: TrustSession
  readonly rooms?: readonly string[]
  /** Jitter for retries. Default `Math.random`. */
  readonly random?: () => number
}

const FIRST_RETRY_MS = 1_000
const MAX_RETRY_MS = 60_000
/** Refresh once this share of a credential's lifetime has passed. */
const REFRESH_AT = 0.75

export function createSessionCredentials(options: SessionCredentialsOptions): SessionCredentials {
  const { source, suite, verifier, session } = options
  const { clock, scheduler } = session
  const random = options.random ?? Math.random
  /** `staleAt`: when the credential expires, on this clock (it arrived `lifetime` before that). */
  let own: { readonly credential: OwnCredential; readonly staleAt: number } | undefined
  let waiters: { resolve(c: OwnCredential): void; reject(e: unknown): void }[] = []
  let cancelTimer: (() => void) | undefined
  let fetching = false
  let failures = 0
  let disposed = false
  const key = suite.generateSessionKey()
  const issuerClock = createIssuerClock(clock, scheduler)

  const unavailable = (message: string, cause?: unknown) =>
    new PresenceError('PRESENCE_CREDENTIAL_UNAVAILABLE', message, cause ? { cause } : undefined)

  /**
   * What the server sent (asked for at `sentAt`), checked as observers will check it — on the
   * issuer's clock, estimated from this credential's `iat` — and bound to this session. The
   * estimate is kept only once the credential passed: its `iat` is then the issuer's.
   */
  async function accept(
    received: unknown,
    sessionKey: SessionKey,
    sentAt: number,
  ): Promise<OwnCredential> {
    const token =
      typeof received === 'string' ? received : (received as { credential?: unknown })?.credential
    const decoded = decodeCredential(token)
    const iat = decoded.ok ? decoded.value.payload.iat : undefined
    const offset =
      typeof iat === 'number' && Number.isSafeInteger(iat)
        ? estimateOffset(iat * 1000, sentAt, clock.now())
        : 0
    const checked = await verifier.verify(token, clock.now() + offset)
    if (!checked.ok)
      throw unavailable(
        `the credential would be dropped by every observer: it ${VERIFICATION_FAILURES[checked.reason]}`,
      )
    const claims = checked.value
    if (claims.userId !== session.userId || claims.sessionId !== session.sessionId)
      throw unavailable(
        `the credential is for ${claims.userId}/${claims.sessionId}, not this session (${session.userId}/${session.sessionId})`,
      )
    if (!sameKey(claims.publicKey, sessionKey.publicJwk))
      throw unavailable("the credential binds another key than this session's")
    issuerClock.learn(offset)
    return { token: token as string, claims, key: sessionKey }
  }

  async function obtain(): Promise<void> {
    if (fetching || disposed) return
    fetching = true
    cancelTimer?.()
    try {
      const sessionKey = await key
      const sentAt = clock.now()
      const received = await source({
        userId: session.userId,
        sessionId: session.sessionId,
        publicKey: sessionKey.publicJwk,
        ...(options.rooms ? { rooms: options.rooms } : {}),
      })
      const credential = await accept(received, sessionKey, sentAt)
      if (disposed) return
      failures = 0
      const { issuedAt, expiresAt } = credential.claims
      const now = clock.now()
      own = { credential, staleAt: now + (expiresAt - issuedAt) }
      for (const waiter of waiters) waiter.resolve(credential)
      waiters = []
      schedule(Math.max(FIRST_RETRY_MS, (expiresAt - issuedAt) * REFRESH_AT))
    } catch (error) {
      if (disposed) return
      // Incoming verification waits for the first estimate no longer: the device's clock it is.
      issuerClock.settle()
      session.report(
        error instanceof PresenceError
          ? error
          : unavailable(`could not obtain a session credential: ${String(error)}`, error),
      )
      // Full jitter: sessions that failed together do not all come back together.
      const backoff = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures++)
      schedule(Math.max(FIRST_RETRY_MS / 2, backoff * random()))
    } finally {
      fetching = false
    }
  }

  function schedule(delayMs: number): void {
    cancelTimer?.()
    cancelTimer = scheduler.schedule(delayMs, () => {
      cancelTimer = undefined
      void obtain()
    })
  }

  void obtain()

  return {
    clock: issuerClock,
    current() {
      if (disposed) return Promise.reject(new PresenceError('PRESENCE_CLIENT_DESTROYED'))
      if (own && clock.now() < own.staleAt) return Promise.resolve(own.credential)
      // None yet, or expired because refreshing kept failing: wait for the next one. Ask now
      // unless a retry is already scheduled (its backoff holds however often we are asked).
      const next = new Promise<OwnCredential>((resolve, reject) =>
        waiters.push({ resolve, reject }),
      )
      if (!cancelTimer) void obtain()
      return next
    },
    dispose() {
      if (disposed) return
      disposed = true
      cancelTimer?.()
      issuerClock.settle()
      const error = new PresenceError('PRESENCE_CLIENT_DESTROYED')
      for (const waiter of waiters) waiter.reject(error)
      waiters = []
    },
  }
}
