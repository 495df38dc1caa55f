import type { DeliveryResult } from '@wedsync/presence-coordination/browser'
import { describe, expect, it } from 'vitest'
import { describeRoute } from './route-outcome.js'

const formatTime = (at: number) => new Date(at).toISOString().slice(11, 16)
const delivered = (
  routes: DeliveryResult['delivered'],
  reason: 'emergency' | 'offline' | 'idle' = 'emergency',
  failed: DeliveryResult['failed'] = [],
): DeliveryResult => ({
  id: 'b:u',
  recipientId: 'u',
  decision: { action: 'deliver', routes: [...routes, ...failed], reason },
  delivered: routes,
  failed,
  skipped: [],
  held: false,
})

describe('what the router did, in words', () => {
  const routed = (result: DeliveryResult, fallback: 'sms' | 'email' = 'sms', status?: 'busy') =>
    describeRoute({ state: 'routed', result }, { fallback, formatTime, ...(status && { status }) })

  it('names push and the fallback as SMS or email, the inbox only when alone', () => {
    expect(routed(delivered(['in-app', 'push', 'fallback']))).toEqual({
      text: 'Push and SMS queued',
      tone: 'routed',
    })
    expect(routed(delivered(['fallback'], 'offline'), 'email').text).toBe('Email queued')
    expect(routed(delivered(['in-app'], 'idle')).text).toBe('In-app inbox queued')
  })

  it('says when an emergency went through do-not-disturb', () => {
    expect(routed(delivered(['in-app', 'push', 'fallback']), 'email', 'busy').text).toBe(
      'Do-not-disturb overridden · push and email queued',
    )
  })

  it('says what was held, and until when at the latest', () => {
    const held = (reason: 'busy' | 'quiet-hours'): DeliveryResult => ({
      id: 'b:u',
      recipientId: 'u',
      decision: { action: 'hold', giveUpAt: Date.UTC(2026, 5, 13, 16, 12), reason },
      delivered: [],
      failed: [],
      skipped: [],
      held: true,
    })
    expect(routed(held('busy'))).toEqual({
      text: 'Held while busy · goes by 16:12 at the latest',
      tone: 'held',
    })
    expect(routed(held('quiet-hours')).text).toBe('Held for quiet hours · until 16:12')
  })

  it('says what failed, and to call when nothing got through', () => {
    expect(routed(delivered(['in-app', 'push'], 'emergency', ['fallback'])).text).toBe(
      'Push queued · SMS failed',
    )
    expect(routed(delivered([], 'emergency', ['push', 'fallback']))).toEqual({
      text: 'Push and SMS failed · call them',
      tone: 'failed',
    })
    const opts = { fallback: 'sms' as const, formatTime }
    expect(describeRoute({ state: 'failed', error: 'HTTP 502' }, opts)).toEqual({
      text: 'Not routed · call them',
      tone: 'failed',
    })
    expect(describeRoute({ state: 'routing' }, opts).tone).toBe('pending')
  })
})
