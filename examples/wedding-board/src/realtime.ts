/**
 * The one place the board and the simulated suppliers get their transport: supabase-js pointed at
 * a Supabase project (hosted, self-hosted, or our local Realtime server) and the presence adapter
 * over it. Node passes a WebSocket implementation (Node 20 has none built in); browsers use theirs.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { PresenceTransport } from '@wedsync/presence-core'
import { createPresenceSupabaseClient, createSupabaseTransport } from '@wedsync/presence-supabase'

export interface RealtimeSettings {
  /** The project URL, e.g. https://<ref>.supabase.co or http://127.0.0.1:54321. */
  readonly url: string
  /** The project's anon (publishable) key. */
  readonly anonKey: string
  /** A WebSocket constructor, where the runtime has none (Node 20: `ws`). */
  readonly webSocket?: unknown
}

export interface RealtimeConnection {
  readonly supabase: SupabaseClient
  readonly transport: PresenceTransport
  /** Leaves every channel and closes the socket. */
  close(): Promise<void>
}

export function connectRealtime(settings: RealtimeSettings): RealtimeConnection {
  const supabase = createPresenceSupabaseClient(settings.url, settings.anonKey, {
    // No sign-in in this example: nothing to keep, and two tabs must not share a session.
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: settings.webSocket ? { transport: settings.webSocket as never } : {},
  })
  const transport = createSupabaseTransport(supabase)
  return {
    supabase,
    transport,
    async close() {
      await supabase.removeAllChannels()
      supabase.realtime.disconnect()
    },
  }
}
