/**
 * Clients made by `createPresenceSupabaseClient` (full-jitter socket reconnects) with real
 * supabase-js on the local Realtime server: the server restarts (every socket dropped at once, all
 * state lost, as in a deploy); every client reconnects on its own jittered schedule and the room
 * converges. Waits are on observed snapshots, never on sleeps.
 */
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceError,
} from '@wedsync/presence-core'
import {
  DEV_ANON_KEY,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import { afterEach, expect, it } from 'vitest'
import WebSocket from 'ws'
import { untilRoom } from '../test/test-supabase.js'
import { createPresenceSupabaseClient } from './supabase-client.js'
import { createSupabaseTransport } from './transport.js'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function person(server: RealtimeServer, userId: string, errors: PresenceError[]): PresenceClient {
  const supabase = createPresenceSupabaseClient(server.url, DEV_ANON_KEY, {
    realtime: { transport: WebSocket as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  const transport = createSupabaseTransport(supabase, {
    onError: (e) => errors.push(e),
    rejoin: { baseMs: 20 },
  })
  const client = createPresenceClient({ transport, userId })
  cleanups.push(() => supabase.realtime.disconnect())
  cleanups.push(() => client.destroy())
  return client
}

it('helper-made clients reconnect after every socket drops at once, and the room converges', async () => {
  const server = await startRealtimeServer()
  cleanups.push(() => server.stop())
  const errors: PresenceError[] = []
  const ids = ['u-a', 'u-b', 'u-c', 'u-d', 'u-e']
  const people = ids.map((id) => person(server, id, errors))
  const rooms = people.map((p) => p.enter('wedding:jitter'))
  const everyone = (room: (typeof rooms)[number]) => () =>
    ids.every((id) => room.getSnapshot().member(id)?.status === 'online')
  const syncs = rooms.map(() => 0)
  rooms.forEach((room, i) => {
    room.on('sync', () => {
      syncs[i]!++
    })
  })
  for (const room of rooms) await untilRoom(room, 'five online', everyone(room))

  const before = server.stats().connections
  await server.restart() // every socket closed (1012), all state lost
  for (const [i, room] of rooms.entries())
    await untilRoom(
      room,
      'five online again after the restart',
      () => syncs[i]! >= 2 && room.connection === 'joined' && everyone(room)(),
    )
  expect(server.stats().presences).toBe(5)
  expect(server.stats().connections).toBe(before)
  expect(errors).toEqual([]) // in particular, no fixed-schedule warning for helper-made clients
})
