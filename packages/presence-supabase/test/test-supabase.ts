/**
 * Test support: real supabase-js clients against the local Realtime server, each on sockets the
 * test can cut (terminated without a close frame, as when the network drops), reconnecting fast.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import type {
  PresenceError,
  PresenceRoom,
  PresenceTransport,
  TransportRoom,
} from '@wedsync/presence-core'
import {
  DEV_ANON_KEY,
  type RealtimeServer,
  type RealtimeServerOptions,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
// Node 20 has no global WebSocket: supabase-js takes the ws constructor as its transport.
import WebSocket from 'ws'
import { fullJitterReconnect } from '../src/backoff.js'
import {
  createSupabaseTransport,
  type SupabaseTransport,
  type SupabaseTransportOptions,
} from '../src/transport.js'

export interface TestSupabaseOptions {
  /** A JWT for Realtime (`setAuth` before any channel joins). */
  readonly accessToken?: string
  /** realtime-js heartbeat. Default 25,000 ms (its own default). */
  readonly heartbeatIntervalMs?: number
  /** Push and join timeout. Default 5,000 ms. */
  readonly timeout?: number
}

export interface TestSupabase {
  readonly supabase: SupabaseClient
  /** Terminates every open socket of this client at once; realtime-js reconnects after 50 ms. */
  cut(): void
  /** Sockets opened so far (1 + reconnects). */
  opened(): number
  /** Disconnects for good and drops whatever socket is left. */
  dispose(): void
}

export function openSupabase(url: string, options: TestSupabaseOptions = {}): TestSupabase {
  const sockets = new Set<WebSocket>()
  let opened = 0
  class CuttableWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols)
      opened++
      sockets.add(this)
      this.on('close', () => sockets.delete(this))
    }
  }
  const supabase = createClient(url, DEV_ANON_KEY, {
    realtime: {
      transport: CuttableWebSocket as never,
      // Quick for tests, but jittered: a fixed schedule would be reported by the transport.
      reconnectAfterMs: fullJitterReconnect({ baseMs: 50, capMs: 200 }),
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 25_000,
      timeout: options.timeout ?? 5_000,
    },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  if (options.accessToken) void supabase.realtime.setAuth(options.accessToken)
  return {
    supabase,
    cut() {
      for (const socket of sockets) socket.terminate()
    },
    opened: () => opened,
    dispose() {
      void supabase.realtime.disconnect()
      for (const socket of sockets) socket.terminate()
    },
  }
}

/** Collects what transports report, so a test can assert that nothing was (or what was). */
export function errorLog(): {
  readonly errors: PresenceError[]
  onError(error: PresenceError): void
} {
  const errors: PresenceError[] = []
  return { errors, onError: (error) => errors.push(error) }
}

/** Servers, clients and transports a test opened, closed together after it. */
export interface TestWorld {
  start(options?: RealtimeServerOptions): Promise<RealtimeServer>
  client(server: RealtimeServer, options?: TestSupabaseOptions): TestSupabase
  /** A transport on a new client; its reports go to `world.errors` unless `onError` is given. */
  transport(
    server: RealtimeServer,
    options?: SupabaseTransportOptions & { readonly client?: TestSupabaseOptions },
  ): SupabaseTransport & { readonly client: TestSupabase }
  readonly errors: PresenceError[]
  cleanup(): Promise<void>
}

export function createTestWorld(): TestWorld {
  const servers: RealtimeServer[] = []
  const clients: TestSupabase[] = []
  const log = errorLog()
  const world: TestWorld = {
    errors: log.errors,
    async start(options = {}) {
      const server = await startRealtimeServer(options)
      servers.push(server)
      return server
    },
    client(server, options) {
      const client = openSupabase(server.url, options)
      clients.push(client)
      return client
    },
    transport(server, options = {}) {
      const { client: clientOptions, ...transportOptions } = options
      const client = world.client(server, clientOptions)
      const transport = createSupabaseTransport(client.supabase, {
        onError: log.onError,
        ...transportOptions,
      })
      return Object.assign(transport, { client })
    },
    async cleanup() {
      for (const client of clients.splice(0)) client.dispose()
      for (const server of servers.splice(0)) await server.stop()
      log.errors.length = 0
    },
  }
  return world
}

/** A transport whose calls can be awaited: how a test knows the server has handled them. */
export interface CallTracker {
  readonly transport: PresenceTransport
  /** Presence calls (track/untrack) made so far. */
  readonly presenceCalls: number
  /** Resolves once every call made so far has been answered (or has failed). */
  settled(): Promise<void>
}

export function trackCalls(inner: PresenceTransport): CallTracker {
  const pending = new Set<Promise<unknown>>()
  let presenceCalls = 0
  const record = <T>(promise: Promise<T>): Promise<T> => {
    const settled: Promise<unknown> = promise.then(
      () => pending.delete(settled),
      () => pending.delete(settled),
    )
    pending.add(settled)
    return promise
  }
  return {
    transport: {
      openRoom(roomId, options) {
        const room = inner.openRoom(roomId, options)
        const wrapped: TransportRoom = {
          track(meta) {
            presenceCalls++
            return record(room.track(meta))
          },
          untrack() {
            presenceCalls++
            return record(room.untrack())
          },
          send: (event, payload) => record(room.send(event, payload)),
          onPresence: (listener) => room.onPresence(listener),
          onMessage: (event, listener) => room.onMessage(event, listener),
          onStatus: (listener) => room.onStatus(listener),
          close: () => room.close(),
        }
        return wrapped
      },
    },
    get presenceCalls() {
      return presenceCalls
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}

/**
 * Resolves with the wall-clock ms until `check` held for `room`, re-checked on every new snapshot.
 * `failMs` only turns a hang into a failure naming `description`.
 */
export function untilRoom(
  room: PresenceRoom,
  description: string,
  check: () => boolean,
  failMs = 10_000,
): Promise<number> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`gave up after ${failMs} ms waiting for ${description}`))
    }, failMs)
    const attempt = () => {
      if (!check()) return
      clearTimeout(timer)
      off()
      resolve(performance.now() - started)
    }
    const off = room.subscribe(attempt)
    attempt()
  })
}

/**
 * Waiting on events, not on time: whatever a test observes calls `changed()`, and every pending
 * `until` checks again. `failMs` only turns a hang into a failure naming what was awaited (and
 * what `seen` says was observed instead).
 */
export function eventWaits(failMs = 10_000) {
  const waiters = new Set<() => void>()
  return {
    changed(): void {
      for (const waiter of [...waiters]) waiter()
    },
    until<T>(check: () => T | undefined | false, what: string, seen?: () => string): Promise<T> {
      return new Promise((resolve, reject) => {
        const attempt = () => {
          const value = check()
          if (value === undefined || value === false) return
          done()
          resolve(value)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`gave up waiting for ${what}${seen ? `; saw ${seen()}` : ''}`))
        }, failMs)
        const done = () => {
          clearTimeout(timer)
          waiters.delete(attempt)
        }
        waiters.add(attempt)
        attempt()
      })
    },
  }
}
