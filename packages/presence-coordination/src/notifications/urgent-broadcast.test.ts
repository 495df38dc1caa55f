/**
 * broadcastUrgent with real presence-core clients over the in-memory hub and a fake clock: who
 * confirmed is reached live, everyone else goes through the notification router in the same call.
 */
import { createPresenceClient, type PresenceClient } from '@wedsync/presence-core'
import { createFakeActivity, createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createNotificationRouter, type Notification } from './notification-router.js'
import { createMemoryNotificationStore } from './notification-store.js'
import { broadcastUrgent, type UrgentNotificationPayload } from './urgent-broadcast.js'

const ROOM = 'wedding:123'
const MINUTE = 60_000

async function weddingDay() {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const activities = new Map<string, ReturnType<typeof createFakeActivity>>()
  const clients = new Map<string, PresenceClient>()
  const join = (userId: string) => {
    const activity = createFakeActivity()
    const client = createPresenceClient({
      transport: hub.connect(userId),
      userId,
      clock,
      scheduler: clock,
      activity,
    })
    client.enter(ROOM)
    activities.set(userId, activity)
    clients.set(userId, client)
    return client
  }
  const coordinator = join('u-venue')
  const board = coordinator.room(ROOM)!
  for (const id of ['u-photo', 'u-florist', 'u-planner', 'u-dj']) join(id)
  clients.get('u-planner')!.setStatus('busy')
  // Six minutes pass; everyone but the florist keeps working (she goes idle).
  for (let m = 0; m < 6; m++) {
    for (const id of ['u-venue', 'u-photo', 'u-planner', 'u-dj']) activities.get(id)!.input()
    await clock.advance(MINUTE)
  }
  const received: unknown[] = []
  clients
    .get('u-photo')!
    .room(ROOM)!
    .onBroadcast('ceremony-moved', (p) => received.push(p))
  // The DJ's laptop is online but cut off from the coordinator: no receipt will come.
  hub.partition('u-venue', 'u-dj')

  const sent: string[] = []
  const hook = (route: string) => (n: Notification<UrgentNotificationPayload<unknown>>) => {
    sent.push(`${route}:${n.recipientId}:${n.payload.event}`)
  }
  const statuses = new Map([['u-caterer', 'offline' as const]])
  const router = createNotificationRouter<UrgentNotificationPayload<unknown>>({
    store: createMemoryNotificationStore(),
    hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
    presence: (id) => statuses.get(id as 'u-caterer') ?? 'offline',
    clock,
    scheduler: clock,
  })
  return { clock, board, router, sent, received }
}

describe('broadcastUrgent', () => {
  it('reaches who is there and routes everyone else, in one call', async () => {
    const { clock, board, router, sent, received } = await weddingDay()
    const pending = broadcastUrgent(board, router, {
      event: 'ceremony-moved',
      payload: { text: 'Ceremony moved to 16:00 (rain)' },
      timeoutMs: 2_000,
      team: ['u-venue', 'u-photo', 'u-florist', 'u-planner', 'u-dj', 'u-caterer'],
      sender: 'u-venue',
    })
    await clock.advance(2_000)
    const result = await pending

    expect(result.delivered).toEqual(['u-photo'])
    expect(received).toEqual([{ text: 'Ceremony moved to 16:00 (rain)' }])
    expect(result.routed.map((r) => [r.userId, r.because, r.status, r.result?.delivered])).toEqual([
      ['u-dj', 'no-receipt', undefined, ['in-app', 'push', 'fallback']],
      ['u-florist', 'not-present', 'idle', ['in-app', 'push', 'fallback']],
      ['u-planner', 'not-present', 'busy', ['in-app', 'push', 'fallback']],
      ['u-caterer', 'not-in-room', undefined, ['in-app', 'push', 'fallback']],
    ])
    expect(sent).toContain('fallback:u-caterer:ceremony-moved')
    expect(sent).toHaveLength(12)
    // Each routed notification carries the broadcast, keyed so a retry is idempotent.
    expect(result.routed[0]!.result!.id).toBe(`${result.report.id}:u-dj`)
  })

  it('routine urgency: busy members wait, offline ones get the fallback', async () => {
    const { clock, board, router, sent } = await weddingDay()
    const pending = broadcastUrgent(board, router, {
      event: 'menu-final',
      payload: { text: 'Final menu attached' },
      urgency: 'routine',
      team: ['u-caterer'],
    })
    await clock.advance(2_000)
    const result = await pending
    const by = Object.fromEntries(result.routed.map((r) => [r.userId, r.result]))
    expect(by['u-planner']).toMatchObject({ held: true, decision: { reason: 'busy' } })
    expect(by['u-florist']?.delivered).toEqual(['in-app', 'push'])
    expect(by['u-dj']?.delivered).toEqual(['in-app', 'push'])
    expect(by['u-caterer']?.delivered).toEqual(['fallback'])
    expect(sent.filter((s) => s.includes('u-planner'))).toEqual([])
  })

  it('reports a routing failure per recipient instead of throwing', async () => {
    const { clock, board } = await weddingDay()
    const router = {
      send: async () => {
        throw new Error('store down')
      },
    }
    const pending = broadcastUrgent(board, router, { event: 'x', payload: 1 })
    await clock.advance(2_000)
    const result = await pending
    expect(result.routed.length).toBe(3)
    for (const r of result.routed) expect((r.error as Error).message).toBe('store down')
  })
})
