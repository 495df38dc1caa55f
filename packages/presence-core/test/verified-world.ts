/**
 * A world of verified clients for tests: a fake clock, an in-memory hub, a jose-backed issuer,
 * and what a malicious member uses — a raw connection to the hub (no proof at all) and a way to
 * sign anything with a credential of their own. Verification runs on real WebCrypto, which
 * completes on its own thread pool: `until` yields to the event loop until a condition holds.
 */
import { createFakeClock, createMemoryHub, type FakeClock } from '@wedsync/presence-testing'
import { createPresenceClient, type PresenceClientOptions } from '../src/client.js'
import type { PresenceError } from '../src/errors.js'
import type { TransportRoom } from '../src/ports.js'
import {
  createSessionTrust,
  createWebCryptoSuite,
  encodeBase64url,
  PROOF_FIELD,
  type RoomScope,
  type SessionTrustOptions,
  type Subject,
  signingText,
} from '../src/trust.js'
import { createTestIssuer, type IssueOptions } from './credentials.js'

export const ROOM = 'wedding:123'
export const START = Date.UTC(2026, 5, 12, 9, 0)

/** Yields to the event loop (timers, I/O, WebCrypto's thread pool) and runs due fake timers. */
async function turn(clock: FakeClock): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
  await clock.flush()
}

export async function createVerifiedWorld(options: { readonly start?: number } = {}) {
  const clock = createFakeClock(options.start ?? START)
  const hub = createMemoryHub({ clock })
  const issuer = await createTestIssuer(clock)
  const suite = createWebCryptoSuite()
  let sessions = 0

  /** A verified client; `trust` options are laid over the defaults. */
  function member(
    userId: string,
    options: Partial<PresenceClientOptions> & { trust?: Partial<SessionTrustOptions> } = {},
  ) {
    const { trust: trustOptions, ...clientOptions } = options
    const errors: PresenceError[] = []
    const source = issuer.source()
    const label = `${userId}#${++sessions}`
    const client = createPresenceClient({
      transport: hub.connect(label),
      userId,
      clock,
      ...clientOptions,
      trust: createSessionTrust({
        credentials: source,
        keys: { jwks: issuer.jwks },
        ...trustOptions,
      }),
    })
    client.on('error', (e) => errors.push(e))
    return { client, errors, source, label }
  }

  /** Resolves once `check` holds; the bound only turns a hang into a failure. */
  async function until(check: () => unknown, what: string, turns = 20_000): Promise<void> {
    for (let i = 0; i < turns; i++) {
      if (check()) return
      await turn(clock)
    }
    throw new Error(`gave up waiting for ${what}`)
  }

  /** `promise`'s value, running the fake clock while it waits (hub calls wait for their join). */
  async function settle<T>(promise: Promise<T>, what = 'a call'): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined
    promise.then(
      (value) => {
        outcome = { value }
      },
      (error: unknown) => {
        outcome = { error }
      },
    )
    await until(() => outcome, what)
    if ('error' in outcome!) throw outcome.error
    return outcome!.value
  }

  /** A session of `userId` with a credential of its own: it can sign anything. */
  async function signer(
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
      ) {
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

  /** A raw connection to the hub under any key: what a malicious member's own client can do. */
  function raw(label: string, key: string, roomId = ROOM): TransportRoom {
    return hub.connect(label).openRoom(roomId, { key })
  }

  return { clock, hub, issuer, member, until, settle, signer, raw }
}

/** The PRESENCE_NOT_VERIFIED reasons in `errors`. */
export function dropReasons(errors: readonly PresenceError[]): string[] {
  return errors
    .filter((e) => e.code === 'PRESENCE_NOT_VERIFIED')
    .map((e) => (e.details as { reason: string }).reason)
}
