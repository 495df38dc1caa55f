/**
 * What a malicious member with a credential of their own can do: sign anything — any key, any
 * room, any times — with their real session key. Observers must refuse all of it that is not theirs.
 */
import type { Clock } from '../src/ports.js'
import {
  createWebCryptoSuite,
  encodeBase64url,
  PROOF_FIELD,
  type RoomScope,
  type Subject,
  signingText,
} from '../src/trust.js'
import type { IssueOptions, TestIssuer } from './credentials.js'

const suite = createWebCryptoSuite()

export async function createForger(
  issuer: TestIssuer,
  clock: Clock,
  userId: string,
  sessionId = `${userId}-forger`,
  issue?: Partial<IssueOptions>,
) {
  const key = await suite.generateSessionKey()
  const cred = await issuer.issue({ userId, sessionId, publicKey: key.publicJwk, ...issue })
  return {
    sessionId,
    async sign(
      scope: RoomScope,
      subject: Subject,
      body: Record<string, unknown>,
      times: { at?: number; until?: number; room?: string } = {},
    ): Promise<Record<string, unknown>> {
      const at = times.at ?? clock.now()
      const until = subject.kind === 'presence' ? (times.until ?? at + 30_000) : times.until
      const text = signingText(scope, subject, at, until, body)
      const sig = encodeBase64url(await key.sign(new TextEncoder().encode(text)))
      const proof = {
        v: 1,
        cred,
        room: times.room ?? scope.roomId,
        at,
        ...(until === undefined ? {} : { until }),
        sig,
      }
      return { ...body, [PROOF_FIELD]: proof }
    },
  }
}
