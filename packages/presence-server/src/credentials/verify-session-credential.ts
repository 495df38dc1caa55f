/**
 * The server's own check of a session credential it issued (the `x-presence-session` header of a
 * status report, heartbeat or leave): signed by one of the issuer's keys (its JWKS), of the
 * credential type and audience, not expired on the server's clock. It answers the credential's
 * user and session; the route then requires the user to be the authenticated caller, so a
 * session's reports are written only by the holder of that session's credential. Anything else is
 * PRESENCE_FORBIDDEN, never a hint of which check failed.
 */
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose'
import { PresenceServerError } from '../errors.js'
import { SESSION_CREDENTIAL_AUDIENCE, SESSION_CREDENTIAL_TYPE } from './session-credentials.js'

export interface VerifiedSession {
  readonly userId: string
  readonly sessionId: string
}

/** The credential's user and session, or PRESENCE_FORBIDDEN. `now`: the server's clock (ms). */
export async function verifySessionCredential(
  credential: string,
  jwks: { keys: JWK[] },
  now: number,
): Promise<VerifiedSession> {
  try {
    const { payload } = await jwtVerify(credential, createLocalJWKSet(jwks), {
      algorithms: ['ES256'],
      typ: SESSION_CREDENTIAL_TYPE,
      audience: SESSION_CREDENTIAL_AUDIENCE,
      currentDate: new Date(now),
      requiredClaims: ['sub', 'sid', 'exp'],
    })
    const { sub, sid } = payload as { sub?: unknown; sid?: unknown }
    if (typeof sub === 'string' && typeof sid === 'string') return { userId: sub, sessionId: sid }
  } catch {
    // Falls through: any failure is the same answer.
  }
  throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Invalid session credential')
}
