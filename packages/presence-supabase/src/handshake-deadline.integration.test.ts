/**
 * A real supabase-js client behind a fault proxy that drops its socket and black-holes the
 * reconnect (the upgrade is accepted and never answered): the room reports `reconnecting` and the
 * socket stays connecting; once the proxy heals and the handshake deadline passes (a fake clock
 * drives it), realtime-js reconnects and the room is joined again with one session. Waits are on
 * the proxy's counts and the room's snapshots, never on sleeps.
 */
import { createClient } from '@supabase/supabase-js'
import { createPresenceClient, type TransportStatus } from '@wedsync/presence-core'
import { createFakeClock } from '@wedsync/presence-testing'
import { createFaultProxy } from '@wedsync/presence-testing/fault-proxy'
import { DEV_ANON_KEY, startRealtimeServer } from '@wedsync/presence-testing/server'
import { afterEach, expect, it } from 'vitest'
import WebSocket from 'ws'
import { errorLog, untilRoom } from '../test/test-supabase.js'
import { fullJitterReconnect } from './backoff.js'
import { DEFAULT_HANDSHAKE_TIMEOUT_MS, withHandshakeDeadline } from './handshake-deadline.js'
import { createSupabaseTransport } from './transport.js'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Resolves once `check` holds, polled each event-loop turn; `what` names it if it never does. */
function until(what: string, check: () => boolean, failMs = 10_000): Promise<void> {
  const failAt = performance.now() + failMs
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (check()) return resolve()
      if (performance.now() > failAt) return reject(new Error(`gave up waiting for ${what}`))
      setImmediate(poll)
    }
    poll()
  })
}

it('a socket stuck on a black-holed upgrade is closed at the deadline and the room rejoins', async () => {
  const server = await startRealtimeServer()
  cleanups.push(() => server.stop())
  const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: server.port } })
  cleanups.push(() => proxy.close())
  const clock = createFakeClock()
  const supabase = createClient(`http://127.0.0.1:${proxy.port}`, DEV_ANON_KEY, {
    realtime: {
      transport: withHandshakeDeadline(WebSocket, { scheduler: clock }) as never,
      reconnectAfterMs: fullJitterReconnect({ baseMs: 50, capMs: 200 }),
    },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  cleanups.push(() => supabase.realtime.disconnect())
  const log = errorLog()
  const client = createPresenceClient({
    transport: createSupabaseTransport(supabase, { onError: log.onError }),
    userId: 'u-planner',
  })
  cleanups.push(() => client.destroy())
  const room = client.enter('wedding:hole')
  const statuses: TransportStatus[] = []
  room.on('connection', (status) => statuses.push(status))
  await untilRoom(room, 'joined', () => room.connection === 'joined')

  proxy.blackHole()
  proxy.dropAll()
  await until('the reconnect caught in the black hole', () => proxy.blackHoled() === 1)
  expect(room.connection).toBe('reconnecting')
  expect(supabase.realtime.connectionState()).toBe('connecting')

  proxy.resume() // healed for new connections; the one in the hole stays unanswered
  await clock.advance(DEFAULT_HANDSHAKE_TIMEOUT_MS)
  await untilRoom(room, 'joined again after the deadline', () => room.connection === 'joined')
  await until('the stuck socket gone', () => proxy.blackHoled() === 0)
  expect(statuses).toEqual(['connecting', 'joined', 'reconnecting', 'joined'])
  // The client tracks again on `joined`; one socket, one session: one presence on the server.
  await until('the session tracked again', () => server.stats().presences > 0)
  expect(server.stats().presences).toBe(1)
  expect(server.stats().connections).toBe(1)
  expect(log.errors).toEqual([])
})
