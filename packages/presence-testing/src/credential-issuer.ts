/**
 * A session-credential issuer for tests, on `jose` (what @wedsync/presence-server's issuer uses):
 * verified clients get credentials without an HTTP server, and tests of a verifier check it against
 * an independent JWS implementation. Its `source` trusts the user id a session asks for: only a
 * test may do that — the real endpoint (`POST /presence/sessions`) takes the user from the
 * caller's authentication.
 */

import type { Clock } from '@wedsync/presence-core'
import type { CredentialRequest, CredentialSource } from '@wedsync/presence-core/trust'
import { exportJWK, generateKeyPair, type JWTPayload, type KeyLike, SignJWT } from 'jose'

export const TEST_ISSUER = 'https://wedsync.test'

export interface IssueOptions {
  readonly userId: string
  readonly sessionId: string
  readonly publicKey: object
  readonly rooms?: readonly string[]
  readonly ttlMs?: number
  /** Issued at (epoch ms); default the clock's now. */
  readonly at?: number
  /** Claims laid over the defaults, to make broken credentials. */
  readonly claims?: JWTPayload
  readonly header?: Record<string, unknown>
}

export interface TestIssuer {
  readonly jwks: { readonly keys: object[] }
  issue(options: IssueOptions): Promise<string>
  /** A CredentialSource that signs whatever session asks (and counts the requests). */
  source(
    overrides?: Partial<IssueOptions>,
  ): CredentialSource & { readonly requests: CredentialRequest[] }
  /** A new signing key, put first in `jwks` (the old stays published): a rotation. */
  rotate(kid: string): Promise<void>
}

export async function createTestIssuer(clock: Clock, kid = 'key-1'): Promise<TestIssuer> {
  const keys: { kid: string; privateKey: KeyLike; jwk: object }[] = []
  const jwks = { keys: [] as object[] }
  async function rotate(nextKid: string) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    const jwk = { ...(await exportJWK(publicKey)), kid: nextKid, alg: 'ES256', use: 'sig' }
    keys.unshift({ kid: nextKid, privateKey, jwk })
    jwks.keys.unshift(jwk)
  }
  await rotate(kid)

  async function issue(options: IssueOptions): Promise<string> {
    const signing = keys[0]!
    const at = options.at ?? clock.now()
    const iat = Math.floor(at / 1000)
    const exp = iat + Math.floor((options.ttlMs ?? 15 * 60_000) / 1000)
    return new SignJWT({
      iss: TEST_ISSUER,
      aud: 'wedsync-presence',
      sub: options.userId,
      sid: options.sessionId,
      cnf: { jwk: options.publicKey },
      iat,
      exp,
      ...(options.rooms ? { rooms: [...options.rooms] } : {}),
      ...options.claims,
    })
      .setProtectedHeader({
        alg: 'ES256',
        typ: 'wedsync-session+jwt',
        kid: signing.kid,
        ...options.header,
      })
      .sign(signing.privateKey)
  }

  return {
    jwks,
    issue,
    rotate,
    source(overrides = {}) {
      const requests: CredentialRequest[] = []
      const source = async (request: CredentialRequest) => {
        requests.push(request)
        return issue({ ...request, ...overrides })
      }
      return Object.assign(source, { requests })
    },
  }
}
