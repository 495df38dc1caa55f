/**
 * `createPresenceSupabaseClient`: supabase-js's `createClient` with the Realtime options presence
 * needs — a full-jitter socket reconnect (realtime-js's default is a fixed 1, 2, 5, 10 s schedule,
 * so after a deploy every socket returns in the same instant). The app's options are merged over
 * ours: an explicit `realtime.reconnectAfterMs` (or any other option) wins.
 */
import { createClient, type SupabaseClientOptions } from '@supabase/supabase-js'
import { fullJitterReconnect } from './backoff.js'

export type PresenceSupabaseClientOptions = SupabaseClientOptions<'public'>

/** The options `createPresenceSupabaseClient` hands to `createClient`. Pure except `random`. */
export function presenceSupabaseClientOptions(
  options: PresenceSupabaseClientOptions = {},
  random: () => number = Math.random,
): PresenceSupabaseClientOptions {
  return {
    ...options,
    realtime: { reconnectAfterMs: fullJitterReconnect({}, random), ...options.realtime },
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
