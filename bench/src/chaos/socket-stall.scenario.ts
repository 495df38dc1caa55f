/**
 * A stalled socket (issue 14, part 4): one client process reaches the Realtime server through a
 * fault proxy that goes silent for 10 s — the connection stays open, nothing is refused, no byte
 * moves either way (a Wi-Fi dead zone, a NAT that stops forwarding) — while two other clients and
 * the observer are connected directly. Heartbeats are ten times faster than the defaults, in the
 * same proportions (heartbeat 1.5 s, lease 3 s, 5 presence calls per 3 s, the server's window to
 * match), so the lease decides quickly; realtime-js keeps its own timers (heartbeat 25 s, push
 * timeout 10 s), so the stalled client does not notice a stall this short by itself.
 *
 * While stalled, the client sets busy (it must not be lost). Bounds: the observer shows it offline
 * within the lease (+1 s for timers on a loaded machine), the others stay online, and once the
 * network is back it is shown again — busy, with exactly one session, the one it had — within
 * 30 s; the server closes no channel (what was held during the stall arrives at once, and must not
 * trip the presence limit). A wait that never ends is measured as ∞, never a hang.
 */
import { createFaultProxy } from '@wedsync/presence-testing/fault-proxy'
import { startRealtimeServer } from '@wedsync/presence-testing/server'
import { killAll, observe, spawnPresence } from './presence-processes.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'

const HEARTBEAT = { intervalMs: 1_500, leaseMs: 3_000, callWindowMs: 3_000, callMarginMs: 100 }
const LEASE_MS = HEARTBEAT.leaseMs
/** The observer's lease timer on a loaded machine, and the last heartbeat still on the wire. */
const LEASE_TOLERANCE_MS = 1_000
/** How long the network stays silent: past the lease, short of realtime-js's own detection. */
const STALL_MS = 10_000
const BACK_MS = 30_000
/** Beyond every bound: a wait that gets here is measured as never (∞). */
const FAIL_MS = 60_000

export const scenario: Scenario = {
  title: `one client's socket silent for ${STALL_MS / 1_000} s behind a fault proxy`,
  quick: true,
  async run(): Promise<Check[]> {
    const server = await startRealtimeServer({
      limits: { presence: { calls: 5, windowMs: HEARTBEAT.callWindowMs } },
    })
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: server.port } })
    const roomId = 'wedding:chaos-socket-stall'
    const observer = observe(server.url, roomId, { heartbeat: HEARTBEAT })
    const stalled = spawnPresence({
      url: `http://127.0.0.1:${proxy.port}`,
      userId: 'u-stalled',
      roomId,
      heartbeat: HEARTBEAT,
    })
    const others = ['u-a', 'u-b'].map((userId) =>
      spawnPresence({ url: server.url, userId, roomId, heartbeat: HEARTBEAT }),
    )
    const everyone = [stalled, ...others]
    // What the stalled client's app is told: its room's connection changes and errors.
    const told: string[] = []
    stalled.child.on('message', (m: { type: string; status?: string; code?: string }) => {
      if (m.type === 'connection') told.push(m.status ?? '?')
      if (m.type === 'error') told.push(`error ${m.code}`)
    })
    const never = (what: string) => (error: unknown) => {
      console.log(`  ${what}: ${error instanceof Error ? error.message : error}`)
      return Number.POSITIVE_INFINITY
    }
    try {
      const sessionId = await stalled.sessionId
      await Promise.all(others.map((p) => p.sessionId))
      await observer.until('all three online', (room) =>
        everyone.every((p) => room.member(p.userId)?.status === 'online'),
      )
      told.length = 0

      proxy.stall()
      const stalledAt = performance.now()
      const goneMs = await observer
        .until(
          'the stalled client shown offline',
          (room) => room.member('u-stalled')?.status === 'offline',
          FAIL_MS,
        )
        .catch(never('never shown offline'))
      const othersOnline = others.filter(
        (p) => observer.room.member(p.userId)?.status === 'online',
      ).length
      stalled.setStatus('busy') // made while its socket is silent: must arrive afterwards
      // The fault's length, not a wait for anything.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, STALL_MS - (performance.now() - stalledAt))),
      )
      const toldDuringStall = told.join(', ') || 'nothing'
      proxy.resume()

      const backMs = await observer
        .until(
          'the stalled client back, busy, with its one session',
          (room) => {
            const member = room.member('u-stalled')
            return member?.status === 'busy' && member.sessions[0]?.sessionId === sessionId
          },
          FAIL_MS,
        )
        .catch(never('never back'))
      const sessions = observer.room.member('u-stalled')?.sessions.length ?? 0
      console.log(
        `  the stalled client's app was told during the stall: ${toldDuringStall}; ` +
          `afterwards: ${told.join(', ') || 'nothing more'}`,
      )
      return [
        withinMs('stalled client shown offline (lease 3 s)', goneMs, LEASE_MS + LEASE_TOLERANCE_MS),
        equals('others still online meanwhile', othersOnline, others.length),
        withinMs('back online after the stall, busy set while stalled', backMs, BACK_MS),
        equals('sessions shown for it (no duplicate)', sessions, 1),
        equals('channels the server closed (presence limit)', server.stats().channelsClosed, 0),
        equals('presences the server holds', server.stats().presences, everyone.length + 1),
      ]
    } finally {
      killAll(everyone)
      observer.close()
      await proxy.close()
      await server.stop()
    }
  },
}
