import { describe, expect, it } from 'vitest'
import { BROADCAST_EVENT, RECEIPT_EVENT } from './broadcast.js'
import { createWorld, MINUTE, ROOM } from './test-world.js'

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
