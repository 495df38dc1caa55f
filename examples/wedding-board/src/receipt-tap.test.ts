import {
  BROADCAST_EVENT,
  createPresenceClient,
  type PresenceError,
  RECEIPT_EVENT,
} from '@wedsync/presence-core'
import { createSessionTrust } from '@wedsync/presence-core/trust'
import { createCredentialIssuer, generateSigningKey } from '@wedsync/presence-server'
import { createFakeClock, createMemoryHub, type FakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createReceiptTap, placeReceiptTap, type TapEvent } from './receipt-tap.js'

const ROOM = 'wedding:123'

/** The coordinator's client over the tap, on the in-memory hub and a fake clock. */
function coordinatorWithTap() {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const tap = createReceiptTap(clock)
  const events: TapEvent[] = []
  tap.subscribe((event) => events.push(event))
  const venue = createPresenceClient({
    ...placeReceiptTap(tap, hub.connect('venue')),
    userId: 'u-venue',
    clock,
  })
  return { clock, hub, events, venue }
}

/**
 * Verified clients on the hub: credentials from presence-server's issuer (the test hands out
 * whatever user a session asks for; the real endpoint takes it from the caller's token).
 */
async function verifiedWorld() {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const issuer = createCredentialIssuer({
    keys: [await generateSigningKey()],
    issuer: 'urn:test',
    clock,
  })
  const trust = () =>
    createSessionTrust({
      credentials: (request) => issuer.issue(request),
      keys: { jwks: issuer.jwks() },
      issuer: 'urn:test',
    })
  return { clock, hub, trust }
}

/**
 * Resolves once `check` holds. WebCrypto completes on its own thread pool, so each turn yields
 * to the event loop and runs due fake timers; the bound only turns a hang into a failure.
 */
async function until(clock: FakeClock, check: () => unknown, what: string): Promise<void> {
  for (let turn = 0; turn < 20_000; turn++) {
    if (check()) return
    await new Promise((resolve) => setImmediate(resolve))
    await clock.flush()
  }
  throw new Error(`gave up waiting for ${what}`)
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

  it('with verified presence, reports only receipts that verified', async () => {
    const { clock, hub, trust } = await verifiedWorld()
    const tap = createReceiptTap(clock)
    const events: TapEvent[] = []
    tap.subscribe((event) => events.push(event))
    const errors: PresenceError[] = []
    const venue = createPresenceClient({
      ...placeReceiptTap(tap, hub.connect('venue'), trust()),
      userId: 'u-venue',
      clock,
    })
    venue.on('error', (error) => errors.push(error))
    const photo = createPresenceClient({
      transport: hub.connect('photo'),
      userId: 'u-photo',
      clock,
      trust: trust(),
    })
    expect(venue.trust).toBe('verified')
    // Another member of the room confirms every broadcast in the florist's name, unsigned.
    const mallory = hub.connect('mallory').openRoom(ROOM, { key: 'u-mallory' })
    mallory.onMessage(BROADCAST_EVENT, (envelope) => {
      const { id, session } = envelope as { id: string; session: string }
      void mallory.send(RECEIPT_EVENT, { v: 1, id, user: 'u-florist', session: 's-x', to: session })
    })
    const room = venue.enter(ROOM)
    photo.enter(ROOM)
    await until(clock, () => room.member('u-photo')?.status === 'online', 'the photographer')

    const sending = room.broadcast('urgent', { text: 'Ceremony moved' }, { receipts: true })
    await until(
      clock,
      () =>
        events.some((e) => e.type === 'receipt') &&
        errors.some((e) => e.code === 'PRESENCE_NOT_VERIFIED'),
      "the photographer's receipt and the forged one's drop",
    )
    const report = await sending
    expect(report.delivered).toEqual(['u-photo'])
    expect(events.filter((e) => e.type === 'receipt').map((e) => e.userId)).toEqual(['u-photo'])
    expect(errors.map((e) => (e.details as { reason?: string }).reason)).toEqual(['missing-proof'])
    for (const client of [venue, photo]) client.destroy()
    hub.dispose()
  })
})
