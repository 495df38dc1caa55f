import { createDeferred, type Deferred, TRACK_REFUSED_REASON } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createWorld, MINUTE, ROOM } from '../test/test-world.js'
import {
  BROADCAST_EVENT,
  type BroadcastEnvelope,
  RECEIPT_EVENT,
  type Receipt,
} from './broadcast.js'
import type { PresenceTransport, TransportRoom } from './ports.js'

/** A wedding team in every state: online, online-but-partitioned, idle, busy, offline. */
async function weddingTeam() {
  const world = createWorld()
  const { clock, supplier, workFor } = world
  const coordinator = supplier('u-venue', { label: 'venue' })
  const board = coordinator.client.enter(ROOM)
  const photographer = supplier('u-photo', { label: 'photo' })
  const florist = supplier('u-florist', { label: 'florist' })
  const caterer = supplier('u-caterer', { label: 'caterer' })
  const planner = supplier('u-planner', { label: 'planner' })
  const dj = supplier('u-dj', { label: 'dj' })
  for (const s of [photographer, florist, caterer, planner, dj]) s.client.enter(ROOM)
  planner.client.setStatus('busy')
  await workFor(6 * MINUTE, [coordinator, photographer, florist, planner, dj])
  dj.client.destroy()
  await clock.flush()
  return { ...world, coordinator, board, photographer, florist, caterer, planner, dj }
}

describe('broadcast with receipts', () => {
  it('reports delivered / no-receipt / not-present correctly under a partition', async () => {
    const { clock, hub, board, photographer } = await weddingTeam()
    expect(board.member('u-caterer')?.status).toBe('idle')
    hub.partition('venue', 'florist')
    hub.setFaults({ latencyMs: 40 })
    const received: unknown[] = []
    photographer.client
      .room(ROOM)!
      .onBroadcast('urgent', (payload, meta) => received.push({ payload, meta }))

    const pending = board.broadcast(
      'urgent',
      { text: 'Ceremony moved to 4 PM' },
      { receipts: true, timeoutMs: 2_000 },
    )
    await clock.advance(2_000)
    const report = await pending

    expect(report.event).toBe('urgent')
    expect(report.recipients).toEqual([
      { userId: 'u-caterer', outcome: 'not-present', status: 'idle', latencyMs: 80 },
      { userId: 'u-dj', outcome: 'not-present', status: 'offline' },
      { userId: 'u-florist', outcome: 'no-receipt' },
      { userId: 'u-photo', outcome: 'delivered', latencyMs: 80 },
      { userId: 'u-planner', outcome: 'not-present', status: 'busy', latencyMs: 80 },
    ])
    expect(report.delivered).toEqual(['u-photo'])
    expect(report.noReceipt).toEqual(['u-florist'])
    expect(report.notPresent).toEqual(['u-caterer', 'u-dj', 'u-planner'])
    expect(received).toEqual([
      {
        payload: { text: 'Ceremony moved to 4 PM' },
        meta: { id: report.id, userId: 'u-venue', sessionId: expect.any(String) },
      },
    ])
  })

  it('resolves as soon as every online member confirmed', async () => {
    const { clock, hub, board } = await weddingTeam()
    hub.setFaults({ latencyMs: 10 })
    let settled = false
    const pending = board
      .broadcast('urgent', {}, { receipts: true, timeoutMs: 60_000 })
      .then((r) => {
        settled = true
        return r
      })
    await clock.advance(20)
    expect(settled).toBe(true)
    const report = await pending
    expect(report.delivered).toEqual(['u-florist', 'u-photo'])
  })

  it('without receipts resolves once sent; everyone online is reported without receipt', async () => {
    const { clock, board } = await weddingTeam()
    const pending = board.broadcast('note', { text: 'hello' })
    await clock.flush()
    const report = await pending
    expect(report.delivered).toEqual([])
    expect(report.noReceipt).toEqual(['u-florist', 'u-photo'])
  })

  it('a session that appears offline receives but never confirms', async () => {
    const { clock, board, photographer } = await weddingTeam()
    photographer.client.setPrivacy({ appearOffline: true })
    await clock.advance(1_000)
    let got = 0
    photographer.client.room(ROOM)!.onBroadcast('urgent', () => got++)
    const pending = board.broadcast('urgent', {}, { receipts: true, timeoutMs: 1_000 })
    await clock.advance(1_000)
    const report = await pending
    expect(got).toBe(1)
    expect(report.recipients.find((r) => r.userId === 'u-photo')).toEqual({
      userId: 'u-photo',
      outcome: 'not-present',
      status: 'offline',
    })
  })

  it('drops malformed envelopes and receipts with an error, and survives a throwing handler', async () => {
    const { clock, hub, board, photographer, coordinator } = await weddingTeam()
    const rogue = hub.connect('rogue').openRoom(ROOM, { key: 'u-rogue' })
    await clock.flush()
    photographer.client.room(ROOM)!.onBroadcast('urgent', () => {
      throw new Error('app bug')
    })
    await rogue.send(BROADCAST_EVENT, { v: 2, id: 'x' })
    await rogue.send(BROADCAST_EVENT, null)
    await rogue.send(RECEIPT_EVENT, { v: 1, id: 'x' })
    await clock.flush()
    expect(coordinator.errors.map((e) => e.code)).toEqual([
      'PRESENCE_PAYLOAD_INVALID',
      'PRESENCE_PAYLOAD_INVALID',
      'PRESENCE_PAYLOAD_INVALID',
    ])
    const pending = board.broadcast('urgent', {}, { receipts: true })
    await clock.advance(2_000)
    expect((await pending).delivered).toContain('u-photo')
    expect(photographer.errors.some((e) => /handler/.test(e.message))).toBe(true)
  })

  it('rejects invalid event names and broadcasts after leaving', async () => {
    const { board, coordinator } = await weddingTeam()
    await expect(board.broadcast('', {})).rejects.toMatchObject({
      code: 'PRESENCE_INVALID_ARGUMENT',
    })
    coordinator.client.leave(ROOM)
    await expect(board.broadcast('urgent', {})).rejects.toMatchObject({
      code: 'PRESENCE_ROOM_LEFT',
    })
  })

  it('leaving settles a pending broadcast with what came back', async () => {
    const { clock, hub, board, coordinator } = await weddingTeam()
    hub.setFaults({ latencyMs: 500 })
    const pending = board.broadcast('urgent', {}, { receipts: true, timeoutMs: 10_000 })
    await clock.advance(100)
    coordinator.client.leave(ROOM)
    const report = await pending
    expect(report.noReceipt).toEqual(['u-florist', 'u-photo'])
  })
})

/**
 * A room of four: three honest members (venue, photo, florist) and a rogue connection of the same
 * team that speaks the wire directly. A probe that never tracks counts every receipt on the hub.
 */
async function roomOfFour() {
  const world = createWorld()
  const { clock, hub, supplier } = world
  const probe = hub.connect('probe').openRoom(ROOM, { key: 'u-probe' })
  const receipts: Receipt[] = []
  probe.onMessage(RECEIPT_EVENT, (r) => receipts.push(r as Receipt))
  const honest = ['u-venue', 'u-photo', 'u-florist'].map((userId) =>
    supplier(userId, { label: userId.slice(2) }),
  )
  const rooms = honest.map((s) => s.client.enter(ROOM))
  const rogue = hub.connect('rogue').openRoom(ROOM, { key: 'u-rogue' })
  await clock.advance(1_000)
  let n = 0
  const envelope = (over: Partial<BroadcastEnvelope> = {}): BroadcastEnvelope => ({
    v: 1,
    id: `forged.${++n}`,
    event: 'urgent',
    from: 'u-rogue',
    session: 's-rogue',
    receipts: true,
    payload: { n },
    ...over,
  })
  /** Tracks a valid meta for the rogue: it is then present like anyone else. */
  const rogueJoins = () =>
    rogue.track({ v: 1, session: 's-rogue', status: 'online', seq: clock.now(), lease: 60_000 })
  /** Receipts each honest user sent so far. */
  const sentBy = () =>
    Object.fromEntries(
      honest.map((s) => [
        s.client.userId,
        receipts.filter((r) => r.user === s.client.userId).length,
      ]),
    )
  const handled: unknown[] = []
  rooms[1]!.onBroadcast('urgent', (payload) => handled.push(payload))
  return { ...world, honest, rooms, rogue, rogueJoins, envelope, receipts, sentBy, handled }
}

describe('receipts are answered only when they should be', () => {
  it('a forged sender (a key or session not present in the room) gets no receipt, but the app still gets the broadcast', async () => {
    const { clock, rogue, rogueJoins, envelope, receipts, sentBy, handled } = await roomOfFour()
    await rogue.send(BROADCAST_EVENT, envelope()) // u-rogue is not present yet
    await rogue.send(BROADCAST_EVENT, envelope({ from: 'u-ghost', session: 's-ghost' }))
    await clock.flush()
    await rogueJoins()
    await clock.flush()
    // Present now, but the session named is not one of u-rogue's, nor is u-photo's session claimed by u-rogue.
    await rogue.send(BROADCAST_EVENT, envelope({ session: 's-other' }))
    await rogue.send(BROADCAST_EVENT, envelope({ from: 'u-photo' }))
    await clock.flush()
    expect(receipts).toEqual([])
    expect(handled).toHaveLength(4)
    // The same envelope from the present session is confirmed by every honest member.
    await rogue.send(BROADCAST_EVENT, envelope())
    await clock.flush()
    expect(sentBy()).toEqual({ 'u-venue': 1, 'u-photo': 1, 'u-florist': 1 })
    expect(receipts.every((r) => r.to === 's-rogue')).toBe(true)
  })

  it('300 envelopes from one present sender: at most 5 receipts per 10 s per member, one PRESENCE_RATE_LIMITED per window', async () => {
    const { clock, hub, honest, rogue, rogueJoins, envelope, sentBy, handled } = await roomOfFour()
    await rogueJoins()
    await clock.flush()
    const broadcastsBefore = hub.stats().broadcasts
    for (let i = 0; i < 300; i++) await rogue.send(BROADCAST_EVENT, envelope())
    await clock.advance(5_000)
    expect(sentBy()).toEqual({ 'u-venue': 5, 'u-photo': 5, 'u-florist': 5 })
    expect(hub.stats().broadcasts - broadcastsBefore).toBe(300 + 15) // not 300 + 900
    expect(handled).toHaveLength(300)
    for (const s of honest) {
      const limited = s.errors.filter((e) => e.code === 'PRESENCE_RATE_LIMITED')
      expect(limited).toHaveLength(1)
      expect(limited[0]!.details).toEqual({
        roomId: ROOM,
        userId: 'u-rogue',
        sessionId: 's-rogue',
      })
    }
    // Still flooding 5 s later: no receipt and no second report within the window.
    for (let i = 0; i < 50; i++) await rogue.send(BROADCAST_EVENT, envelope())
    await clock.flush()
    expect(sentBy()).toEqual({ 'u-venue': 5, 'u-photo': 5, 'u-florist': 5 })
    // A new window: 5 more each, and one more report each.
    await clock.advance(5_000)
    for (let i = 0; i < 50; i++) await rogue.send(BROADCAST_EVENT, envelope())
    await clock.flush()
    expect(sentBy()).toEqual({ 'u-venue': 10, 'u-photo': 10, 'u-florist': 10 })
    for (const s of honest)
      expect(s.errors.filter((e) => e.code === 'PRESENCE_RATE_LIMITED')).toHaveLength(2)
  })

  it('a member whose track the room refused sends none; after untrack or hidden none; after a re-track, receipts again', async () => {
    const { clock, hub, supplier, rogue, rogueJoins, envelope, receipts } = await roomOfFour()
    // The caterer's membership is refused its track, as a private room's RLS policy refuses a
    // contacts-only member whom some of the team may not see.
    hub.setTrackPolicy(({ label }) => label !== 'caterer')
    const caterer = supplier('u-caterer', { label: 'caterer' })
    const room = caterer.client.enter(ROOM)
    let got = 0
    room.onBroadcast('urgent', () => got++)
    await rogueJoins()
    await clock.advance(1_000)
    expect(caterer.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(TRACK_REFUSED_REASON),
    ])
    /** Sends one envelope and returns who confirmed it. */
    const confirmers = async () => {
      const sent = envelope()
      await rogue.send(BROADCAST_EVENT, sent)
      await clock.flush()
      return receipts
        .filter((r) => r.id === sent.id)
        .map((r) => r.user)
        .sort()
    }
    expect(await confirmers()).toEqual(['u-florist', 'u-photo', 'u-venue'])
    expect(got).toBe(1)

    // A new membership (the policy lifted) tracks, and confirms again.
    hub.setTrackPolicy(undefined)
    hub.reconnect('caterer')
    await clock.advance(1_000)
    expect(await confirmers()).toEqual(['u-caterer', 'u-florist', 'u-photo', 'u-venue'])

    // Appearing offline untracks: no receipt, though the broadcast still arrives.
    caterer.client.setPrivacy({ appearOffline: true })
    await clock.advance(1_000)
    expect(hub.state(ROOM)['u-caterer']).toBeUndefined()
    expect(await confirmers()).toEqual(['u-florist', 'u-photo', 'u-venue'])
    caterer.client.setPrivacy({})
    await clock.advance(1_000)
    expect(await confirmers()).toEqual(['u-caterer', 'u-florist', 'u-photo', 'u-venue'])
    expect(got).toBe(4)
  })

  it('only the latest track counts: an older one resolving late does not confirm a refused one', async () => {
    const { clock, hub, rogueJoins, envelope, rogue, receipts, supplier } = await roomOfFour()
    // The caterer's transport hands back track outcomes when the test says so.
    const outcomes: Deferred<void>[] = []
    const inner = hub.connect('caterer')
    const transport: PresenceTransport = {
      openRoom(roomId, options) {
        const room = inner.openRoom(roomId, options)
        const held: TransportRoom = Object.create(room)
        held.track = (meta) => {
          const outcome = createDeferred()
          outcomes.push(outcome)
          void room.track(meta).catch(() => {})
          return outcome.promise
        }
        return held
      },
    }
    const caterer = supplier('u-caterer', { transport })
    caterer.client.enter(ROOM)
    await rogueJoins()
    await clock.advance(1_000)
    caterer.client.setStatus('busy')
    await clock.advance(1_000)
    expect(outcomes).toHaveLength(2)
    const confirmedBy = async () => {
      const sent = envelope()
      await rogue.send(BROADCAST_EVENT, sent)
      await clock.flush()
      return receipts.some((r) => r.id === sent.id && r.user === 'u-caterer')
    }
    outcomes[1]!.reject(new Error('refused'))
    outcomes[0]!.resolve()
    expect(await confirmedBy()).toBe(false)
    caterer.client.setStatus(null)
    await clock.advance(1_000)
    expect(await confirmedBy()).toBe(false) // the new track is still in flight
    outcomes[2]!.resolve()
    expect(await confirmedBy()).toBe(true)

    // A failure superseded by a later track is no news: not reported, and the later one decides.
    caterer.client.setStatus('away')
    await clock.advance(1_000)
    caterer.client.setStatus(null)
    await clock.advance(1_000)
    expect(outcomes).toHaveLength(5)
    outcomes[3]!.reject(new Error('superseded'))
    outcomes[4]!.resolve()
    expect(await confirmedBy()).toBe(true)
    expect(caterer.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^track failed in wedding:123: Error: refused/),
    ])
  })
})
