/**
 * `createSupabaseTransport`: the presence transport over Supabase Realtime, through public
 * supabase-js API only (`realtime.channel`, `track`, `untrack`, `on('presence' | 'broadcast' |
 * 'system')`, `send`, `subscribe`, `removeChannel`, `realtime.setAuth`). One channel per room,
 * the presence key is the user id, one meta per session. The transport never re-tracks after a
 * rejoin: the PresenceClient does, from the `joined` status (DESIGN §3, the port's guarantees).
 */
import type { RealtimeClient } from '@supabase/supabase-js'
import {
  type Clock,
  isValidPresenceKey,
  type OpenRoomOptions,
  PresenceError,
  type PresenceTransport,
  type Scheduler,
  schedulerFor,
  systemClock,
  type TransportRoom,
} from '@wedsync/presence-core'
import { DEFAULT_REJOIN_POLICY, type RejoinPolicy } from './channel-status.js'
import { warnOnFixedReconnectSchedule } from './reconnect-schedule.js'
import { SupabaseRoom } from './transport-room.js'

/** What the transport uses of a Supabase client: `createClient(...)` is one. */
export interface SupabaseRealtimeHost {
  readonly realtime: RealtimeClient
}

export interface SupabaseTransportOptions {
  /** The channel name of a room. Default: `presence:${roomId}`. */
  readonly topic?: (roomId: string) => string
  /**
   * Dropped presence (an entry without a usable ref, an invalid key), a listener that threw, a
   * `system` error from the server, a client that reconnects its socket on a fixed schedule
   * (once per client). Default: `console.warn`.
   */
  readonly onError?: (error: PresenceError) => void
  /** How long a call made before the room is joined waits for the join. Default 10,000 ms. */
  readonly joinWaitMs?: number
  /** Backoff after the server closed a channel (rate limit, expired token). */
  readonly rejoin?: Partial<RejoinPolicy>
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Jitter source for the backoff. Default `Math.random`. */
  readonly random?: () => number
}

export interface SupabaseTransport extends PresenceTransport {
  openRoom(roomId: string, options: OpenRoomOptions): TransportRoom
  /**
   * Hands a new access token to Realtime (`supabase.realtime.setAuth`): joined channels
   * re-authorize with it and later joins carry it. Apps on `supabase.auth` need not call this:
   * supabase-js passes refreshed sessions on by itself.
   */
  setAuth(token: string | null): Promise<void>
  /**
   * Closes every room of this transport and resolves once their channels are removed and their
   * leaves sent, so a process may disconnect the socket next. Rooms opened later work as usual.
   */
  close(): Promise<void>
}

export const DEFAULT_JOIN_WAIT_MS = 10_000

export function createSupabaseTransport(
  supabase: SupabaseRealtimeHost,
  options: SupabaseTransportOptions = {},
): SupabaseTransport {
  const realtime = supabase?.realtime
  if (typeof realtime?.channel !== 'function' || typeof realtime.removeChannel !== 'function')
    throw new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      'createSupabaseTransport needs a Supabase client (createClient(...)) or { realtime }',
    )
  const topicOf = options.topic ?? ((roomId: string) => `presence:${roomId}`)
  const report = options.onError ?? ((error: PresenceError) => console.warn(error))
  const joinWaitMs = options.joinWaitMs ?? DEFAULT_JOIN_WAIT_MS
  if (!(joinWaitMs > 0))
    throw new PresenceError('PRESENCE_INVALID_ARGUMENT', 'joinWaitMs must be a positive number')
  const clock = options.clock ?? systemClock
  const scheduler = schedulerFor(clock, options.scheduler)
  const host = {
    realtime,
    clock,
    scheduler,
    rejoin: { ...DEFAULT_REJOIN_POLICY, ...options.rejoin },
    joinWaitMs,
    random: options.random ?? Math.random,
    report(error: PresenceError) {
      try {
        report(error)
      } catch {
        // A failing error handler must not reach realtime-js's socket handler either.
      }
    },
    refreshToken() {
      // setAuth() without a token asks the client's token source (the app's `accessToken`, else
      // supabase-js's auth session, else the anon key), as realtime-js does at each heartbeat; a
      // client without one keeps its token. realtime-js catches the source's errors itself.
      void Promise.resolve()
        .then(() => realtime.setAuth())
        .catch(() => {})
    },
  }
  // Once per client, through the same channel as other non-fatal problems (see reconnect-schedule).
  warnOnFixedReconnectSchedule(realtime, host.report)
  /** Our rooms by channel name; a room stays here until its channel has been removed. */
  const rooms = new Map<string, SupabaseRoom>()

  return {
    openRoom(roomId, openOptions) {
      if (typeof roomId !== 'string' || roomId.length === 0)
        throw new PresenceError('PRESENCE_INVALID_ARGUMENT', 'roomId must be a non-empty string')
      if (!isValidPresenceKey(openOptions?.key))
        throw new PresenceError(
          'PRESENCE_INVALID_ARGUMENT',
          'the presence key must be a valid user id (1–128 characters)',
        )
      const topic = topicOf(roomId)
      if (typeof topic !== 'string' || topic.length === 0)
        throw new PresenceError('PRESENCE_INVALID_ARGUMENT', `no channel name for room ${roomId}`)
      const previous = rooms.get(topic)
      if (!previous && realtime.getChannels().some((c) => c.topic === `realtime:${topic}`))
        // realtime-js keeps one channel per name and would hand us the app's own.
        throw new PresenceError(
          'PRESENCE_INVALID_ARGUMENT',
          `channel "${topic}" is already open on this Supabase client`,
        )
      // A second open of a room replaces the first, as a second join of a topic does in Phoenix.
      const after = previous ? previous.close() : Promise.resolve()
      const room = new SupabaseRoom(
        host,
        { roomId, topic, key: openOptions.key, private: openOptions.private === true },
        after,
      )
      rooms.set(topic, room)
      const close = room.close.bind(room)
      room.close = () => {
        const closing = close()
        void closing.then(() => {
          if (rooms.get(topic) === room) rooms.delete(topic)
        })
        return closing
      }
      return room
    },
    setAuth: (token) => realtime.setAuth(token),
    async close() {
      await Promise.all([...rooms.values()].map((room) => room.close()))
    },
  }
}
