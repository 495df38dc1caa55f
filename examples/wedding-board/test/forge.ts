/**
 * What any member of a public room can do with supabase-js alone, no SDK involved: join the room's
 * channel under someone else's presence key and track a meta of its own making, unsigned. Realtime
 * authorizes the channel, never the key or the meta, so only verification stands in its way.
 */
import { createClient } from '@supabase/supabase-js'
import WebSocket from 'ws'
import type { RealtimeAddress } from '../src/demo/board-server.js'

/** The custom status the forgery carries: what a board must never show. */
export const FORGED_STATUS = 'Ceremony cancelled, go home'

/** A meta as a session publishes it (core's meta-schema), with the forged custom status, newest. */
export function forgedMeta(now: number): Record<string, unknown> {
  return {
    v: 1,
    session: 's-forged',
    status: 'online',
    seq: now,
    lease: 30_000,
    custom: { status: { text: FORGED_STATUS, emoji: '⛔' }, at: now },
  }
}

export interface Forgery {
  /** Leaves the channel and closes the socket. */
  close(): Promise<void>
}

/** Tracks `meta` in `roomId` under presence key `key`; resolves once Realtime has it. */
export async function forgePresence(
  realtime: RealtimeAddress,
  roomId: string,
  key: string,
  meta: Record<string, unknown>,
): Promise<Forgery> {
  const supabase = createClient(realtime.url, realtime.anonKey, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  })
  // The channel name presence-supabase gives a room (its default `topic`).
  const channel = supabase.channel(`presence:${roomId}`, {
    config: { presence: { key, enabled: true } },
  })
  await new Promise<void>((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve()
      else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT')
        reject(error ?? new Error(`forgery: ${status}`))
    }),
  )
  const answer = await channel.track(meta)
  if (answer !== 'ok') throw new Error(`forgery: track answered ${answer}`)
  return {
    async close() {
      await supabase.removeAllChannels()
      supabase.realtime.disconnect()
    },
  }
}
