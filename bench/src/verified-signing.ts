/**
 * Verified presence for the benches: one credential issuer (`createCredentialIssuer` of
 * @wedsync/presence-server, on one ES256 signing key made by `generateSigningKey`) that every
 * process of a run rebuilds from the same key (the key travels over IPC), the trust a verified
 * client gets from it, and signers that make what a verified session publishes — a meta or a
 * message with its `proof` — the way the verifying transport's `sign` makes it, with a real session
 * key (WebCrypto) and a real credential. Observers verify these exactly as they verify a session.
 */
import type { Clock } from '@wedsync/presence-core'
import {
  createSessionTrust,
  createWebCryptoSuite,
  encodeBase64url,
  PROOF_FIELD,
  type PresenceTrust,
  type RoomScope,
  type SessionKey,
  type SignatureSuite,
  type Subject,
  signingText,
} from '@wedsync/presence-core/trust'
import {
  type CredentialIssuer,
  createCredentialIssuer,
  generateSigningKey,
  type SigningKey,
} from '@wedsync/presence-server'

/** What every process of a run needs to issue credentials the others accept (JSON, for IPC). */
export interface SigningSetup {
  readonly issuer: string
  readonly key: SigningKey
}

export const BENCH_ISSUER = 'https://wedsync.bench'

export async function createSigningSetup(): Promise<SigningSetup> {
  return { issuer: BENCH_ISSUER, key: await generateSigningKey('bench-key-1') }
}

export function issuerOf(setup: SigningSetup, clock?: Clock): CredentialIssuer {
  return createCredentialIssuer({
    keys: [setup.key],
    issuer: setup.issuer,
    ...(clock ? { clock } : {}),
  })
}

/**
 * The trust of one verified client: its credential from the issuer (in process, where an app asks
 * its server over HTTP), the issuer's key set as a fixed JWKS, the issuer named.
 */
export function trustOf(
  issuer: CredentialIssuer,
  setup: SigningSetup,
  suite?: SignatureSuite,
): PresenceTrust {
  return createSessionTrust({
    credentials: (request) => issuer.issue(request),
    keys: { jwks: issuer.jwks() },
    issuer: setup.issuer,
    ...(suite ? { suite } : {}),
  })
}

const encoder = new TextEncoder()
/** One suite for the process's signers, as each client has its own (only key generation is used). */
const suite = createWebCryptoSuite()

export interface Signer {
  readonly userId: string
  readonly sessionId: string
  /**
   * `body` with the proof a verified session attaches: signed for `scope` under `subject` at `at`;
   * a presence meta counts until `at + windowMs` (its lease).
   */
  sign(
    scope: RoomScope,
    subject: Subject,
    body: Record<string, unknown>,
    at: number,
    windowMs?: number,
  ): Promise<Record<string, unknown>>
}

/** A session of `userId`: a fresh key pair and a credential for it from `issuer`. */
export async function createSigner(
  issuer: CredentialIssuer,
  userId: string,
  sessionId: string,
): Promise<Signer> {
  const key: SessionKey = await suite.generateSessionKey()
  const { credential } = await issuer.issue({ userId, sessionId, publicKey: key.publicJwk })
  return {
    userId,
    sessionId,
    async sign(scope, subject, body, at, windowMs) {
      const until = windowMs === undefined ? undefined : at + windowMs
      const text = signingText(scope, subject, at, until, body)
      const sig = encodeBase64url(await key.sign(encoder.encode(text)))
      const proof = {
        v: 1,
        cred: credential,
        room: scope.roomId,
        at,
        ...(until === undefined ? {} : { until }),
        sig,
      }
      return { ...body, [PROOF_FIELD]: proof }
    },
  }
}
