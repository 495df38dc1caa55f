/**
 * The webhook catch-up on the memory stores and a fake clock: a transition stored without its
 * hook (the instance died) is fanned out once by the next pass, a second pass sends nothing, a
 * hook for the same change arriving late gives no events, and passes repeat every `catchUpMs`.
 */
import { createMemoryStore } from '@wedsync/presence-server'
import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { generateWebhookSecret } from './signing.js'
import { createWebhookCatchUp } from './webhook-catch-up.js'
import { createWebhookFanOut } from './webhook-fan-out.js'
import { createMemoryWebhookStore } from './webhook-store.js'

async function setup() {
  const clock = createFakeClock(Date.parse('2026-06-01T10:00:00Z'))
  const presence = createMemoryStore()
  const webhooks = createMemoryWebhookStore()
  await presence.addContact('u-owner', 'u1')
  await presence.addContact('u1', 'u-owner')
  await webhooks.createSubscription({
    id: 'wh_1',
    ownerId: 'u-owner',
    url: 'https://hooks.example.com/in',
    events: ['presence.online', 'presence.offline', 'presence.status_changed'],
    filter: {},
    secret: generateWebhookSecret(),
    createdAt: clock.now(),
    updatedAt: clock.now(),
  })
  const fanOut = createWebhookFanOut({ webhooks, presence, clock })
  const catchUp = createWebhookCatchUp({ webhooks, presence, fanOut, clock, catchUpMs: 30_000 })
  const types = async () => (await webhooks.messages('wh_1')).map((m) => m.type)
  return { clock, presence, webhooks, fanOut, catchUp, types }
}

describe('webhook catch-up', () => {
  it('sends a transition whose hook never ran once; a late hook and a second pass add nothing', async () => {
    const { clock, presence, fanOut, catchUp, types } = await setup()
    await presence.recordStatus({ userId: 'u1', status: 'online', at: clock.now() })
    await fanOut.enqueue({ userId: 'u1', status: 'online', from: null, at: clock.now() })
    expect(await types()).toEqual(['presence.online'])

    await clock.advance(1_000)
    const at = clock.now()
    // Stored, but the hook never ran (the instance died).
    await presence.recordStatus({ userId: 'u1', status: 'busy', at })
    expect(await catchUp.runOnce()).toBe(1)
    expect(await types()).toEqual(['presence.online', 'presence.status_changed'])
    expect(await catchUp.runOnce()).toBe(0)
    // The hook for the same change, late: the state is already recorded, so no event.
    const late = await fanOut.enqueue({ userId: 'u1', status: 'busy', from: 'online', at })
    expect(late.messages).toBe(0)
    expect(await types()).toEqual(['presence.online', 'presence.status_changed'])
  })

  it('runs on start and every catchUpMs on the fake clock; users never recorded are left alone', async () => {
    const { clock, presence, fanOut, catchUp, types } = await setup()
    await presence.recordStatus({ userId: 'u1', status: 'online', at: clock.now() })
    await fanOut.enqueue({ userId: 'u1', status: 'online', from: null, at: clock.now() })
    await presence.recordStatus({ userId: 'u2', status: 'online', at: clock.now() }) // never recorded
    catchUp.start()
    await clock.advance(1_000)
    await presence.recordStatus({ userId: 'u1', status: 'busy', at: clock.now() })
    expect(await types()).toEqual(['presence.online'])
    await clock.advance(29_000) // the timer's pass, 30 s after the one on start
    expect(await types()).toEqual(['presence.online', 'presence.status_changed'])
    catchUp.stop()
    await presence.recordStatus({ userId: 'u1', status: 'online', at: clock.now() })
    await clock.advance(60_000)
    expect(await types()).toEqual(['presence.online', 'presence.status_changed'])
  })
})
