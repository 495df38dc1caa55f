/**
 * `createPresenceSupabaseClient`: supabase-js's `createClient` with the Realtime options presence
 * needs — a full-jitter socket reconnect (realtime-js's default is a fixed 1, 2, 5, 10 s schedule,
 * so after a deploy every socket returns in the same instant) and a handshake deadline on the
 * socket (realtime-js has no connect timeout: a socket whose upgrade is never answered would stay
 * connecting for good). The app's options are merged over ours: an explicit
 * `realtime.reconnectAfterMs` (or any other option) wins; the app's `realtime.transport` is kept
 * and given the deadline.
 */
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js'
import { fullJitterReconnect } from './backoff.js'
import { type WebSocketConstructor, withHandshakeDeadline } from './handshake-deadline.js'

export type PresenceSupabaseClientOptions = SupabaseClientOptions<'public'> & {
  /**
   * How long the Realtime socket may stay connecting before it is closed and reconnected (see
   * `withHandshakeDeadline`). Default 10,000 ms; `false` leaves the transport as it is. Applies to
   * `realtime.transport`, else to the global `WebSocket` (Node 20 has none: pass `ws` as the
   * transport there).
   */
  readonly handshakeTimeoutMs?: number | false
}

/**
 * The options `createPresenceSupabaseClient` hands to `createClient`. Pure except `random` and a
 * read of the global `WebSocket` when no `realtime.transport` is given.
 */
export function presenceSupabaseClientOptions(
  options: PresenceSupabaseClientOptions = {},
  random: () => number = Math.random,
): SupabaseClientOptions<'public'> {
  const { handshakeTimeoutMs, ...rest } = options
  const base = (options.realtime?.transport ?? (globalThis as { WebSocket?: unknown }).WebSocket) as
    | WebSocketConstructor
    | undefined
  const transport =
    handshakeTimeoutMs === false || base === undefined
      ? undefined
      : withHandshakeDeadline(base, {
          ...(handshakeTimeoutMs !== undefined && { timeoutMs: handshakeTimeoutMs }),
        })
  return {
    ...rest,
    realtime: {
      reconnectAfterMs: fullJitterReconnect({}, random),
      ...options.realtime,
      ...(transport && { transport: transport as never }),
    },
  }
}

export function createPresenceSupabaseClient(
  url: string,
  key: string,
  options: PresenceSupabaseClientOptions = {},
): ReturnType<typeof createClient> {
  // createClient infers its schema from the options; ours are for any schema, hence the cast.
  const merged = presenceSupabaseClientOptions(options)
  return createClient(url, key, merged as Parameters<typeof createClient>[2])
}
