/**
 * `@wedsync/presence-core/trust`: verified presence. A client given `trust:
 * createSessionTrust(...)` signs what it publishes with its session's key and applies only what
 * verifies. Its own entry, so apps that do not verify never load it. See docs/security.md.
 */
export type { PresenceTrust, TrustMode, TrustSession } from './ports.js'
export { decodeBase64url, encodeBase64url } from './trust/base64url.js'
export { canonicalJson } from './trust/canonical-json.js'
export {
  type CredentialClaims,
  checkLifetime,
  decodeCredential,
  readClaims,
  SESSION_CREDENTIAL_AUDIENCE,
  SESSION_CREDENTIAL_TYPE,
} from './trust/credential.js'
export {
  type CredentialVerifier,
  createCredentialVerifier,
} from './trust/credential-verifier.js'
export { type Checked, VERIFICATION_FAILURES, type VerificationFailure } from './trust/failures.js'
export {
  createIssuerKeys,
  type IssuerKeys,
  type IssuerKeysOptions,
  type JsonWebKeySet,
} from './trust/issuer-keys.js'
export {
  checkBinding,
  PROOF_FIELD,
  type Proof,
  type RoomScope,
  type Subject,
  signingText,
  splitProof,
} from './trust/proof.js'
export type {
  CredentialRequest,
  CredentialSource,
  OwnCredential,
} from './trust/session-credentials.js'
export {
  createSessionTrust,
  DEFAULT_MAX_MESSAGE_AGE_MS,
  DEFAULT_MAX_SKEW_MS,
  type SessionTrustOptions,
} from './trust/session-trust.js'
export type { EcPublicJwk, SessionKey, SignatureSuite } from './trust/signature-suite.js'
export { createWebCryptoSuite } from './trust/signature-suite-webcrypto.js'
