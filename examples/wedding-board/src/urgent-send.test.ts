/**
 * sendUrgent on the in-memory hub and a fake clock: the live report gets core's report, then a
 * route for each recipient who did not confirm, through a stand-in for the API's router.
 */
import type { DeliveryResult, NotificationInput } from '@wedsync/presence-coordination/browser'
import { createPresenceClient, recipientsOf } from '@wedsync/presence-core'
import { createFakeActivity, createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { type LiveBroadcast, receiptRows, summarize } from './live-report.js'
import { type ReportUpdate, sendUrgent } from './urgent-send.js'

const ROOM = 'wedding:123'

async function wedding() {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const join = (userId: string) =>
    createPresenceClient({
      transport: hub.connect(userId),
      userId,
      clock,
      scheduler: clock,
      activity: createFakeActivity(),
    })
  const venue = join('u-venue')
  const room = venue.enter(ROOM)
  join('u-photo').enter(ROOM)
  const florist = join('u-florist')
  florist.enter(ROOM)
  florist.setStatus('busy')
  await clock.advance(1_000)
  let live: LiveBroadcast = {
    text: 'Ceremony moved',
    sentAt: clock.now(),
    recipients: recipientsOf(room.getSnapshot().values(), 'u-venue'),
    absent: ['u-caterer'],
    receipts: new Map(),
    routing: { urgency: 'emergency', routes: new Map() },
  }
  const update: ReportUpdate = (change) => {
    live = change(live)
  }
  return { clock, room, update, current: () => live }
}

const deliveredAll = (input: NotificationInput<unknown>): DeliveryResult => ({
  id: input.id ?? 'x',
  recipientId: input.recipientId,
  decision: { action: 'deliver', routes: ['in-app', 'push', 'fallback'], reason: 'emergency' },
  delivered: ['in-app', 'push', 'fallback'],
  failed: [],
  skipped: [],
  held: false,
})

describe('sendUrgent', () => {
  it('fills the report in: core’s report, then a route for everyone who did not confirm', async () => {
    const { clock, room, update, current } = await wedding()
    const asked: string[] = []
    const router = {
      send: async <P>(input: NotificationInput<P>) => {
        asked.push(`${input.recipientId}:${input.urgency}`)
        if (input.recipientId === 'u-caterer') throw new Error('HTTP 502')
        return deliveredAll(input)
      },
    }
    const done = sendUrgent({
      room,
      router,
      text: 'Ceremony moved',
      urgency: 'emergency',
      team: ['u-venue', 'u-photo', 'u-florist', 'u-caterer'],
      sender: 'u-venue',
      update,
      timeoutMs: 2_000,
    })
    await clock.advance(2_000)
    await done
    const live = current()
    expect(receiptRows(live).map((r) => [r.userId, r.state])).toEqual([
      ['u-florist', 'not-present'],
      ['u-photo', 'delivered'],
      ['u-caterer', 'not-present'],
    ])
    expect(asked.sort()).toEqual(['u-caterer:emergency', 'u-florist:emergency'])
    expect(live.routing?.routes.get('u-florist')).toMatchObject({ state: 'routed' })
    expect(live.routing?.routes.get('u-caterer')).toEqual({ state: 'failed', error: 'HTTP 502' })
    expect(summarize(live)).toMatchObject({ delivered: 1, routed: 1, settled: true })
  })

  it('without an API: core’s broadcast alone, and a failure becomes the report’s error', async () => {
    const { clock, room, update, current } = await wedding()
    const done = sendUrgent({
      room,
      router: undefined,
      text: 'Ceremony moved',
      urgency: 'emergency',
      team: [],
      sender: 'u-venue',
      update,
      timeoutMs: 2_000,
    })
    await clock.advance(2_000)
    await done
    expect(current().report?.delivered).toEqual(['u-photo'])

    const failing = { broadcast: async () => Promise.reject(new Error('channel closed')) }
    await sendUrgent({
      room: failing,
      router: undefined,
      text: 'x',
      urgency: 'routine',
      team: [],
      sender: 'u-venue',
      update,
    })
    expect(current().error).toBe('channel closed')
  })
})
