/**
 * Test support for the conformance suites: the real clients (realtime-js 2.119.1 on vsn 2.0.0,
 * realtime-js 2.99.3 on vsn 1.0.0, supabase-js 2.119.1), wrapped so a test can wait for what a
 * channel observed (statuses, presence, broadcasts, system messages) without sleeping.
 */
import { RealtimeClient } from '@supabase/realtime-js'
import { createClient } from '@supabase/supabase-js'
import { RealtimeClient as RealtimeClient2993 } from 'realtime-js-2993'
import type { RealtimeOptions } from '../../src/realtime/options.js'
import { DEV_ANON_KEY } from '../../src/realtime/options.js'
import type { RealtimeStats } from '../../src/realtime/stats.js'
import type { TestProxy } from './test-proxy.js'

export type ClientKind = 'realtime-js' | 'realtime-js-2993' | 'supabase-js'

export interface ClientSpec {
  readonly kind: ClientKind
  readonly label: string
  readonly vsn: '1.0.0' | '2.0.0'
}

export const CLIENTS: readonly ClientSpec[] = [
  { kind: 'realtime-js', label: 'realtime-js 2.119.1 vsn 2.0.0', vsn: '2.0.0' },
  { kind: 'realtime-js-2993', label: 'realtime-js 2.99.3 vsn 1.0.0', vsn: '1.0.0' },
  { kind: 'supabase-js', label: 'supabase-js 2.119.1 createClient', vsn: '2.0.0' },
]

/** Where clients connect. */
export interface Target {
  /** HTTP base for supabase-js. */
  readonly url: string
  /** `ws://host:port/socket` for realtime-js. */
  readonly socketUrl: string
  readonly transport: unknown
}

export interface ClientOptions {
  readonly apikey?: string
  readonly heartbeatIntervalMs?: number
  /** Push and join timeout. Default 5 s. */
  readonly timeout?: number
  readonly logger?: (kind: string, msg: string, data?: unknown) => void
}

/** The parts of a realtime-js channel the suites use (the same in all three clients). */
interface RawChannel {
  on(type: string, filter: Record<string, unknown>, callback: (payload: never) => void): RawChannel
  subscribe(callback: (status: string, error?: Error) => void): RawChannel
  track(payload: Record<string, unknown>): Promise<string>
  untrack(): Promise<string>
  send(args: Record<string, unknown>): Promise<string>
  httpSend?(event: string, payload: unknown): Promise<{ success: boolean }>
  presenceState(): Record<string, Record<string, unknown>[]>
  unsubscribe(): Promise<string>
}

interface RawRealtime {
  channel(name: string, options: Record<string, unknown>): RawChannel
  setAuth(token?: string | null): Promise<void>
  disconnect(): void
  removeChannel(channel: RawChannel): Promise<string>
}

export interface ChannelOptions {
  readonly presence?: { readonly key?: string; readonly enabled?: boolean }
  readonly broadcast?: { readonly self?: boolean; readonly ack?: boolean }
  readonly private?: boolean
  /** Register presence listeners (this also turns presence on). Default true. */
  readonly listen?: boolean
  /** Track this payload after every SUBSCRIBED, as apps do. */
  readonly trackOnSubscribe?: Record<string, unknown>
}

export type Observed =
  | { readonly kind: 'status'; readonly status: string; readonly message?: string }
  | { readonly kind: 'sync' }
  | { readonly kind: 'join' | 'leave'; readonly key: string; readonly metas: unknown[] }
  | { readonly kind: 'broadcast'; readonly payload: Record<string, unknown> }
  | { readonly kind: 'system'; readonly payload: Record<string, unknown> }

const WAIT_FAIL_MS = 8_000

export class TestChannel {
  readonly log: Observed[] = []
  private readonly waiters = new Set<() => void>()

  constructor(
    readonly raw: RawChannel,
    readonly name: string,
  ) {}

  record(entry: Observed): void {
    this.log.push(entry)
    for (const waiter of [...this.waiters]) waiter()
  }

  /** Presence as the app sees it: key → metas without `presence_ref`. */
  state(): Record<string, Record<string, unknown>[]> {
    const out: Record<string, Record<string, unknown>[]> = {}
    for (const [key, metas] of Object.entries(this.raw.presenceState())) {
      out[key] = metas.map(({ presence_ref: _ref, ...meta }) => meta)
    }
    return out
  }

  refs(key: string): string[] {
    return (this.raw.presenceState()[key] ?? []).map((meta) => String(meta.presence_ref))
  }

  statuses(): string[] {
    return this.log.flatMap((e) => (e.kind === 'status' ? [e.status] : []))
  }

  broadcasts(): Record<string, unknown>[] {
    return this.log.flatMap((e) => (e.kind === 'broadcast' ? [e.payload] : []))
  }

  systems(): Record<string, unknown>[] {
    return this.log.flatMap((e) => (e.kind === 'system' ? [e.payload] : []))
  }

  /** Resolves with `check()`'s first truthy result, re-checked after every observed event. */
  until<T>(check: () => T | undefined | false | null, description: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const attempt = () => {
        let value: T | undefined | false | null
        try {
          value = check()
        } catch (error) {
          finish()
          reject(error)
          return
        }
        if (value !== undefined && value !== false && value !== null) {
          finish()
          resolve(value)
        }
      }
      const timer = setTimeout(() => {
        finish()
        reject(
          new Error(
            `${this.name}: gave up waiting for ${description}; saw ${JSON.stringify(this.log.slice(-12))}`,
          ),
        )
      }, WAIT_FAIL_MS)
      const finish = () => {
        clearTimeout(timer)
        this.waiters.delete(attempt)
      }
      this.waiters.add(attempt)
      attempt()
    })
  }

  /** Waits for the n-th SUBSCRIBED (1 = the first). */
  subscribed(n = 1): Promise<void> {
    return this.until(
      () => this.statuses().filter((s) => s === 'SUBSCRIBED').length >= n || undefined,
      `SUBSCRIBED #${n}`,
    ).then(() => undefined)
  }

  /** Waits for a status, counting from entry `from` of the log. */
  status(status: string, from = 0): Promise<Observed> {
    return this.until(
      () => this.log.slice(from).find((e) => e.kind === 'status' && e.status === status),
      `status ${status}`,
    )
  }
}

export class TestClient {
  constructor(
    readonly spec: ClientSpec,
    readonly realtime: RawRealtime,
  ) {}

  channel(name: string, options: ChannelOptions = {}): TestChannel {
    const config: Record<string, unknown> = {}
    if (options.presence) config.presence = options.presence
    if (options.broadcast) config.broadcast = options.broadcast
    if (options.private) config.private = true
    const raw = this.realtime.channel(name, { config })
    const channel = new TestChannel(raw, `${this.spec.kind}:${name}`)
    if (options.listen !== false) {
      raw.on('presence', { event: 'sync' }, () => channel.record({ kind: 'sync' }))
      raw.on('presence', { event: 'join' }, (e: { key: string; newPresences: unknown[] }) =>
        channel.record({ kind: 'join', key: e.key, metas: e.newPresences }),
      )
      raw.on('presence', { event: 'leave' }, (e: { key: string; leftPresences: unknown[] }) =>
        channel.record({ kind: 'leave', key: e.key, metas: e.leftPresences }),
      )
    }
    raw.on('broadcast', { event: '*' }, (payload: Record<string, unknown>) =>
      channel.record({ kind: 'broadcast', payload }),
    )
    raw.on('system', {}, (payload: Record<string, unknown>) =>
      channel.record({ kind: 'system', payload }),
    )
    raw.subscribe((status, error) => {
      // realtime-js 2.99.3 wraps a join error's reason in JSON quotes; 2.119.1 does not.
      const message = error?.message.replace(/^"(.*)"$/, '$1')
      channel.record({ kind: 'status', status, ...(message === undefined ? {} : { message }) })
      if (status === 'SUBSCRIBED' && options.trackOnSubscribe) {
        void raw.track(options.trackOnSubscribe)
      }
    })
    return channel
  }

  setAuth(token: string | null): Promise<void> {
    return this.realtime.setAuth(token)
  }

  disconnect(): void {
    this.realtime.disconnect()
  }
}

/** Opens one client of `spec` against `target`; reconnects and rejoins quickly. */
export function openClient(
  spec: ClientSpec,
  target: Target,
  options: ClientOptions = {},
): TestClient {
  const apikey = options.apikey ?? DEV_ANON_KEY
  const settings = {
    transport: target.transport,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 25_000,
    timeout: options.timeout ?? 5_000,
    reconnectAfterMs: () => 50,
    ...(options.logger ? { logger: options.logger } : {}),
  }
  if (spec.kind === 'supabase-js') {
    const client = createClient(target.url, apikey, {
      realtime: settings as never,
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    })
    return new TestClient(spec, client.realtime as unknown as RawRealtime)
  }
  const Client = spec.kind === 'realtime-js' ? RealtimeClient : RealtimeClient2993
  const realtime = new (Client as unknown as new (url: string, options: unknown) => RawRealtime)(
    target.socketUrl,
    { ...settings, params: { apikey }, vsn: spec.vsn },
  )
  return new TestClient(spec, realtime)
}

/** Fails the test with any exception a client threw outside a test's own code. */
export function guardUncaught(): { readonly errors: unknown[]; dispose(): void } {
  const errors: unknown[] = []
  const onError = (error: unknown) => errors.push(error)
  process.on('uncaughtException', onError)
  process.on('unhandledRejection', onError)
  return {
    errors,
    dispose() {
      process.off('uncaughtException', onError)
      process.off('unhandledRejection', onError)
    },
  }
}

/** What a conformance suite runs against: the ws server, or the msw handlers. */
export interface BackendInstance {
  readonly target: Target
  stats(): RealtimeStats
  restart(): Promise<void>
  stop(): Promise<void>
  /** The same server behind a proxy that can drop all traffic (only over real sockets). */
  proxied?(): Promise<{ readonly target: Target; readonly proxy: TestProxy }>
}

export interface Backend {
  readonly name: string
  /** Real TCP sockets, so a proxy can cut traffic silently (the heartbeat-timeout scenario). */
  readonly realSockets: boolean
  start(options?: RealtimeOptions): Promise<BackendInstance>
}
