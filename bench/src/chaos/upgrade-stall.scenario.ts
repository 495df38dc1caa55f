/**
 * New connections black-holed at the WebSocket upgrade (issue 14, part 4): four client processes
 * reach the Realtime server through a fault proxy that drops every connection and, for 10 s,
 * accepts new ones without ever answering them (a load balancer whose backend hangs). The
 * observer is connected directly. realtime-js has no connect timeout, so a socket caught in the
 * hole would stay "connecting" for good, even after the proxy heals; clients made by
 * `createPresenceSupabaseClient` close a socket not open within 10 s (its handshake deadline), and
 * realtime-js's jittered reconnect takes over.
 *
 * Bounds: while black-holed, no client's room reports `joined` (the app is told `reconnecting`,
 * with no error) and the observer shows them offline; after the heal every client is back online
 * by itself within 30 s, each with exactly one session (its own), and the server holds exactly
 * those sessions. A wait that never ends is measured as ∞, never a hang.
 */
import { createFaultProxy } from '@wedsync/presence-testing/fault-proxy'
import { startRealtimeServer } from '@wedsync/presence-testing/server'
import { killAll, observe, pollUntil, shownOnceAs, spawnPresence } from './presence-processes.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'

const PEOPLE = 4
const HOLE_MS = 10_000
const BACK_MS = 30_000
/** Beyond every bound: a wait that gets here is measured as never (∞). */
const FAIL_MS = 60_000

export const scenario: Scenario = {
  title: `${PEOPLE} clients' connections dropped, new ones black-holed at the upgrade for ${HOLE_MS / 1_000} s`,
  quick: true,
  async run(): Promise<Check[]> {
    const server = await startRealtimeServer()
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: server.port } })
    const roomId = 'wedding:chaos-upgrade-stall'
    const observer = observe(server.url, roomId)
    const people = Array.from({ length: PEOPLE }, (_, i) =>
      spawnPresence({ url: `http://127.0.0.1:${proxy.port}`, userId: `u-${i}`, roomId }),
    )
    // What each client's app is told: its room's connection changes and errors, in order.
    const told = people.map(() => [] as string[])
    for (const [i, p] of people.entries())
      p.child.on('message', (m: { type: string; status?: string; code?: string }) => {
        if (m.type === 'connection') told[i]!.push(m.status ?? '?')
        if (m.type === 'error') told[i]!.push(`error ${m.code}`)
      })
    const lastStatus = (i: number) => told[i]!.filter((t) => !t.startsWith('error')).at(-1)
    const never = (what: string) => (error: unknown) => {
      console.log(`  ${what}: ${error instanceof Error ? error.message : error}`)
      return Number.POSITIVE_INFINITY
    }
    try {
      const sessions = await Promise.all(people.map((p) => p.sessionId))
      await observer.until(`all ${PEOPLE} online`, (room) =>
        people.every((p) => room.member(p.userId)?.status === 'online'),
      )
      for (const t of told) t.length = 0

      proxy.blackHole()
      proxy.dropAll()
      const holeAt = performance.now()
      // Every client has reconnected into the hole: its next socket is stuck at the upgrade.
      await pollUntil(
        async () => proxy.blackHoled() >= PEOPLE,
        'every client to reconnect into the black hole',
      )
      await observer.until('all shown offline', (room) =>
        people.every((p) => room.member(p.userId)?.status === 'offline'),
      )
      // The fault's length, not a wait for anything.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, HOLE_MS - (performance.now() - holeAt))),
      )
      const joinedInHole = people.filter((_, i) => lastStatus(i) === 'joined').length
      const toldInHole = [...new Set(told.map((t) => t.join(' → ') || 'nothing'))]
      proxy.resume()

      const backMs = await observer
        .until(
          'every client back online with its own one session',
          (room) => people.every((p, i) => shownOnceAs(room, p.userId, sessions[i]!)),
          FAIL_MS,
        )
        .catch(never('not all back'))
      const presences = await pollUntil(
        async () => {
          const held = server.stats().presences
          return held === PEOPLE + 1 && held
        },
        'the server to hold every session',
        { failMs: 10_000 },
      ).catch(() => server.stats().presences)
      // Each client's own `joined` may reach us over IPC just after the observer saw it.
      await Promise.all(people.map((p) => p.joined(2, 10_000))).catch(() => {})
      console.log(`  while black-holed the apps were told: ${toldInHole.join(' | ')}`)
      console.log(`  after the heal: ${[...new Set(told.map((t) => t.join(' → ')))].join(' | ')}`)
      return [
        equals('rooms reporting joined while black-holed', joinedInHole, 0),
        withinMs('every client back online after the heal', backMs, BACK_MS),
        equals('sessions shown per client (no duplicate)', backMs === Infinity ? 'missing' : 1, 1),
        equals('presences the server holds', presences, PEOPLE + 1),
      ]
    } finally {
      killAll(people)
      observer.close()
      await proxy.close()
      await server.stop()
    }
  },
}
