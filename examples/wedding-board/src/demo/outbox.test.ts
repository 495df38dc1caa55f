import { describe, expect, it } from 'vitest'
import { createOutbox, describeEntry, messageText, type OutboxEntry } from './outbox.js'

const notification = (recipientId: string) => ({
  id: `b1:${recipientId}`,
  recipientId,
  urgency: 'emergency' as const,
  createdAt: 0,
  payload: {
    senderId: 'u-venue',
    payload: {
      broadcastId: 'b1',
      event: 'urgent',
      payload: { text: 'Ceremony at 4 PM' },
      sentAt: 0,
    },
  },
})
const context = { routes: ['in-app', 'push', 'fallback'] as const, reason: 'emergency' as const }

describe('the demo outbox', () => {
  it('records each route, with the fallback as the SMS or email the cast asks for', () => {
    const outbox = createOutbox()
    const heard: OutboxEntry[] = []
    const stop = outbox.subscribe((e) => heard.push(e))
    outbox.hooks.fallback!(notification('u-caterer'), context)
    outbox.hooks.fallback!(notification('u-planner'), context)
    outbox.hooks.push!(notification('u-dj'), context)
    stop()
    outbox.hooks.inApp!(notification('u-dj'), { ...context, heldForMs: 180_000 })
    expect(heard).toHaveLength(3)
    expect(outbox.entries().map(describeEntry)).toEqual([
      'SMS to Oskar Lindqvist (07700 900105): “Ceremony at 4 PM” — from Maya Okafor',
      'Email to Sofia Marin (sofia@example.com): “Ceremony at 4 PM” — from Maya Okafor',
      'Push to Kofi Mensah: “Ceremony at 4 PM” — from Maya Okafor',
      'In-app inbox of Kofi Mensah (held 3 min): “Ceremony at 4 PM” — from Maya Okafor',
    ])
  })

  it('reads the text of a bare message too, and never more than the urgent limit', () => {
    expect(messageText({ text: 'Hello' })).toBe('Hello')
    expect(messageText({ payload: { text: '<b>x</b>' } })).toBe('<b>x</b>')
    expect(messageText(42)).toBe('(no text)')
    expect(messageText({ text: 'x'.repeat(500) })).toHaveLength(200)
  })
})
