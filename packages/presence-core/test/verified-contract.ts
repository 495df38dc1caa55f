/**
 * The transport contract's context for a verifying transport: each connection is its own session
 * of the user the contract names, with a credential from a jose-backed issuer. Anything a
 * connection drops or fails to verify is a contract failure: honest traffic must all verify.
 */
import type { TransportContractContext } from '@wedsync/presence-testing/contract'
import type { PresenceError } from '../src/errors.js'
import { type PresenceTransport, systemClock, systemScheduler } from '../src/ports.js'
import { createSessionTrust } from '../src/trust.js'
import { createTestIssuer } from './credentials.js'

export async function verifiedContext(
  base: Omit<TransportContractContext, 'connect'> & {
    connect(label: string): PresenceTransport
  },
): Promise<TransportContractContext> {
  const issuer = await createTestIssuer(systemClock)
  const reported: PresenceError[] = []
  const trusts: { dispose(): void }[] = []
  return {
    connect(label, key) {
      const trust = createSessionTrust({
        credentials: issuer.source(),
        keys: { jwks: issuer.jwks },
      })
      trusts.push(trust)
      return trust.wrap(base.connect(label), {
        userId: key,
        sessionId: `session-${label}`,
        clock: systemClock,
        scheduler: systemScheduler,
        report: (error) => reported.push(error),
      })
    },
    reconnect: (label) => base.reconnect(label),
    async cleanup() {
      for (const trust of trusts.splice(0)) trust.dispose()
      await base.cleanup()
      const problems = reported.splice(0)
      if (problems.length > 0)
        throw new Error(`honest traffic was reported: ${problems.map((e) => e.message).join('; ')}`)
    },
  }
}
