/**
 * The SPEC story and its failure cases end to end: `createPresenceClient` over this transport,
 * real supabase-js clients, the local Realtime server. Where a test walks through time, the
 * clients and the server share one fake clock (so the server counts presence calls in the same
 * time the clients budget them), time moves in small steps, and after each step the test waits
 * until the server has answered every call made in it. Waits are on observed state, bounded only
 * to turn a hang into a failure.
 */
import {
  type Activity,
  createPresenceClient,
  type MemberPresence,
  type PresenceClient,
  type PresenceRoom,
  type TransportStatus,
} from '@wedsync/presence-core'
import { createFakeActivity, createFakeClock, type FakeClock } from '@wedsync/presence-testing'
import { createAccessToken, type RealtimeServer } from '@wedsync/presence-testing/server'
import { afterEach, describe, expect, it } from 'vitest'
import { type CallTracker, createTestWorld, trackCalls, untilRoom } from '../test/test-supabase.js'
import type { SupabaseTransport } from './transport.js'

const world = createTestWorld()
const clients: PresenceClient[] = []
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy()
  await world.cleanup()
})

const MINUTE = 60_000
const HOUR = 60 * MINUTE
/** The server's idle timeout runs on the fake clock too: never while a test walks through a night. */
const NO_IDLE_TIMEOUT = 7 * 24 * HOUR
const WEDDING = '123'
const ROOM = `wedding:${WEDDING}`

/** Resolves when `check` holds for the room's snapshot, re-checked after every new snapshot. */
async function until(room: PresenceRoom, description: string, check: () => boolean): Promise<void> {
  await untilRoom(room, description, check)
}

interface Person {
  readonly client: PresenceClient
  readonly transport: SupabaseTransport
  readonly activity: ReturnType<typeof createFakeActivity>
  readonly calls: CallTracker
  readonly statuses: TransportStatus[]
  enter(activity?: Activity): PresenceRoom
}

interface PersonOptions {
  readonly clock?: FakeClock
  readonly name?: string
  readonly role?: string
  readonly accessToken?: string
}

function person(server: RealtimeServer, userId: string, options: PersonOptions = {}): Person {
  const transport = world.transport(server, {
    rejoin: { baseMs: 20 },
    ...(options.accessToken ? { client: { accessToken: options.accessToken } } : {}),
  })
  const calls = trackCalls(transport)
  const activity = createFakeActivity()
  const client = createPresenceClient({
    transport: calls.transport,
    userId,
    activity,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.name ? { profile: { name: options.name, role: options.role ?? 'supplier' } } : {}),
  })
  clients.push(client)
  const statuses: TransportStatus[] = []
  return {
    client,
    transport,
    activity,
    calls,
    statuses,
    enter(enterActivity) {
      const room = client.enter(ROOM, enterActivity ? { activity: enterActivity } : {})
      room.on('connection', (status) => statuses.push(status))
      return room
    },
  }
}

/**
 * Moves the shared clock `ms` forward in `stepMs` steps; before each step `each` runs, and after
 * it the server has answered every call the step made, so it counts them at the step's time.
 */
async function walk(
  clock: FakeClock,
  people: readonly Person[],
  ms: number,
  stepMs: number,
  each?: (elapsed: number) => void,
): Promise<void> {
  for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
    each?.(elapsed)
    await clock.advance(Math.min(stepMs, ms - elapsed))
    await Promise.all(people.map((p) => p.calls.settled()))
  }
}

const member = (room: PresenceRoom, userId: string): MemberPresence | undefined =>
  room.getSnapshot().member(userId)

describe('the SPEC story over supabase-js', () => {
  it('photographer online viewing the timeline, florist idle 5 min, caterer offline since yesterday 18:40', async () => {
    const clock = createFakeClock(Date.UTC(2026, 5, 11, 18, 0)) // Thursday, two days before
    const server = await world.start({ clock, idleTimeoutMs: NO_IDLE_TIMEOUT })
    const venue = person(server, 'u-venue', { clock, name: 'Maya', role: 'venue coordinator' })
    const board = venue.enter({ action: 'viewing', target: 'setup checklist', weddingId: WEDDING })
    const caterer = person(server, 'u-caterer', { clock, name: 'Oskar', role: 'caterer' })
    caterer.enter({ action: 'editing', target: 'menu', weddingId: WEDDING })
    await until(board, 'the caterer online', () => member(board, 'u-caterer')?.status === 'online')

    // Forty minutes on the menu; heartbeats every 15 s keep the caterer's last activity current.
    await walk(clock, [venue, caterer], 40 * MINUTE, 15_000, (elapsed) => {
      if (elapsed % MINUTE === 0) {
        caterer.activity.input()
        venue.activity.input()
      }
    })
    expect(member(board, 'u-caterer')?.status).toBe('online')
    caterer.client.destroy() // 18:40: the caterer closes the laptop
    await until(
      board,
      'the caterer offline',
      () => member(board, 'u-caterer')?.status === 'offline',
    )
    venue.activity.hide() // the coordinator goes home: her tab publishes nothing overnight
    await venue.calls.settled()
    await clock.set(Date.UTC(2026, 5, 12, 9, 0)) // Friday 09:00

    venue.activity.show()
    venue.activity.input()
    const photographer = person(server, 'u-photo', { clock, name: 'Priya', role: 'photographer' })
    photographer.enter({ action: 'viewing', target: 'timeline', weddingId: WEDDING })
    const florist = person(server, 'u-florist', { clock, name: 'Florence', role: 'florist' })
    florist.enter({ action: 'editing', target: 'flower order', weddingId: WEDDING })
    const everyone = [venue, photographer, florist]
    await until(
      board,
      'photographer and florist online',
      () =>
        member(board, 'u-photo')?.status === 'online' &&
        member(board, 'u-florist')?.status === 'online',
    )
    // Five minutes: the photographer keeps working on the timeline; the florist walked away.
    await walk(clock, everyone, 5 * MINUTE + 1_000, 15_000, (elapsed) => {
      if (elapsed % MINUTE === 0) {
        photographer.activity.input()
        venue.activity.input()
      }
    })
    await until(board, 'the florist idle', () => member(board, 'u-florist')?.status === 'idle')

    const now = clock.now()
    const photo = member(board, 'u-photo')!
    expect(photo.status).toBe('online')
    expect(photo.activity).toEqual({ action: 'viewing', target: 'timeline', weddingId: WEDDING })
    expect(photo.profile).toEqual({ name: 'Priya', role: 'photographer' })
    const florence = member(board, 'u-florist')!
    expect(Math.floor((now - florence.lastActiveAt!) / MINUTE)).toBe(5) // "active 5 min ago"
    const oskar = member(board, 'u-caterer')!
    expect(oskar.status).toBe('offline')
    expect(oskar.sessions).toEqual([])
    // "last seen yesterday 18:40": his last input was at 18:39, his laptop closed at 18:40.
    expect(oskar.lastActiveAt).toBeGreaterThanOrEqual(Date.UTC(2026, 5, 11, 18, 39))
    expect(oskar.lastActiveAt).toBeLessThanOrEqual(Date.UTC(2026, 5, 11, 18, 40))
    for (const [id, p] of [
      ['u-photo', photographer],
      ['u-florist', florist],
      ['u-venue', venue],
    ] as const)
      expect(member(board, id)?.sessions.map((s) => s.sessionId)).toEqual([p.client.sessionId])

    // Nothing went wrong on the way: no channel closed for a limit, no rejoin, nothing dropped.
    expect(server.stats().channelsClosed).toBe(0)
    expect(everyone.map((p) => p.statuses)).toEqual(Array(3).fill(['connecting', 'joined']))
    expect(world.errors).toEqual([])
  })
})

describe('failures', () => {
  it('the server restarts mid-session: everyone is re-tracked, no duplicate, no ghost', async () => {
    const server = await world.start()
    const people = ['u-a', 'u-b', 'u-c'].map((id) => person(server, id))
    const rooms = people.map((p) => p.enter({ action: 'viewing', target: 'timeline' }))
    const syncs = rooms.map(() => 0)
    rooms.forEach((room, i) => {
      room.on('sync', () => {
        syncs[i]!++
      })
    })
    /** Each person online in `room` with exactly their one session. */
    const everyoneOnce = (room: PresenceRoom) => () =>
      people.every((p) => {
        const m = member(room, p.client.userId)
        return (
          m?.status === 'online' && m.sessions.map((s) => s.sessionId).join() === p.client.sessionId
        )
      })
    for (const room of rooms) await until(room, 'three online', everyoneOnce(room))

    await server.restart() // all state lost; every socket closed (1012)
    for (const [i, room] of rooms.entries())
      await until(
        room,
        'three online, once each, after a fresh sync',
        () => syncs[i]! >= 2 && room.connection === 'joined' && everyoneOnce(room)(),
      )
    expect(server.stats().presences).toBe(3) // no ghost on the server either
    expect(people.map((p) => p.statuses)).toEqual(
      Array(3).fill(['connecting', 'joined', 'reconnecting', 'joined']),
    )
  })

  it('100 status changes in 10 s never trip the server’s presence limit', async () => {
    const clock = createFakeClock()
    const server = await world.start({ clock, idleTimeoutMs: NO_IDLE_TIMEOUT })
    const busy = person(server, 'u-busy', { clock })
    const watcher = person(server, 'u-watch', { clock })
    const room = busy.enter()
    const view = watcher.enter()
    await until(view, 'u-busy online', () => member(view, 'u-busy')?.status === 'online')
    const before = busy.calls.presenceCalls
    const sequence = ['busy', 'away', null] as const
    let last: (typeof sequence)[number] = null
    await walk(clock, [busy, watcher], 10_000, 100, (elapsed) => {
      last = sequence[(elapsed / 100) % 3]!
      busy.client.setStatus(last)
    })
    // Within the server's 30 s window the client spent at most the 5 calls it allows.
    const inBurst = busy.calls.presenceCalls - before
    expect(inBurst).toBeLessThanOrEqual(4) // the join's track took the fifth
    // Once the window frees a call, the last change goes out, and nothing was lost on the way.
    await walk(clock, [busy, watcher], 30_000, 1_000)
    const expected = last === null ? undefined : last
    await until(view, 'the last status', () => member(view, 'u-busy')?.manualStatus === expected)
    expect(member(view, 'u-busy')?.status).toBe(expected ?? 'online')
    expect(server.stats().channelsClosed).toBe(0)
    expect(busy.statuses).toEqual(['connecting', 'joined'])
    expect(room.connection).toBe('joined')
  })

  it('an expired token is refreshed: the room rejoins and re-tracks on its own', async () => {
    const clock = createFakeClock()
    const server = await world.start({ clock, idleTimeoutMs: NO_IDLE_TIMEOUT })
    const token = (seconds: number) =>
      createAccessToken({ now: clock.now(), expiresInSeconds: seconds, claims: { sub: 'u-tok' } })
    const user = person(server, 'u-tok', { clock, accessToken: await token(60) })
    const watcher = person(server, 'u-watch', { clock })
    const room = user.enter({ action: 'viewing', target: 'timeline' })
    const view = watcher.enter()
    await until(view, 'u-tok online', () => member(view, 'u-tok')?.status === 'online')
    // As an app's auth listener would: hand Realtime a fresh token when the room loses its channel.
    room.on('connection', (status) => {
      if (status === 'reconnecting')
        void token(3_600).then((fresh) => user.transport.setAuth(fresh))
    })
    await walk(clock, [user, watcher], 61_000, 15_000) // past the first token's expiry
    await until(room, 'rejoined', () => user.statuses.length >= 4 && room.connection === 'joined')
    await until(view, 'u-tok back', () => member(view, 'u-tok')?.status === 'online')
    expect(user.statuses).toEqual(['connecting', 'joined', 'reconnecting', 'joined'])
    expect(member(view, 'u-tok')?.sessions.map((s) => s.sessionId)).toEqual([user.client.sessionId])
    expect(user.client.room(ROOM)).toBe(room) // the same room throughout: nothing to re-enter
    expect(world.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^Token has expired/),
    ])
  })
})
