/**
 * Verified presence for the board and the simulated suppliers alike: one session trust per client,
 * its credential from the presence API's `POST /presence/sessions` (as the signed-in user, who is
 * the credential's user whatever the request says) and the issuer's keys from the API's JWKS. The
 * credential names only the rooms of the user's weddings, so a supplier verifies nowhere else.
 * Where this runtime cannot verify (no WebCrypto: a browser page that is not a secure context),
 * `boardTrust` says why instead of throwing, and the board runs unverified.
 */
import type { PresenceTrust } from '@wedsync/presence-core'
import { createSessionTrust } from '@wedsync/presence-core/trust'
import type { PresenceApiClient } from '@wedsync/presence-server/client'
import { roomOf, weddingsOf } from './cast.js'

/** The issuer's public keys, under the presence API's base path. */
export const JWKS_PATH = '/presence/.well-known/jwks.json'

export interface VerificationSettings {
  /** The user's presence API client: its `createSession` is authenticated as that user. */
  readonly api: Pick<PresenceApiClient, 'createSession'>
  /** Where the issuer's JWKS is (see `jwksUrlOf`). */
  readonly jwksUrl: string
  /** The `iss` credentials must carry; unchecked when absent. */
  readonly issuer?: string | undefined
  /** The user: the credential asks for the rooms of their weddings. */
  readonly userId: string
  /**
   * Told each credential issued (a session's first and its renewals): the presence reporter
   * sends it with that session's reports, as a server that issues credentials requires.
   */
  readonly onCredential?: (sessionId: string, credential: string) => void
}

/** The JWKS URL of a presence API at `baseUrl`; a path (`/presence-api`) is resolved against `origin`. */
export function jwksUrlOf(baseUrl: string, origin?: string): string {
  return new URL(`${baseUrl.replace(/\/+$/, '')}${JWKS_PATH}`, origin).href
}

/** A trust for one new client (one session): never share one between clients. */
export function createVerifiedTrust(settings: VerificationSettings): PresenceTrust {
  return createSessionTrust({
    credentials: async (request) => {
      const issued = await settings.api.createSession(request)
      settings.onCredential?.(issued.sessionId, issued.credential)
      return issued
    },
    keys: { jwksUrl: settings.jwksUrl },
    rooms: weddingsOf(settings.userId).map((wedding) => roomOf(wedding.id)),
    ...(settings.issuer ? { issuer: settings.issuer } : {}),
  })
}

/** Why this runtime cannot sign and verify, or undefined when it can. */
export function cannotVerify(scope: {
  readonly isSecureContext?: boolean
  readonly crypto?: { readonly subtle?: unknown }
}): string | undefined {
  // Browsers hide crypto.subtle outside secure contexts (https, localhost, 127.0.0.1).
  if (scope.isSecureContext === false)
    return 'this address is not a secure context (open the board on localhost or over https)'
  if (!scope.crypto?.subtle) return 'WebCrypto is not available here'
  return undefined
}

/** What the board shows of its trust mode: verified, or unverified and why. */
export type BoardTrust =
  | { readonly mode: 'verified'; readonly trust: PresenceTrust }
  | { readonly mode: 'unverified'; readonly reason: string }

/** The board's trust: verified when it has a presence API and this page can verify. */
export function boardTrust(
  settings: VerificationSettings | undefined,
  scope: Parameters<typeof cannotVerify>[0] = globalThis,
): BoardTrust {
  if (!settings)
    return {
      mode: 'unverified',
      reason: 'this board has no presence API to get a session credential from',
    }
  const problem = cannotVerify(scope)
  if (problem) return { mode: 'unverified', reason: problem }
  return { mode: 'verified', trust: createVerifiedTrust(settings) }
}
