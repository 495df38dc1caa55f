/**
 * This session's own credential: the shell that makes the session's key pair, asks the app's server
 * for a credential through the CredentialSource port, checks that it proves this user, this session
 * and this key, and refreshes it when three quarters of its lifetime have passed (measured on this
 * clock from when it arrived, so clock skew cannot make it late). Failures are reported and retried
 * with jittered backoff; until a credential is there, `current()` waits. Owns its one timer.
 */
import { PresenceError } from '../errors.js'
import type { TrustSession } from '../ports.js'
import type { CredentialClaims } from './credential.js'
import type { CredentialVerifier } from './credential-verifier.js'
import { VERIFICATION_FAILURES } from './failures.js'
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

  const unavailable = (message: string, cause?: unknown) =>
    new PresenceError('PRESENCE_CREDENTIAL_UNAVAILABLE', message, cause ? { cause } : undefined)

  /** What the server sent, checked as observers will check it, and bound to this session. */
  async function accept(received: unknown, sessionKey: SessionKey): Promise<OwnCredential> {
    const token =
      typeof received === 'string' ? received : (received as { credential?: unknown })?.credential
    const checked = await verifier.verify(token, clock.now())
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
    return { token: token as string, claims, key: sessionKey }
  }

  async function obtain(): Promise<void> {
    if (fetching || disposed) return
    fetching = true
    cancelTimer?.()
    try {
      const sessionKey = await key
      const received = await source({
        userId: session.userId,
        sessionId: session.sessionId,
        publicKey: sessionKey.publicJwk,
        ...(options.rooms ? { rooms: options.rooms } : {}),
      })
      const credential = await accept(received, sessionKey)
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
      const error = new PresenceError('PRESENCE_CLIENT_DESTROYED')
      for (const waiter of waiters) waiter.reject(error)
      waiters = []
    },
  }
}
