/**
 * Clients killed with SIGKILL: eight people, each a supabase-js client in its own process, in one
 * room; four are killed at once. The operating system closes their sockets, the server reports the
 * leaves, and the observer shows them offline — within the lease (30 s, the ghost bound) at worst,
 * in well under a second in practice. The four left stay online, and the server holds no ghost.
 */
import { startRealtimeServer } from '@wedsync/presence-testing/server'
import { killAll, observe, spawnPresence } from './presence-processes.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'

const PEOPLE = 8
const KILLED = 4
const LEASE_MS = 30_000

export const scenario: Scenario = {
  title: `${KILLED} of ${PEOPLE} client processes SIGKILLed at once`,
  quick: true,
  async run(): Promise<Check[]> {
    const server = await startRealtimeServer()
    const roomId = 'wedding:chaos-kill'
    const observer = observe(server.url, roomId)
    const people = Array.from({ length: PEOPLE }, (_, i) =>
      spawnPresence({ url: server.url, userId: `u-${i}`, roomId }),
    )
    try {
      await Promise.all(people.map((p) => p.sessionId))
      const online = (ids: readonly string[]) => (room: typeof observer.room) =>
        ids.every((id) => room.member(id)?.status === 'online')
      await observer.until(`all ${PEOPLE} online`, online(people.map((p) => p.userId)))
      const killed = people.slice(0, KILLED)
      const kept = people.slice(KILLED)
      for (const p of killed) p.signal('SIGKILL')
      const goneMs = await observer.until(`the ${KILLED} killed shown offline`, (room) =>
        killed.every((p) => room.member(p.userId)?.status === 'offline'),
      )
      const stillOnline = kept.filter((p) => observer.room.member(p.userId)?.status === 'online')
      return [
        withinMs('killed clients shown offline', goneMs, LEASE_MS),
        equals('others still online', stillOnline.length, kept.length),
        equals('presences the server holds (no ghost)', server.stats().presences, kept.length + 1),
      ]
    } finally {
      killAll(people)
      observer.close()
      await server.stop()
    }
  },
}
