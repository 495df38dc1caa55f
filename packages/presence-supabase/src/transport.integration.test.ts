/**
 * The transport's own behaviour beyond the contract, with real supabase-js clients on the local
 * Realtime server: the rate-limit close and its backoff (on a fake clock: nothing rejoins before
 * the wait is over), presence dropped at the boundary, private channels, calls made before the
 * join, closing, and token refresh (by hand, and from the app's token source after a refusal).
 * Waits are on observed events; the fake clock moves only the transport's own timers or the
 * server's (token expiry).
 */
import { createClient } from '@supabase/supabase-js'
import type { PresenceError, TransportStatusDetail } from '@wedsync/presence-core'
import { createFakeClock, probeRoom, type RoomProbe } from '@wedsync/presence-testing'
import {
  createAccessToken,
  DEV_ANON_KEY,
  type RealtimeServer,
} from '@wedsync/presence-testing/server'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { createTestWorld } from '../test/test-supabase.js'
import { fullJitterReconnect } from './backoff.js'
import { createSupabaseTransport } from './transport.js'

const world = createTestWorld()
/** Clients a test made itself, outside the world. */
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
  await world.cleanup()
})

let rooms = 0
const freshRoom = () => `w-${Date.now().toString(36)}-${++rooms}`

/** A probe whose waits give up after 8 s (a failure bound, not a timing assertion). */
const probe = (room: Parameters<typeof probeRoom>[0]) =>
  probeRoom(room, { failAfterMs: 8_000, messages: ['note'] })

const syncs = (p: RoomProbe) =>
  p.log.filter((e) => e.kind === 'presence' && e.event.type === 'sync')

function joinedAndSynced(p: RoomProbe, times = 1): Promise<true> {
  return p.until(() => syncs(p).length >= times || undefined, `sync #${times}`)
}

/** A room opened on a transport of its own, once it has joined and synced. */
async function joinedRoom(server: RealtimeServer, roomId: string, key: string): Promise<RoomProbe> {
  const room = probe(world.transport(server).openRoom(roomId, { key }))
  await joinedAndSynced(room)
  return room
}

const holds = (p: RoomProbe, key: string) => (p.state()[key] ?? []).map((m) => m.meta)

/** The `v` of u-a's one meta, as `p` sees it. */
const versionOf = (p: RoomProbe) => (holds(p, 'u-a')[0] as { v?: number } | undefined)?.v

function lastDetail(p: RoomProbe): TransportStatusDetail | undefined {
  const entry = p.log.findLast((e) => e.kind === 'status')
  return entry?.kind === 'status' ? entry.detail : undefined
}

describe('rate-limit close', () => {
  it('backs off for the presence window on its clock, rejoins, and backs off longer if it recurs', async () => {
    const server = await world.start()
    const clock = createFakeClock()
    const roomId = freshRoom()
    const transport = world.transport(server, { clock, random: () => 0 })
    const a = probe(transport.openRoom(roomId, { key: 'u-a' }))
    const observer = probe(world.transport(server).openRoom(roomId, { key: 'observer' }))
    await Promise.all([joinedAndSynced(a), joinedAndSynced(observer)])

    // Six presence calls, one after another (calls made at once would go out as one): the server
    // allows five per 30 s and closes the channel.
    const calls: PromiseSettledResult<void>[] = []
    for (const i of [1, 2, 3, 4, 5, 6])
      calls.push(...(await Promise.allSettled([a.room.track({ i })])))
    expect(calls.map((c) => c.status)).toEqual([...Array(5).fill('fulfilled'), 'rejected'])
    expect(((calls[5] as PromiseRejectedResult).reason as PresenceError).code).toBe(
      'PRESENCE_TRANSPORT_FAILED',
    )
    await a.until(() => a.status() === 'reconnecting' || undefined, 'reconnecting')
    expect(lastDetail(a)?.reason).toBe('Client presence rate limit exceeded; rejoining in 30000 ms')
    expect(world.errors.map((e) => e.message)).toContain('Client presence rate limit exceeded')
    await observer.until(() => holds(observer, 'u-a').length === 0 || undefined, 'u-a gone')

    const channelOpen = () =>
      transport.client.supabase.realtime
        .getChannels()
        .some((c) => c.topic === `realtime:presence:${roomId}`)
    expect(channelOpen()).toBe(false)
    await clock.advance(29_999)
    expect(channelOpen()).toBe(false) // still waiting out the window
    await clock.advance(1)
    expect(channelOpen()).toBe(true)
    await joinedAndSynced(a, 2)
    await a.room.track({ back: true })
    await observer.until(() => holds(observer, 'u-a')[0] ?? undefined, 'u-a back')
    expect(holds(observer, 'u-a')).toEqual([{ back: true }])

    // The same again: the second close in a row waits twice as long.
    for (const i of [1, 2, 3, 4, 5]) await a.room.track({ again: i }).catch(() => {})
    await a.until(
      () => (lastDetail(a)?.reason ?? '').endsWith('rejoining in 60000 ms') || undefined,
      'the second backoff',
    )
    await clock.advance(59_999)
    expect(channelOpen()).toBe(false)
    await clock.advance(1)
    await joinedAndSynced(a, 3)
    expect(server.stats().channelsClosed).toBe(2)
  })
})

describe('presence at the boundary', () => {
  it('drops and reports entries under keys that are no user id; keeps the rest', async () => {
    const server = await world.start()
    const roomId = freshRoom()
    const ours = await joinedRoom(server, roomId, 'u-ours')
    // Tracked one after another: the server fans each diff out before it acknowledges the track,
    // so by the time u-fine arrives, the diffs of the keys before it have been handled.
    const raw = (key: string) =>
      new Promise<string>((resolve) => {
        const channel = world
          .client(server)
          .supabase.channel(`presence:${roomId}`, { config: { presence: { key } } })
        channel.subscribe((status) => {
          if (status === 'SUBSCRIBED') void channel.track({ from: key }).then(resolve)
        })
      })
    expect(await raw('k'.repeat(200))).toBe('ok')
    expect(await raw('prototype')).toBe('ok')
    await raw('u-fine')
    await ours.until(() => holds(ours, 'u-fine').length === 1 || undefined, 'u-fine')
    expect(Object.keys(ours.state())).toEqual(['u-fine'])
    expect(world.errors.map((e) => [e.code, (e.details as { reason: string }).reason])).toEqual([
      ['PRESENCE_PAYLOAD_INVALID', 'an invalid presence key'],
      ['PRESENCE_PAYLOAD_INVALID', 'an invalid presence key'],
    ])
  })

  it('delivers broadcasts by exact event name, as sent, never to the sender', async () => {
    const server = await world.start()
    const roomId = freshRoom()
    const [a, b] = await Promise.all([
      joinedRoom(server, roomId, 'u-a'),
      joinedRoom(server, roomId, 'u-b'),
    ])
    await a.room.send('Note', { wrong: 'case' })
    await a.room.send('note', { text: 'rain plan', at: [16, 0] })
    await b.until(() => b.log.some((e) => e.kind === 'message') || undefined, 'the note')
    expect(
      b.log.filter((e) => e.kind === 'message').map((e) => e.kind === 'message' && e.payload),
    ).toEqual([{ text: 'rain plan', at: [16, 0] }])
    await expect(a.room.send('', {})).rejects.toMatchObject({ code: 'PRESENCE_INVALID_ARGUMENT' })
    const circular: Record<string, unknown> = {}
    circular.self = circular
    await expect(a.room.send('note', circular)).rejects.toMatchObject({
      code: 'PRESENCE_INVALID_ARGUMENT',
    })
    await expect(a.room.track(['not', 'a', 'map'])).rejects.toMatchObject({
      code: 'PRESENCE_INVALID_ARGUMENT',
    })
  })
})

describe('private rooms (through the server’s authorize hook)', () => {
  it('joins a team member and reports a refused outsider as an error whose calls give up', async () => {
    const server = await world.start({
      authorize: ({ topic, claims, action }) =>
        topic.startsWith('presence:') &&
        (claims.sub === 'u-team' || (claims.sub === 'u-viewer' && action === 'read')),
    })
    const roomId = freshRoom()
    const team = world.transport(server, {
      client: { accessToken: await createAccessToken({ claims: { sub: 'u-team' } }) },
    })
    const member = probe(team.openRoom(roomId, { key: 'u-team', private: true }))
    await joinedAndSynced(member)
    await member.room.track({ here: true })
    await member.until(() => holds(member, 'u-team').length === 1 || undefined, 'own echo')

    // Allowed to read the room but not to track in it: the server answers the track with an error.
    const viewer = world.transport(server, {
      client: { accessToken: await createAccessToken({ claims: { sub: 'u-viewer' } }) },
    })
    const watching = probe(viewer.openRoom(roomId, { key: 'u-viewer', private: true }))
    await joinedAndSynced(watching)
    await expect(watching.room.track({ here: true })).rejects.toThrow(/^track: error$/)
    expect(Object.keys(watching.state())).toEqual(['u-team'])

    const clock = createFakeClock()
    const outsider = world.transport(server, {
      clock,
      client: { accessToken: await createAccessToken({ claims: { sub: 'u-out' } }) },
    })
    const refused = probe(outsider.openRoom(roomId, { key: 'u-out', private: true }))
    const track = refused.room.track({ sneaking: true }).catch((error: Error) => error.message)
    await refused.until(() => refused.status() === 'error' || undefined, 'the refusal')
    expect(lastDetail(refused)?.reason).toMatch(/^Unauthorized: /)
    await clock.advance(10_000)
    expect(await track).toMatch(/not joined within 10000 ms$/)
    expect(Object.keys(member.state())).toEqual(['u-team'])
  })
})

describe('calls and closing', () => {
  it('calls made before the join wait for it, and only the last presence call is sent', async () => {
    const server = await world.start()
    const roomId = freshRoom()
    const observer = await joinedRoom(server, roomId, 'observer')
    const early = world.transport(server).openRoom(roomId, { key: 'u-early' })
    await Promise.all([early.track({ v: 1 }), early.track({ v: 2 }), early.send('note', { n: 1 })])
    await observer.until(() => holds(observer, 'u-early').length === 1 || undefined, 'u-early')
    const joins = observer.log.flatMap((e) =>
      e.kind === 'presence' && e.event.type === 'join' && e.event.key === 'u-early'
        ? e.event.metas.map((m) => m.meta)
        : [],
    )
    expect(joins).toEqual([{ v: 2 }])
    await early.close()
  })

  it('close fails waiting calls, refuses new ones, and a reopened room joins afresh', async () => {
    const server = await world.start()
    const roomId = freshRoom()
    const transport = world.transport(server)
    const first = transport.openRoom(roomId, { key: 'u-a' })
    const waiting = first.track({ v: 1 })
    const closing = first.close()
    expect(first.close()).toBe(closing)
    await expect(waiting).rejects.toMatchObject({ code: 'PRESENCE_ROOM_LEFT' })
    await expect(first.untrack()).rejects.toMatchObject({ code: 'PRESENCE_ROOM_LEFT' })
    await closing
    const second = probe(transport.openRoom(roomId, { key: 'u-a' }))
    await joinedAndSynced(second)
    // Opening a room that is open replaces it, as a second join of a topic does in Phoenix.
    const third = probe(transport.openRoom(roomId, { key: 'u-a' }))
    await second.until(() => second.status() === 'closed' || undefined, 'second closed')
    await joinedAndSynced(third)
    await third.room.track({ v: 3 })
    await third.until(() => holds(third, 'u-a').length === 1 || undefined, 'own echo')
  })

  it('transport.close leaves every room; the others see the leaves', async () => {
    const server = await world.start()
    const transport = world.transport(server)
    const ids = [freshRoom(), freshRoom()]
    const rooms = ids.map((id) => probe(transport.openRoom(id, { key: 'u-a' })))
    const observer = probe(world.transport(server).openRoom(ids[1]!, { key: 'observer' }))
    await Promise.all([...rooms, observer].map((room) => joinedAndSynced(room)))
    await Promise.all(rooms.map((room) => room.room.track({ here: true })))
    await observer.until(() => holds(observer, 'u-a').length === 1 || undefined, 'u-a')
    await transport.close()
    expect(transport.client.supabase.realtime.getChannels()).toEqual([])
    expect(rooms.map((room) => room.status())).toEqual(['closed', 'closed'])
    await observer.until(() => holds(observer, 'u-a').length === 0 || undefined, 'u-a gone')
  })

  it('refuses a channel name the app already uses on the same client, and bad arguments', async () => {
    const server = await world.start()
    const transport = world.transport(server)
    transport.client.supabase.channel('presence:taken').subscribe()
    expect(() => transport.openRoom('taken', { key: 'u-a' })).toThrow(/already open/)
    expect(() => transport.openRoom('', { key: 'u-a' })).toThrow(/roomId/)
    expect(() => transport.openRoom('w', { key: 'ids' })).toThrow(/presence key/)
    expect(() => createSupabaseTransport({} as never)).toThrow(/needs a Supabase client/)
    expect(() => createSupabaseTransport(transport.client.supabase, { joinWaitMs: 0 })).toThrow(
      /joinWaitMs/,
    )
    const custom = world.transport(server, { topic: () => '' })
    expect(() => custom.openRoom('w', { key: 'u-a' })).toThrow(/no channel name/)
  })
})

describe('access tokens', () => {
  it('a token refreshed before it expires keeps the room: no close, no leave', async () => {
    const clock = createFakeClock()
    const server = await world.start({ clock, idleTimeoutMs: 7 * 24 * 3_600_000 })
    const roomId = freshRoom()
    const transport = world.transport(server, {
      client: { accessToken: await createAccessToken({ now: clock.now(), expiresInSeconds: 60 }) },
    })
    const a = probe(transport.openRoom(roomId, { key: 'u-a' }))
    const observer = probe(world.transport(server).openRoom(roomId, { key: 'observer' }))
    await Promise.all([joinedAndSynced(a), joinedAndSynced(observer)])
    await a.room.track({ v: 1 })
    await observer.until(() => holds(observer, 'u-a').length === 1 || undefined, 'u-a')
    await clock.advance(30_000)
    await transport.setAuth(await createAccessToken({ now: clock.now(), expiresInSeconds: 3_600 }))
    // The token frame and this track share one socket: once the echo is back, the server has both.
    await a.room.track({ v: 2 })
    await observer.until(() => versionOf(observer) === 2 || undefined, 'v 2')
    await clock.advance(60_000) // past the first token's expiry
    await a.room.track({ v: 3 }) // answered: the channel is still open
    await observer.until(() => versionOf(observer) === 3 || undefined, 'v 3')
    expect(
      a.log.filter((e) => e.kind === 'status').map((e) => e.kind === 'status' && e.status),
    ).toEqual(['connecting', 'joined'])
    expect(server.stats().channelsClosed).toBe(0)
  })

  it('after its token expired, the room rejoins with the refreshed token', async () => {
    const clock = createFakeClock()
    const server = await world.start({ clock, idleTimeoutMs: 7 * 24 * 3_600_000 })
    const roomId = freshRoom()
    const transport = world.transport(server, {
      rejoin: { baseMs: 20 },
      client: { accessToken: await createAccessToken({ now: clock.now(), expiresInSeconds: 60 }) },
    })
    const a = probe(transport.openRoom(roomId, { key: 'u-a' }))
    await joinedAndSynced(a)
    await clock.advance(61_000)
    await a.until(() => a.status() === 'reconnecting' || undefined, 'the close at expiry')
    expect(lastDetail(a)?.reason).toMatch(/^Token has expired/)
    await transport.setAuth(await createAccessToken({ now: clock.now(), expiresInSeconds: 3_600 }))
    await joinedAndSynced(a, 2)
    await a.room.track({ back: true })
    await a.until(() => holds(a, 'u-a').length === 1 || undefined, 'own echo after the rejoin')
  })

  it("a join refused for an expired token asks the app's token source again; the rejoin carries the fresh one", async () => {
    const clock = createFakeClock()
    const server = await world.start({ clock, idleTimeoutMs: 7 * 24 * 3_600_000 })
    // The app's token source (supabase-js's `accessToken` option), down for a while.
    let token = await createAccessToken({ now: clock.now(), expiresInSeconds: 60 })
    let available = true
    let asked = 0
    const supabase = createClient(server.url, DEV_ANON_KEY, {
      accessToken: async () => {
        asked++
        if (!available) throw new Error('auth server unavailable')
        return token
      },
      realtime: {
        transport: WebSocket as never,
        // No heartbeat in this test's time: realtime-js's own reason to ask the source again.
        heartbeatIntervalMs: 3_600_000,
        reconnectAfterMs: fullJitterReconnect({ baseMs: 50, capMs: 200 }),
      },
    })
    cleanups.push(() => supabase.realtime.disconnect())
    const transport = createSupabaseTransport(supabase, {
      rejoin: { baseMs: 20 },
      onError: () => {},
    })
    const a = probe(transport.openRoom(freshRoom(), { key: 'u-a' }))
    await joinedAndSynced(a)

    available = false
    await clock.advance(61_000) // the server closes the channel; the new one joins with the old token
    await a.until(() => a.status() === 'error' || undefined, 'the refused join')
    expect(lastDetail(a)?.reason).toMatch(/^InvalidJWTToken: Token has expired/)
    const askedWhileDown = asked
    expect(askedWhileDown).toBeGreaterThan(1) // asked again at the close and at the refusal

    token = await createAccessToken({ now: clock.now(), expiresInSeconds: 3_600 })
    available = true
    // Asked again at the next refusal (realtime-js retries after 1, 2, 5, 10 s), the join after
    // that carries the fresh token.
    await joinedAndSynced(a, 2)
    expect(asked).toBeGreaterThan(askedWhileDown)
    expect(a.status()).toBe('joined')
  })
})
