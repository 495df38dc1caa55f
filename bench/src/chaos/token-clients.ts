/**
 * The parent's side of token-client-process.ts: an auth server that issues the clients' access
 * tokens over IPC (and can be taken down: it then refuses every request), and the clients
 * themselves, with what each one's app was told. Waits are on IPC messages; a fail time only turns
 * a hang into an error naming what was awaited.
 */
import type { ChildProcess } from 'node:child_process'
import { createAccessToken } from '@wedsync/presence-testing/server'
import { forkModule, next } from '../child-processes.js'
import type { TokenClientConfig } from './token-client-process.js'

/** Issues tokens of the configured lifetime while `available`; refuses while it is not. */
export interface AuthServer {
  available: boolean
  /** Tokens issued and requests refused so far. */
  readonly counts: { issued: number; refused: number }
}

export function createAuthServer(): AuthServer {
  return { available: true, counts: { issued: 0, refused: 0 } }
}

/** One thing a client's app was told: a room status (with its reason) or an error. */
export type Told =
  | { readonly kind: 'status'; readonly status: string; readonly reason?: string }
  | { readonly kind: 'error'; readonly code: string; readonly message: string }

export interface TokenClient {
  readonly child: ChildProcess
  readonly userId: string
  /** The session id, once the room was first joined. */
  readonly sessionId: Promise<string>
  /** Everything its app was told, in order. */
  readonly told: Told[]
  /** The `exp` (epoch seconds) of the newest token it holds. */
  tokenExp(): number
  /** Resolves once the room has been joined `count` times in all (rejoins included). */
  joined(count: number, failMs?: number): Promise<void>
  /** Resolves once its app has been told something `matches` (or fails after `failMs`). */
  toldSo(what: string, matches: (told: Told) => boolean, failMs?: number): Promise<void>
  setStatus(status: 'busy' | 'away' | null): void
}

export function spawnTokenClient(config: TokenClientConfig, auth: AuthServer): TokenClient {
  const child = forkModule(new URL('./token-client-process.ts', import.meta.url), [
    JSON.stringify(config),
  ])
  const told: Told[] = []
  let joins = 0
  let exp = 0
  const wakes = new Set<() => void>()
  child.on('message', (m: Record<string, unknown> & { type: string }) => {
    if (m.type === 'token-request') {
      void answer(m.id as number)
      return
    }
    if (m.type === 'token') exp = Math.max(exp, m.exp as number)
    if (m.type === 'joined') joins++
    if (m.type === 'connection')
      told.push({
        kind: 'status',
        status: m.status as string,
        ...(typeof m.reason === 'string' && { reason: m.reason }),
      })
    if (m.type === 'error')
      told.push({ kind: 'error', code: m.code as string, message: m.message as string })
    for (const wake of [...wakes]) wake()
  })
  async function answer(id: number): Promise<void> {
    if (!auth.available) {
      auth.counts.refused++
      child.send({ type: 'token-reply', id, error: 'the auth server is unavailable' })
      return
    }
    const token = await createAccessToken({
      expiresInSeconds: config.tokenLifetimeSeconds,
      claims: { sub: config.userId },
    })
    auth.counts.issued++
    child.send({ type: 'token-reply', id, token })
  }
  const waitFor = (what: string, holds: () => boolean, failMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        wakes.delete(wake)
        reject(new Error(`${config.userId}: ${what} not within ${failMs} ms`))
      }, failMs)
      const wake = () => {
        if (!holds()) return
        clearTimeout(timer)
        wakes.delete(wake)
        resolve()
      }
      wakes.add(wake)
      wake()
    })
  return {
    child,
    userId: config.userId,
    sessionId: next<{ sessionId: string }>(child, 'joined', 60_000).then((m) => m.sessionId),
    told,
    tokenExp: () => exp,
    joined: (count, failMs = 60_000) =>
      waitFor(`joined ${count} times`, () => joins >= count, failMs),
    toldSo: (what, matches, failMs = 60_000) => waitFor(what, () => told.some(matches), failMs),
    setStatus: (status) => child.send({ type: 'status', status }),
  }
}
