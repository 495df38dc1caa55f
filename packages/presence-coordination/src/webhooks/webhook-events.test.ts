import { describe, expect, it } from 'vitest'
import { presenceEvents, type SubjectState, webhookPayload } from './webhook-events.js'

const T0 = Date.UTC(2026, 5, 13, 9)
const state = (status: SubjectState['status'], customStatus: SubjectState['customStatus'] = null) =>
  ({ userId: 'u1', status, customStatus, at: T0 }) satisfies SubjectState

const kinds = (previous: SubjectState | undefined, t: Parameters<typeof presenceEvents>[1]) =>
  presenceEvents(previous, t).map((e) => e.type)

describe('presence events from transitions', () => {
  it('online, offline and status changes follow the statuses before and after', () => {
    const at = T0 + 1
    expect(kinds(undefined, { userId: 'u1', status: 'online', at })).toEqual(['presence.online'])
    expect(kinds(undefined, { userId: 'u1', status: 'busy', at })).toEqual(['presence.online'])
    expect(kinds(state('offline'), { userId: 'u1', status: 'idle', at })).toEqual([
      'presence.online',
    ])
    expect(kinds(state('busy'), { userId: 'u1', status: 'offline', at })).toEqual([
      'presence.offline',
    ])
    expect(kinds(state('online'), { userId: 'u1', status: 'away', at })).toEqual([
      'presence.status_changed',
    ])
    expect(kinds(state('online'), { userId: 'u1', status: 'online', at })).toEqual([])
  })

  it('uses a stored event’s `from` when nothing was recorded before', () => {
    expect(kinds(undefined, { userId: 'u1', from: 'idle', to: 'offline', at: T0 })).toEqual([
      'presence.offline',
    ])
    expect(kinds(undefined, { userId: 'u1', from: null, to: 'online', at: T0 })).toEqual([
      'presence.online',
    ])
  })

  it('a different custom status is its own event; an absent one keeps the last', () => {
    const lunch = { text: 'At lunch', emoji: '🥪' }
    const events = presenceEvents(state('online'), {
      userId: 'u1',
      status: 'away',
      customStatus: lunch,
      at: T0 + 1,
    })
    expect(events.map((e) => e.type)).toEqual([
      'presence.status_changed',
      'presence.custom_status_changed',
    ])
    expect(events[1]!.data).toEqual({
      userId: 'u1',
      status: 'away',
      previousStatus: 'online',
      customStatus: lunch,
    })
    expect(kinds(state('away', lunch), { userId: 'u1', status: 'away', at: T0 + 2 })).toEqual([])
    expect(
      kinds(state('away', lunch), {
        userId: 'u1',
        status: 'away',
        customStatus: { ...lunch, expiresAt: T0 + 9 }, // only the expiry differs
        at: T0 + 2,
      }),
    ).toEqual([])
    const cleared = presenceEvents(state('away', lunch), {
      userId: 'u1',
      status: 'away',
      customStatus: null,
      at: T0 + 3,
    })
    expect(cleared.map((e) => [e.type, e.data.previousCustomStatus])).toEqual([
      ['presence.custom_status_changed', lunch],
    ])
  })

  it('payloads are { type, timestamp, data } with the transition’s time', () => {
    const [event] = presenceEvents(undefined, { userId: 'u1', status: 'online', at: T0 })
    expect(webhookPayload(event!)).toEqual({
      type: 'presence.online',
      timestamp: '2026-06-13T09:00:00.000Z',
      data: { userId: 'u1', status: 'online', previousStatus: 'offline' },
    })
  })
})
