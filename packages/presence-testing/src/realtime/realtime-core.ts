/**
 * The Realtime protocol engine, independent of any transport: a transport checks a handshake,
 * then opens a connection with a `ConnectionPort` and feeds it frames. The ws server and the msw
 * handlers are thin glue over this. Time comes from the injected clock and scheduler only.
 */
import { type Clock, type Scheduler, systemClock, systemScheduler } from '@wedsync/presence-core'
import { Channel, channelKey } from './channel.js'
import { negotiateVsn } from './codec.js'
import { Connection, type ConnectionInfo, type ConnectionPort } from './connection.js'
import type { CoreContext } from './context.js'
import { EVENTS, type JsonObject, type Outbound, TOPIC_PREFIX } from './frames.js'
import { type Claims, createTokenVerifier, looksLikeJwt, type TokenVerifier } from './jwt.js'
import type { Membership } from './membership.js'
import {
  type Authorize,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEV_ANON_KEY,
  DEV_JWT_SECRET,
  DEV_SERVICE_ROLE_KEY,
  type RealtimeLimits,
  type RealtimeOptions,
  resolveLimits,
} from './options.js'
import { createCounters, type RealtimeStats, type StatsCounters } from './stats.js'

export interface HandshakeRequest {
  /** The `x-api-key` header, else the `apikey` header or query parameter. */
  readonly apiKey: string | undefined
  /** The `vsn` query parameter. */
  readonly vsn: string | undefined
}

/** A refused handshake: the HTTP status and body Supabase answers with. */
export interface HandshakeRefusal {
  readonly ok: false
  readonly status: number
  /** JSON `{"error": …}`, or empty for an unsupported vsn (403). */
  readonly body: string
}

export type Handshake = { readonly ok: true; readonly info: ConnectionInfo } | HandshakeRefusal

/** What a transport holds for one socket. */
export interface ConnectionHandle {
  receive(data: string | Uint8Array): void
  /** The socket closed (either side). */
  closed(): void
}

export interface RealtimeCore {
  readonly limits: RealtimeLimits
  handshake(request: HandshakeRequest): Handshake | Promise<Handshake>
  connect(port: ConnectionPort, info: ConnectionInfo): ConnectionHandle
  /** Claims for a REST call's token (Bearer, else apikey); undefined when it is not accepted. */
  restClaims(token: string | undefined): Promise<Claims | undefined>
  /** May `claims` broadcast to the private channel `name`? */
  mayWrite(name: string, claims: Claims): boolean | Promise<boolean>
  /** Delivers a server-side broadcast (REST) to every member of channel `name`. */
  publish(name: string, isPrivate: boolean, out: Outbound): void
  stats(): RealtimeStats
  /** Closes every socket (the transport reports each close back). */
  closeAll(code: number, reason: string): void
}

export function createRealtimeCore(options: RealtimeOptions = {}): RealtimeCore {
  const clock: Clock = options.clock ?? systemClock
  const scheduler: Scheduler = options.scheduler ?? (isScheduler(clock) ? clock : systemScheduler)
  const limits = resolveLimits(options.limits)
  const apiKeys = new Set(options.apiKeys ?? [DEV_ANON_KEY, DEV_SERVICE_ROLE_KEY])
  const verifyToken: TokenVerifier = createTokenVerifier(options.jwtSecret ?? DEV_JWT_SECRET, clock)
  const counters: StatsCounters = createCounters()
  const channels = new Map<string, Channel<Membership>>()
  const connections = new Set<Connection>()
  const refPrefix = randomText(8)
  let refCount = 0
  const reportError =
    options.onError ??
    ((error: unknown) => {
      queueMicrotask(() => {
        throw error
      })
    })

  const ctx: CoreContext<Membership> = {
    clock,
    scheduler,
    limits,
    idleTimeoutMs: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    joinErrorDelayMs: options.joinErrorDelayMs ?? 0,
    verifyToken,
    authorize: options.authorize as Authorize | undefined,
    counters,
    channel(topic, isPrivate) {
      const key = channelKey(topic, isPrivate)
      let channel = channels.get(key)
      if (!channel) {
        // phx_ref: 16 characters, unique per meta, and unlike any an earlier server run issued.
        channel = new Channel(
          topic,
          isPrivate,
          () => refPrefix + (refCount++).toString(36).padStart(8, '0'),
        )
        channels.set(key, channel)
      }
      return channel
    },
    release(channel) {
      const key = channelKey(channel.topic, channel.isPrivate)
      if (channels.get(key) === channel && channel.members.size === 0) channels.delete(key)
    },
    newPresenceKey: () => crypto.randomUUID(),
    reportError,
  }

  async function apiKeyClaims(apiKey: string): Promise<Claims | undefined> {
    if (!looksLikeJwt(apiKey)) return undefined
    const check = await verifyToken(apiKey)
    return check.ok ? check.claims : undefined
  }

  return {
    limits,
    async handshake({ apiKey, vsn }) {
      const refuse = (status: number, error?: string): HandshakeRefusal => {
        counters.refusedHandshakes++
        return { ok: false, status, body: error === undefined ? '' : JSON.stringify({ error }) }
      }
      const negotiated = negotiateVsn(vsn)
      if (!negotiated) return refuse(403)
      if (apiKey === undefined || apiKey === '') return refuse(401, 'API key is missing')
      if (connections.size >= limits.connections) return refuse(429, 'Too many connected users')
      if (apiKeys.has(apiKey)) {
        return {
          ok: true,
          info: { vsn: negotiated, apiKey, apiKeyClaims: await apiKeyClaims(apiKey) },
        }
      }
      const check = looksLikeJwt(apiKey) ? await verifyToken(apiKey) : undefined
      if (!check) return refuse(401, 'The token provided is not a valid JWT')
      if (!check.ok) {
        return refuse(401, check.failure === 'expired' ? 'Token has expired' : check.message)
      }
      return { ok: true, info: { vsn: negotiated, apiKey, apiKeyClaims: check.claims } }
    },

    connect(port, info) {
      const connection = new Connection(ctx, port, info, (closed) => connections.delete(closed))
      connections.add(connection)
      return {
        receive: (data) => connection.receive(data),
        closed: () => connection.closed(),
      }
    },

    async restClaims(token) {
      if (token === undefined || token === '') return undefined
      if (apiKeys.has(token))
        return (await apiKeyClaims(token)) ?? { role: 'anon', exp: Number.POSITIVE_INFINITY }
      const check = await verifyToken(token)
      return check.ok ? check.claims : undefined
    },

    mayWrite(name, claims) {
      return options.authorize ? options.authorize({ topic: name, claims, action: 'write' }) : true
    },

    publish(name, isPrivate, out) {
      channels.get(channelKey(TOPIC_PREFIX + name, isPrivate))?.publish(out)
    },

    stats() {
      let presences = 0
      for (const channel of channels.values()) presences += channel.presence.size
      return { ...counters, connections: connections.size, channels: channels.size, presences }
    },

    closeAll(code, reason) {
      for (const connection of [...connections]) connection.close(code, reason)
    },
  }
}

/** The JSON broadcast a server-side send delivers: `{type, event, payload}`. */
export function jsonBroadcast(name: string, event: string, payload: JsonObject): Outbound {
  return {
    kind: 'message',
    message: {
      joinRef: null,
      ref: null,
      topic: TOPIC_PREFIX + name,
      event: EVENTS.broadcast,
      payload: { type: 'broadcast', event, payload },
    },
  }
}

function isScheduler(clock: Clock): clock is Clock & Scheduler {
  return typeof (clock as Partial<Scheduler>).schedule === 'function'
}

function randomText(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let text = ''
  for (const byte of bytes) text += alphabet[byte & 63]
  return text
}
