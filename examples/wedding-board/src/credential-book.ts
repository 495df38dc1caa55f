/**
 * The session credentials this page was issued (verified presence), by session id, for requests
 * that must carry them (`x-presence-session`): the presence reporter's status reports, heartbeats
 * and leave. A session's first report can come before its credential does (the room publishes
 * while the credential is on its way), so `get` waits for it — at most `waitMs`, then answers
 * undefined and the request goes without (the server says why). A renewal replaces the old one.
 */
import { type Scheduler, systemScheduler } from '@wedsync/presence-core'

export interface CredentialBook {
  /** Keeps the credential issued for `sessionId`, and hands it to whoever waits for it. */
  issued(sessionId: string, credential: string): void
  /** The session's credential, once issued (at most `waitMs` from now). */
  get(sessionId: string): Promise<string | undefined>
}

export function createCredentialBook(
  options: { readonly scheduler?: Scheduler; readonly waitMs?: number } = {},
): CredentialBook {
  const scheduler = options.scheduler ?? systemScheduler
  const waitMs = options.waitMs ?? 10_000
  const credentials = new Map<string, string>()
  const waiting = new Map<string, Set<(credential: string | undefined) => void>>()
  return {
    issued(sessionId, credential) {
      credentials.set(sessionId, credential)
      const waiters = waiting.get(sessionId)
      waiting.delete(sessionId)
      for (const resolve of waiters ?? []) resolve(credential)
    },
    get(sessionId) {
      const known = credentials.get(sessionId)
      if (known !== undefined) return Promise.resolve(known)
      return new Promise((resolve) => {
        const waiters = waiting.get(sessionId) ?? new Set()
        waiting.set(sessionId, waiters)
        const done = (credential: string | undefined) => {
          cancel()
          waiters.delete(done)
          resolve(credential)
        }
        const cancel = scheduler.schedule(waitMs, () => done(undefined))
        waiters.add(done)
      })
    },
  }
}
