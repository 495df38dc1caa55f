/**
 * The Realtime server SIGKILLed and started again on the same port (a crash and a restart, not a
 * graceful deploy: no close frames, every socket reset, all presence state gone). Eight client
 * processes and an observer reconnect on their own jittered schedules; one client dies while the
 * server is down. Bounds: every live client back online within 30 s of the restart with exactly
 * one session (no duplicate), the one that died during the outage not shown online (no ghost), and
 * the server holding exactly the live sessions.
 */
import {
  killAll,
  observe,
  pollUntil,
  shownOnceAs,
  spawnPresence,
  spawnRealtime,
} from './presence-processes.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'

const PEOPLE = 8
const CONVERGED_MS = 30_000

export const scenario: Scenario = {
  title: `the Realtime server SIGKILLed with ${PEOPLE} clients, restarted on the same port`,
  quick: true,
  async run(): Promise<Check[]> {
    let server = await spawnRealtime()
    const roomId = 'wedding:chaos-server-kill'
    const observer = observe(server.url, roomId)
    const people = Array.from({ length: PEOPLE }, (_, i) =>
      spawnPresence({ url: server.url, userId: `u-${i}`, roomId }),
    )
    try {
      const sessions = await Promise.all(people.map((p) => p.sessionId))
      await observer.until(`all ${PEOPLE} online`, (room) =>
        people.every((p) => room.member(p.userId)?.status === 'online'),
      )
      server.child.kill('SIGKILL')
      await new Promise((resolve) => server.child.once('exit', resolve))
      const [dead, ...live] = people
      dead!.signal('SIGKILL') // dies while the server is down: nobody hears it leave
      await new Promise((resolve) => dead!.child.once('exit', resolve))
      const restarted = performance.now()
      server = await spawnRealtime(server.port)
      // The observer keeps showing the others while their leases run (a blip does not flicker
      // everyone offline), so "back" is each client's own rejoin, tracked again by the server.
      await Promise.all(live.map((p) => p.joined(2)))
      const elapsed = performance.now() - restarted
      const presences = await pollUntil(async () => {
        const held = (await server.stats()).presences
        return held === live.length + 1 && held
      }, 'the server to hold every live session')
      await observer.until('each live client once, with its own session', (room) =>
        live.every((p, i) => shownOnceAs(room, p.userId, sessions[i + 1]!)),
      )
      const ghost = observer.room.member(dead!.userId)?.status ?? 'absent'
      return [
        withinMs('every live client rejoined after the restart', elapsed, CONVERGED_MS),
        equals(
          'the client that died during the outage',
          ghost === 'online' ? 'online' : 'not online',
          'not online',
        ),
        equals('presences the server holds', presences, live.length + 1),
      ]
    } finally {
      killAll(people)
      observer.close()
      server.child.kill('SIGKILL')
    }
  },
}
