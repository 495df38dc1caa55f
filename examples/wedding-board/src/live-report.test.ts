import { buildReport, type Recipient } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import {
  type LiveBroadcast,
  receiptRows,
  summarize,
  withReceipt,
  withRoute,
} from './live-report.js'

const SENT_AT = 1_000_000
const recipients: Recipient[] = [
  { userId: 'u-dj', status: 'online' },
  { userId: 'u-florist', status: 'idle' },
  { userId: 'u-photo', status: 'online' },
]

const sent = (overrides: Partial<LiveBroadcast> = {}): LiveBroadcast => ({
  text: 'Ceremony moved to 4 PM',
  sentAt: SENT_AT,
  recipients,
  absent: ['u-caterer'],
  receipts: new Map(),
  ...overrides,
})

describe('the live receipt report', () => {
  it('waits for the online, sends everyone else another way, the moment it is sent', () => {
    expect(receiptRows(sent())).toEqual([
      { userId: 'u-dj', state: 'waiting' },
      { userId: 'u-florist', state: 'not-present', status: 'idle' },
      { userId: 'u-photo', state: 'waiting' },
      { userId: 'u-caterer', state: 'not-present', status: 'offline' },
    ])
    expect(summarize(sent())).toEqual({
      delivered: 0,
      waiting: 2,
      reachOtherwise: 2,
      routed: 0,
      settled: false,
    })
  })

  it('fills in receipts as they arrive, first receipt per person only', () => {
    let live = withReceipt(sent(), 'u-photo', SENT_AT + 42)
    live = withReceipt(live, 'u-photo', SENT_AT + 90) // their second device
    live = withReceipt(live, 'u-florist', SENT_AT + 55)
    live = withReceipt(live, 'u-stranger', SENT_AT + 60) // not a recipient at send time
    expect(receiptRows(live)).toEqual([
      { userId: 'u-dj', state: 'waiting' },
      { userId: 'u-florist', state: 'not-present', status: 'idle', latencyMs: 55 },
      { userId: 'u-photo', state: 'delivered', latencyMs: 42 },
      { userId: 'u-caterer', state: 'not-present', status: 'offline' },
    ])
    expect(summarize(live).delivered).toBe(1)
  })

  it("takes core's final report once it is in", () => {
    const report = buildReport(
      { id: 's.1', event: 'urgent', sentAt: SENT_AT },
      recipients,
      new Map([['u-photo', 40]]),
    )
    const live = sent({ report, receipts: new Map([['u-photo', SENT_AT + 38]]) })
    expect(receiptRows(live)).toEqual([
      { userId: 'u-dj', state: 'no-receipt' },
      { userId: 'u-florist', state: 'not-present', status: 'idle' },
      { userId: 'u-photo', state: 'delivered', latencyMs: 40 },
      { userId: 'u-caterer', state: 'not-present', status: 'offline' },
    ])
    expect(summarize(live)).toEqual({
      delivered: 1,
      waiting: 0,
      reachOtherwise: 3,
      routed: 0,
      settled: true,
    })
  })

  it('is settled by an error too', () => {
    expect(summarize(sent({ error: 'transport down' })).settled).toBe(true)
  })

  it('with the router: final once every recipient without a receipt has a route', () => {
    const report = buildReport(
      { id: 's.1', event: 'urgent', sentAt: SENT_AT },
      recipients,
      new Map([['u-photo', 40]]),
    )
    const result = (userId: string) => ({
      id: `s.1:${userId}`,
      recipientId: userId,
      decision: {
        action: 'deliver' as const,
        routes: ['in-app', 'push', 'fallback'] as const,
        reason: 'emergency' as const,
      },
      delivered: ['in-app', 'push', 'fallback'] as const,
      failed: [],
      skipped: [],
      held: false,
    })
    let live = sent({ report, routing: { urgency: 'emergency', routes: new Map() } })
    expect(summarize(live).settled).toBe(false)
    live = withRoute(live, 'u-dj', { state: 'routing' })
    live = withRoute(live, 'u-dj', { state: 'routed', result: result('u-dj') })
    live = withRoute(live, 'u-florist', { state: 'routed', result: result('u-florist') })
    expect(summarize(live)).toMatchObject({ routed: 2, settled: false })
    live = withRoute(live, 'u-caterer', { state: 'failed', error: 'HTTP 502' })
    expect(summarize(live)).toEqual({
      delivered: 1,
      waiting: 0,
      reachOtherwise: 3,
      routed: 2,
      settled: true,
    })
    // Without a router there is nothing to record.
    expect(withRoute(sent(), 'u-dj', { state: 'routing' })).toEqual(sent())
  })
})
