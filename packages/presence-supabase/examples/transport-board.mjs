// The transport in a few lines: a venue coordinator and a photographer of wedding 123 see each
// other through Supabase Realtime. With no arguments it starts the local Realtime server from
// @wedsync/presence-testing; against a Supabase project set SUPABASE_URL and SUPABASE_ANON_KEY.
//
//   node examples/transport-board.mjs
//
// Needs ws (Node 20 has no global WebSocket) and @wedsync/presence-testing beside this package.
import { createClient } from '@supabase/supabase-js'
import { createPresenceClient } from '@wedsync/presence-core'
import { createSupabaseTransport } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY, startRealtimeServer } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'

const ROOM = 'wedding:123' // channel `presence:wedding:123`

/** One supplier: a Supabase client (one socket), the transport over it, a presence client. */
function supplier(url, key, userId, name, role) {
  const supabase = createClient(url, key, {
    auth: { persistSession: false },
    realtime: { transport: WebSocket },
  })
  const transport = createSupabaseTransport(supabase)
  const client = createPresenceClient({ transport, userId, profile: { name, role } })
  return { supabase, transport, client }
}

/** Resolves once `check()` holds for the room (checked on every new snapshot). */
function until(room, check) {
  return new Promise((resolve) => {
    const attempt = () => {
      if (!check()) return
      off()
      resolve()
    }
    const off = room.subscribe(attempt)
    attempt()
  })
}

function describe(member) {
  const doing = member.activity ? `, ${member.activity.action} the ${member.activity.target}` : ''
  return `${member.profile?.name} (${member.profile?.role}): ${member.status}${doing}`
}

export async function run({ url, key = DEV_ANON_KEY, log = console.log } = {}) {
  const server = url ? undefined : await startRealtimeServer()
  const base = url ?? server.url
  const venue = supplier(base, key, 'u-venue', 'Maya', 'venue coordinator')
  const photo = supplier(base, key, 'u-photo', 'Priya', 'photographer')
  try {
    const board = venue.client.enter(ROOM, {
      activity: { action: 'viewing', target: 'setup checklist', weddingId: '123' },
    })
    photo.client.enter(ROOM, {
      activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
    })
    const priya = () => board.member('u-photo')
    await until(board, () => priya()?.status === 'online')
    log(describe(priya()))
    photo.client.setStatus('busy') // do not disturb: applies on every session of hers
    await until(board, () => priya()?.status === 'busy')
    log(describe(priya()))
    photo.client.destroy() // she closes the laptop: her presence leaves with the channel
    await until(board, () => priya()?.status === 'offline')
    log(describe(priya()))
  } finally {
    venue.client.destroy()
    photo.client.destroy()
    // The leaves go out before the sockets close, so the server drops the presence at once.
    for (const { supabase, transport } of [venue, photo]) {
      await transport.close()
      supabase.realtime.disconnect()
    }
    await server?.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.SUPABASE_URL
  await run(url ? { url, key: process.env.SUPABASE_ANON_KEY } : {})
  process.exit(0) // realtime-js's disconnect() leaves a 10 s timer behind
}
