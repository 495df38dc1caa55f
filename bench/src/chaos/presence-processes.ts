/**
 * The parent's side of presence-process.ts (clients in their own processes) and of the observer
 * that watches them from this process. Waits are on events — IPC messages and room changes — and a
 * fail time only turns a hang into an error naming what was awaited.
 */
import type { ChildProcess } from 'node:child_process'
import {
  type Clock,
  createPresenceClient,
  type HeartbeatPolicy,
  type PresenceClient,
  type PresenceRoom,
  type PresenceTrust,
  type Status,
} from '@wedsync/presence-core'
import { createPresenceSupabaseClient, createSupabaseTransport } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY, type RealtimeStats } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'
import { forkModule, next } from '../child-processes.js'
import type { PresenceProcessConfig } from './presence-process.js'
import { createChangeSignal, waitFor } from './wait-for.js'

export interface PresenceProcess {
  readonly child: ChildProcess
  readonly userId: string
  /** The session id, once the room was first joined. */
  readonly sessionId: Promise<string>
  /** How many times the room was joined so far. */
  joins(): number
  /** Resolves once the room has been joined `count` times in all (rejoins included). */
  joined(count: number, failMs?: number): Promise<void>
  setStatus(status: 'busy' | 'away' | null): void
  /**
   * Resolves once the client's own room shows it with `status`: what published it was answered
   * (nothing of it still in flight), so a freeze now leaves no call to time out on resuming.
   */
  shownToItself(status: string, failMs?: number): Promise<number>
  /** SIGKILL (dies, its socket closed by the OS) or SIGSTOP (frozen, socket open and silent). */
  signal(signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT'): void
}

export function spawnPresence(config: PresenceProcessConfig): PresenceProcess {
  const child = forkModule(new URL('./presence-process.ts', import.meta.url), [
    JSON.stringify(config),
  ])
  let joins = 0
  let selfStatus: string | undefined
  /** Told of every message that changes what the waits below look at. */
  const heard = createChangeSignal()
  child.on('message', (message: { type: string; status?: string }) => {
    if (message.type === 'self') selfStatus = message.status
    else if (message.type === 'joined') joins++
    else return
    heard.changed()
  })
  const sessionId = next<{ sessionId: string }>(child, 'joined', 60_000).then((m) => m.sessionId)
  return {
    child,
    userId: config.userId,
    sessionId,
    joins: () => joins,
    joined: async (count, failMs = 60_000) => {
      await waitFor(`${config.userId} joined ${count} times`, () => joins >= count, heard, failMs)
    },
    setStatus: (status) => child.send({ type: 'status', status }),
    shownToItself: (status, failMs = 60_000) =>
      waitFor(
        `${config.userId} shown ${status} to itself`,
        () => selfStatus === status,
        heard,
        failMs,
      ),
    signal: (signal) => child.kill(signal),
  }
}

/** Kills every process left (a failed scenario must not leave clients behind). */
export function killAll(processes: readonly PresenceProcess[]): void {
  for (const p of processes)
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL')
}

export interface Observer {
  readonly client: PresenceClient
  readonly room: PresenceRoom
  /** Resolves with the milliseconds it took for `check` to hold (at once: 0). */
  until(what: string, check: (room: PresenceRoom) => boolean, failMs?: number): Promise<number>
  close(): void
}

/** A presence client in this process, in `roomId`, that watches the others. */
export function observe(
  url: string,
  roomId: string,
  options: {
    userId?: string
    heartbeat?: Partial<HeartbeatPolicy>
    /** A device clock (one that is off, for clock-skew scenarios); default the system's. */
    clock?: Clock
    /** Verified presence (createSessionTrust); default unverified. */
    trust?: PresenceTrust
  } = {},
): Observer {
  const supabase = createPresenceSupabaseClient(url, DEV_ANON_KEY, {
    realtime: { transport: WebSocket as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  const client = createPresenceClient({
    transport: createSupabaseTransport(supabase),
    userId: options.userId ?? 'u-observer',
    ...(options.heartbeat && { heartbeat: options.heartbeat }),
    ...(options.clock && { clock: options.clock }),
    ...(options.trust && { trust: options.trust }),
  })
  const room = client.enter(roomId)
  return {
    client,
    room,
    until: (what, check, failMs = 60_000) =>
      waitFor(
        what,
        () => check(room),
        { subscribe: (onChange) => room.subscribe(onChange) },
        failMs,
      ),
    close() {
      client.destroy()
      supabase.realtime.disconnect()
    },
  }
}

export interface RealtimeProcess {
  readonly child: ChildProcess
  readonly url: string
  readonly port: number
  stats(): Promise<RealtimeStats>
}

/** The local Realtime server in a child process (realtime-server-process.ts) on `port` (0: free). */
export async function spawnRealtime(port = 0): Promise<RealtimeProcess> {
  const child = forkModule(new URL('./realtime-server-process.ts', import.meta.url), [String(port)])
  const listening = await next<{ url: string; port: number }>(child, 'listening')
  return {
    child,
    url: listening.url,
    port: listening.port,
    async stats() {
      child.send({ type: 'stats' })
      return (await next<{ stats: RealtimeStats }>(child, 'stats')).stats
    },
  }
}

/**
 * Asks `check` again every `everyMs` until it returns something other than `false`/`undefined`,
 * for conditions nothing announces (a server's counters). `failMs` turns a hang into an error.
 */
export async function pollUntil<T>(
  check: () => Promise<T | false | undefined>,
  what: string,
  { everyMs = 100, failMs = 30_000 } = {},
): Promise<T> {
  const deadline = performance.now() + failMs
  for (;;) {
    const value = await check()
    if (value !== false && value !== undefined) return value
    if (performance.now() > deadline)
      throw new Error(`gave up after ${failMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

/**
 * True when `userId` is shown with `status` and exactly one session, `sessionId`: back after a
 * fault, with no duplicate and no stale session left beside the live one.
 */
export function shownOnceAs(
  room: PresenceRoom,
  userId: string,
  sessionId: string,
  status: Status = 'online',
): boolean {
  const member = room.member(userId)
  return (
    member?.status === status &&
    member.sessions.length === 1 &&
    member.sessions[0]!.sessionId === sessionId
  )
}
