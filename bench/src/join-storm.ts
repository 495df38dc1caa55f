/**
 * The join storm of the supabase-transport and verified-presence benches: on a fresh local Realtime
 * server (its own process), the observers (a process each) open the room and sync, then `storm`
 * raw supabase-js channels (spread over `processes` sessions processes, `concurrency` handshakes in
 * flight) join it and track a session meta. Each observer reports the CPU it spent from the start
 * until it saw its `target` members. With `signing`, the joiners track metas signed as verified
 * sessions sign them (signed in their own processes before the storm, untimed).
 */
import type { ChildProcess } from 'node:child_process'
import { forkModule, next, stopAll } from './child-processes.js'
import type { ObserverCommand, ObserverKind } from './supabase-transport-observer.js'
import type { SessionsCommand } from './supabase-transport-sessions.js'
import type { SigningSetup } from './verified-signing.js'

const SERVER = new URL('./realtime-bench-server.ts', import.meta.url)
const SESSIONS_CHILD = new URL('./supabase-transport-sessions.ts', import.meta.url)
const OBSERVER_CHILD = new URL('./supabase-transport-observer.ts', import.meta.url)

/** The local Realtime server in a process of its own, and its URL. */
export async function startServer(): Promise<{ server: ChildProcess; url: string }> {
  const server = forkModule(SERVER)
  const { url } = await next<{ url: string }>(server, 'ready')
  return { server, url }
}

export interface StormObserver {
  readonly kind: ObserverKind
  /** Present members (itself and the other observers it accepts included) that end its storm. */
  readonly target: number
}

export interface StormOptions {
  readonly storm: number
  readonly processes: number
  readonly concurrency: number
  readonly observers: readonly StormObserver[]
  readonly signing?: SigningSetup
  readonly roomId?: string
}

export interface Storm {
  readonly kind: ObserverKind
  readonly cpuMs: number
  readonly wallMs: number
  readonly events: number
  /** Errors the observer's client reported (a verified one: presence it dropped). */
  readonly errors?: number
  /** The same by `code` or `code:reason`. */
  readonly errorKinds?: Readonly<Record<string, number>>
}

export async function runJoinStorm(options: StormOptions): Promise<Storm[]> {
  const { storm, processes, concurrency, signing, roomId = 'storm' } = options
  const { server, url } = await startServer()
  const children: ChildProcess[] = [server]
  try {
    const observers = options.observers.map(() => forkModule(OBSERVER_CHILD))
    children.push(...observers)
    await Promise.all(observers.map((o) => next(o, 'ready')))
    const opened = observers.map((o) => next(o, 'opened'))
    observers.forEach((o, i) => {
      const command: ObserverCommand = {
        type: 'open',
        kind: options.observers[i]!.kind,
        url,
        roomId,
        ...(signing ? { signing } : {}),
      }
      o.send(command)
    })
    await Promise.all(opened)
    const joiners = Array.from({ length: processes }, () => forkModule(SESSIONS_CHILD))
    children.push(...joiners)
    await Promise.all(joiners.map((j) => next(j, 'ready')))
    const per = Math.ceil(storm / processes)
    const share = (i: number) => ({
      first: i * per,
      count: Math.max(0, Math.min(per, storm - i * per)),
    })
    if (signing) {
      const signed = joiners.map((j) => next(j, 'signed', 120_000))
      joiners.forEach((j, i) => {
        j.send({ type: 'sign', signing, roomId, ...share(i) } satisfies SessionsCommand)
      })
      await Promise.all(signed)
    }
    const seen = observers.map((o) => next<Omit<Storm, 'kind'>>(o, 'seen', 600_000))
    observers.forEach((o, i) => {
      o.send({ type: 'go', target: options.observers[i]!.target } satisfies ObserverCommand)
    })
    joiners.forEach((j, i) => {
      const command: SessionsCommand = {
        type: 'storm',
        url,
        roomId,
        ...share(i),
        concurrency: concurrency / processes,
      }
      j.send(command)
    })
    const results = await Promise.all(seen)
    return results.map((r, i) => ({ kind: options.observers[i]!.kind, ...r }))
  } finally {
    await stopAll(children)
  }
}
