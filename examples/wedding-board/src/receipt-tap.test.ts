import { createPresenceClient, RECEIPT_EVENT } from '@wedsync/presence-core'
import { createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createReceiptTap, type TapEvent } from './receipt-tap.js'

const ROOM = 'wedding:123'

/** The coordinator's client over the tap, on the in-memory hub and a fake clock. */
function coordinatorWithTap() {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const tap = createReceiptTap(hub.connect('venue'), clock)
  const events: TapEvent[] = []
  tap.subscribe((event) => events.push(event))
  const venue = createPresenceClient({ transport: tap.transport, userId: 'u-venue', clock })
  return { clock, hub, events, venue }
}

describe('the receipt tap', () => {
  it('reports the broadcast it sends and each receipt as it arrives, before the report settles', async () => {
    const { clock, hub, events, venue } = coordinatorWithTap()
    const photo = createPresenceClient({
      transport: hub.connect('photo'),
      userId: 'u-photo',
      clock,
    })
    const florist = createPresenceClient({
      transport: hub.connect('florist'),
      userId: 'u-florist',
      clock,
    })
    const room = venue.enter(ROOM)
    photo.enter(ROOM)
    florist.enter(ROOM)
    await clock.advance(1_000)
    expect(room.getSnapshot().size).toBe(3)

    await room.broadcast('routine', { text: 'no receipts asked' })
    expect(events).toEqual([])

    // The florist's device is gone without a word: their receipt never comes.
    hub.disconnect('florist', { silent: true })
    const sending = room.broadcast('urgent', { text: 'Ceremony moved' }, { receipts: true })
    expect(events).toEqual([
      { type: 'sent', roomId: ROOM, id: expect.any(String), event: 'urgent', at: clock.now() },
    ])
    const id = (events[0] as { id: string }).id
    await clock.advance(100)
    // The photographer confirmed; the report is still waiting for the florist.
    expect(events.slice(1)).toEqual([
      { type: 'receipt', roomId: ROOM, id, userId: 'u-photo', at: expect.any(Number) },
    ])
    let settled = false
    void sending.then(() => {
      settled = true
    })
    await clock.flush()
    expect(settled).toBe(false)

    await clock.advance(2_000)
    const report = await sending
    expect(report.id).toBe(id)
    expect(report.delivered).toEqual(['u-photo'])
    expect(report.noReceipt).toEqual(['u-florist'])
    for (const client of [venue, photo, florist]) client.destroy()
    hub.dispose()
  })

  it('ignores receipts that are not well formed', async () => {
    const { clock, hub, events, venue } = coordinatorWithTap()
    venue.enter(ROOM)
    const stranger = hub.connect('stranger').openRoom(ROOM, { key: 'u-stranger' })
    await clock.advance(1_000)
    for (const payload of [
      null,
      'receipt',
      { id: 'x' },
      { id: 42, user: 'u-stranger' },
      { id: '', user: 'u' },
    ])
      await stranger.send(RECEIPT_EVENT, payload)
    await stranger.send(RECEIPT_EVENT, { id: 'b.1', user: 'u-stranger' })
    await clock.advance(100)
    expect(events.map((e) => e.type === 'receipt' && e.userId)).toEqual(['u-stranger'])
    venue.destroy()
    hub.dispose()
  })
})
