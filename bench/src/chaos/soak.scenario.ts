/**
 * The soak (issue 14, part 5): "a 10-minute soak keeps memory flat", measured. Six client
 * processes in two rooms churn for CHAOS_SOAK_MS (default 10 minutes): every second a seeded
 * random client sets a manual status (busy, away or automatic again), leaves or re-enters its
 * room, or is SIGKILLed and a fresh process takes its place. Observers in this process watch both
 * rooms; the Realtime server runs in its own process (realtime-server-process.ts), so its heap is
 * its own. Both heaps are sampled after a full GC throughout.
 *
 * Checks: each heap's growth from the end of the warm-up (the first 20% of the run) to the end;
 * once the churn stops and every live client has joined, the observers' rooms exactly right —
 * every live client in its room shown present with the manual status it was last given, nobody
 * else present (no ghost) — within the presence-call window (a change may wait that long for the
 * budget); the server holding exactly the live sessions; and no error reported to the observers.
 */

import { createPrng } from '@wedsync/presence-testing'
import {
  childHeapBytes,
  type HeapSample,
  heapCourse,
  heapGrowth,
  ownHeapBytes,
} from './heap-samples.js'
import {
  killAll,
  type Observer,
  observe,
  type PresenceProcess,
  pollUntil,
  spawnPresence,
  spawnRealtime,
} from './presence-processes.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'

const DURATION_MS = Number(process.env.CHAOS_SOAK_MS ?? 600_000)
/** The warm-up: code is compiled, caches and pools fill. Growth counts from its end. */
const WARMUP_SHARE = 0.2
/** Each heap figure is the median of the samples in a window this long (a share of the run). */
const WINDOW_SHARE = 0.1
/** Heap samples over the whole run. */
const SAMPLES = 80
const PEOPLE = 6
const ROOMS = ['wedding:chaos-soak-a', 'wedding:chaos-soak-b'] as const
/** One churn action per second: each client gets one every ~6 s, well within its budget. */
const ACTION_MS = 1_000
const SEED = 14
/**
 * A change may wait for the presence budget (5 calls per 30 s, counted with a 1 s margin) before
 * it goes out: every change made is shown within that window.
 */
const SETTLE_MS = 31_000
/** Beyond every bound: a wait that gets here is measured as never (∞). */
const FAIL_MS = 60_000
/**
 * What "flat" means here, for a heap measured after a full GC: no more than 1 MB plus 5% above
 * where it stood after the warm-up. A leak as small as one kilobyte per churn action would grow
 * the heap by ~0.5 MB over the 480 actions after a 10-minute soak's warm-up — the bound is that
 * tight only at full length; shorter runs are for developing the scenario.
 */
const FLAT_BYTES = 1 << 20
const FLAT_SHARE = 0.05

type Manual = 'busy' | 'away' | null

/** One client's place: its current process and what it was last told. */
interface Seat {
  readonly userId: string
  readonly roomId: string
  process: PresenceProcess
  /** Its process joined once: it takes messages. */
  ready: boolean
  inRoom: boolean
  manual: Manual
}

const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`

/** A heap's growth against the flat bound. */
function flatCheck(figure: string, samples: readonly HeapSample[]): Check {
  const warmupEnd = DURATION_MS * WARMUP_SHARE
  const { baseline, final } = heapGrowth(
    samples,
    warmupEnd,
    DURATION_MS,
    DURATION_MS * WINDOW_SHARE,
  )
  const grown = final - baseline
  const bound = FLAT_BYTES + FLAT_SHARE * baseline
  return {
    figure: `${figure} (${megabytes(baseline)} → ${megabytes(final)})`,
    measured: `${grown >= 0 ? '+' : ''}${megabytes(grown)}`,
    bound: `≤ +${megabytes(bound)}`,
    met: grown <= bound,
    value: grown,
  }
}

export const scenario: Scenario = {
  title: `${PEOPLE} client processes churning for ${Math.round(DURATION_MS / 1000)} s: memory flat, rooms right`,
  quick: false,
  async run(): Promise<Check[]> {
    const server = await spawnRealtime()
    const observers = new Map<string, Observer>(
      ROOMS.map((roomId) => [roomId, observe(server.url, roomId)]),
    )
    let observerErrors = 0
    for (const observer of observers.values())
      observer.client.on('error', (error) => {
        observerErrors++
        console.log(`observer error: ${error.code} ${error.message}`)
      })
    const seats: Seat[] = []
    const spawn = (seat: Omit<Seat, 'process' | 'ready' | 'inRoom' | 'manual'> & Partial<Seat>) => {
      const process = spawnPresence({ url: server.url, userId: seat.userId, roomId: seat.roomId })
      const placed = Object.assign(seat, { process, ready: false, inRoom: true, manual: null })
      process.sessionId.then(
        () => {
          if (placed.process === process) placed.ready = true
        },
        () => {},
      )
      return placed
    }
    for (let i = 0; i < PEOPLE; i++)
      seats.push(spawn({ userId: `u-soak-${i}`, roomId: ROOMS[i % ROOMS.length]! }))
    const random = createPrng(SEED)
    const done = { status: 0, room: 0, kill: 0 }

    /** One churn action on a random client that takes messages. */
    function act(): void {
      const ready = seats.filter((s) => s.ready)
      const seat = ready[Math.floor(random() * ready.length)]
      if (!seat) return
      const roll = random()
      if (roll < 0.5) {
        const manual = (['busy', 'away', null] as const)[Math.floor(random() * 3)]!
        seat.process.setStatus(manual)
        seat.manual = manual
        done.status++
      } else if (roll < 0.8) {
        seat.process.child.send({ type: seat.inRoom ? 'leave' : 'enter' })
        seat.inRoom = !seat.inRoom
        done.room++
      } else {
        seat.process.signal('SIGKILL')
        spawn(seat)
        done.kill++
      }
    }

    const samples = { observer: [] as HeapSample[], server: [] as HeapSample[] }
    const started = performance.now()
    const sampleEveryMs = DURATION_MS / SAMPLES
    let nextSampleAt = 0
    try {
      await Promise.all(seats.map((s) => s.process.sessionId))
      for (;;) {
        const elapsed = performance.now() - started
        if (elapsed >= DURATION_MS) break
        act()
        if (elapsed >= nextSampleAt) {
          samples.observer.push({ atMs: elapsed, bytes: ownHeapBytes() })
          samples.server.push({ atMs: elapsed, bytes: await childHeapBytes(server.child) })
          nextSampleAt += sampleEveryMs
        }
        // Pacing the churn, not waiting for anything: one action per ACTION_MS.
        await new Promise((resolve) => setTimeout(resolve, ACTION_MS))
      }
      const elapsed = performance.now() - started
      samples.observer.push({ atMs: elapsed, bytes: ownHeapBytes() })
      samples.server.push({ atMs: elapsed, bytes: await childHeapBytes(server.child) })
      console.log(
        `churn: ${done.status} statuses, ${done.room} leaves/enters, ${done.kill} kills ` +
          `in ${(elapsed / 1000).toFixed(0)} s; ${samples.observer.length} heap samples each\n` +
          `heap after GC, MB, median of each tenth of the run:\n` +
          `  observer: ${heapCourse(samples.observer, elapsed)}\n` +
          `  server:   ${heapCourse(samples.server, elapsed)}`,
      )

      // Every live process joined (a fresh one may still be starting), then the rooms settle.
      await Promise.all(seats.map((s) => s.process.sessionId))
      const present = (status: string | undefined) => status !== undefined && status !== 'offline'
      const wrongIn = (roomId: string) => {
        const room = observers.get(roomId)!.room
        const expected = seats.filter((s) => s.roomId === roomId && s.inRoom)
        const missing = expected.filter((s) => {
          const member = room.member(s.userId)
          return !present(member?.status) || (member?.manualStatus ?? null) !== s.manual
        })
        const ghosts = room
          .getSnapshot()
          .toArray()
          .filter(
            (m) =>
              present(m.status) &&
              m.userId !== 'u-observer' &&
              !expected.some((s) => s.userId === m.userId),
          )
        return { missing: missing.length, ghosts: ghosts.length }
      }
      const settledFrom = performance.now()
      const settledMs = await Promise.all(
        ROOMS.map((roomId) =>
          observers
            .get(roomId)!
            .until(
              `${roomId} exactly right`,
              () => {
                const wrong = wrongIn(roomId)
                return wrong.missing + wrong.ghosts === 0
              },
              FAIL_MS,
            )
            .then(
              () => performance.now() - settledFrom,
              () => Infinity,
            ),
        ),
      )
      const wrong = ROOMS.map(wrongIn)
      const liveSessions = seats.filter((s) => s.inRoom).length + observers.size
      const held = await pollUntil(
        async () => {
          const { presences } = await server.stats()
          return presences === liveSessions && presences
        },
        'the server holding the live sessions',
        { failMs: 10_000 },
      ).catch(async () => (await server.stats()).presences)

      return [
        flatCheck('observer process heap after GC, growth', samples.observer),
        flatCheck('Realtime server heap after GC, growth', samples.server),
        withinMs('rooms exactly right after the churn', Math.max(...settledMs), SETTLE_MS),
        equals(
          'live clients not shown, or not with their status',
          wrong.reduce((n, w) => n + w.missing, 0),
          0,
        ),
        equals(
          'clients shown present that are gone (ghosts)',
          wrong.reduce((n, w) => n + w.ghosts, 0),
          0,
        ),
        equals('presences the server holds = live sessions', held, liveSessions),
        equals('errors reported to the observers', observerErrors, 0),
      ]
    } finally {
      killAll(seats.map((s) => s.process))
      for (const observer of observers.values()) observer.close()
      server.child.kill('SIGKILL')
    }
  },
}
