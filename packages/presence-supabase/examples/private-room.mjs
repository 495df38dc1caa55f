// A private wedding room on the local Realtime server, authorized by the realtime.messages
// policies of a database that has this package's migrations (for instance the one `supabase
// start` runs, after `supabase db push`):
//
//   DATABASE_URL=postgres://postgres:postgres@127.0.0.1:54322/postgres node examples/private-room.mjs
//
// Needs pg, ws, @wedsync/presence-testing and @wedsync/presence-server (the peer of this package's
// ./server entry) installed beside this package.
// Two suppliers of wedding 123 join its room and see each other; a supplier of another wedding
// is refused. Prints what each of them saw.
import { createClient } from '@supabase/supabase-js'
import { createPostgresAuthorizer } from '@wedsync/presence-supabase/server'
import {
  createAccessToken,
  DEV_ANON_KEY,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import pg from 'pg'
import WebSocket from 'ws'

const TOPIC = 'presence:wedding:123' // createSupabaseTransport's topic for room `wedding:123`

/** Joins the room as `sub`; resolves with the channel once joined, rejects when refused. */
async function join(url, sub) {
  const supabase = createClient(url, DEV_ANON_KEY, {
    auth: { persistSession: false },
    realtime: { transport: WebSocket },
  })
  await supabase.realtime.setAuth(await createAccessToken({ claims: { sub } }))
  const channel = supabase.channel(TOPIC, { config: { private: true, presence: { key: sub } } })
  const synced = new Set()
  channel.on('presence', { event: 'sync' }, () => {
    for (const listener of synced) listener()
  })
  await new Promise((resolve, reject) =>
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve()
      if (status === 'CHANNEL_ERROR') reject(error)
    }),
  ).catch(async (error) => {
    await supabase.removeAllChannels()
    throw error
  })
  await channel.track({ v: 1, status: 'online' })
  /** Resolves once `count` members are present. */
  const members = (count) =>
    new Promise((resolve) => {
      const check = () => {
        const keys = Object.keys(channel.presenceState()).sort()
        if (keys.length >= count) {
          synced.delete(check)
          resolve(keys)
        }
      }
      synced.add(check)
      check()
    })
  return { supabase, members }
}

export async function run({ databaseUrl, log = console.log }) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
  // The wedding's team: the room's members (presence_room_members reads team_members).
  await pool.query(`insert into team_members (team_id, user_id, role) values
    ('wedding:123', 'u-venue', 'venue coordinator'), ('wedding:123', 'u-photo', 'photographer'),
    ('wedding:999', 'u-caterer', 'caterer') on conflict do nothing`)
  const server = await startRealtimeServer({ authorize: createPostgresAuthorizer(pool) })
  const joined = []
  try {
    const venue = await join(server.url, 'u-venue')
    const photo = await join(server.url, 'u-photo')
    joined.push(venue, photo)
    log(`u-venue sees: ${(await venue.members(2)).join(', ')}`)
    log(`u-photo sees: ${(await photo.members(2)).join(', ')}`)
    await join(server.url, 'u-caterer').then(
      (caterer) => {
        joined.push(caterer)
        log('u-caterer joined (unexpected)')
      },
      (error) => log(`u-caterer refused: ${error.message}`),
    )
  } finally {
    for (const { supabase } of joined) {
      await supabase.removeAllChannels()
      supabase.realtime.disconnect()
    }
    await server.stop()
    await pool.end()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const databaseUrl = process.env.DATABASE_URL
  if (!databaseUrl) throw new Error('set DATABASE_URL to a database with the migrations applied')
  await run({ databaseUrl })
}
