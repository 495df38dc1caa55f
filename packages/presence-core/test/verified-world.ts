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
import { createSessionTrust, type SessionTrustOptions } from '../src/trust.js'
import { createTestIssuer, type IssueOptions } from './credentials.js'
import { createForger } from './forger.js'

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
  let sessions = 0

  /** A verified client; `trust` options are laid over the defaults. */
  function member(
    userId: string,
    options: Omit<Partial<PresenceClientOptions>, 'trust'> & {
      trust?: Partial<SessionTrustOptions>
    } = {},
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

  /** The venue coordinator, verified, with the wedding's room open and joined. */
  async function coordinator() {
    const venue = member('u-venue')
    const board = venue.client.enter(ROOM)
    await until(() => board.connection === 'joined', 'the board joined')
    return { venue, board }
  }

  /** A session of `userId` with a credential of its own: it can sign anything (forger.ts). */
  const signer = (userId: string, sessionId?: string, issue?: Partial<IssueOptions>) =>
    createForger(issuer, clock, userId, sessionId, issue)

  /** A raw connection to the hub under any key: what a malicious member's own client can do. */
  function raw(label: string, key: string, roomId = ROOM): TransportRoom {
    return hub.connect(label).openRoom(roomId, { key })
  }

  return { clock, hub, issuer, member, coordinator, until, settle, signer, raw }
}

/** The PRESENCE_NOT_VERIFIED reasons in `errors`. */
export function dropReasons(errors: readonly PresenceError[]): string[] {
  return errors
    .filter((e) => e.code === 'PRESENCE_NOT_VERIFIED')
    .map((e) => (e.details as { reason: string }).reason)
}
