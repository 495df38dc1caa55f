import { createPresenceClient } from '@wedsync/presence-core'
import { createMemoryStore } from '@wedsync/presence-server'
import { createFakeActivity, createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createPresenceRecorder } from './presence-recorder.js'

describe('the presence recorder', () => {
  it('records what a client shows, heartbeats while it is there, and offline when it goes', async () => {
    const clock = createFakeClock()
    const store = createMemoryStore()
    const changes: string[] = []
    const recorder = createPresenceRecorder({
      store,
      clock,
      scheduler: clock,
      heartbeatMs: 10_000,
      onStatusChange: (userId, status) => changes.push(`${userId}:${status}`),
    })
    const client = createPresenceClient({
      transport: createMemoryHub({ clock }).connect('florist'),
      userId: 'u-florist',
      clock,
      scheduler: clock,
      activity: createFakeActivity(),
      idleAfterMs: 60_000,
    })
    const unfollow = recorder.follow(client)
    client.setStatus('busy')
    client.setCustomStatus({ text: 'At the flower market', expiresAt: clock.now() + 3_600_000 })
    await recorder.settled()
    const stored = async () => (await store.presenceFor('u-florist', ['u-florist']))[0]!.presence
    expect(await stored()).toMatchObject({
      status: 'busy',
      customStatus: { text: 'At the flower market' },
    })

    // Heartbeats keep last seen fresh while the status stays the same.
    await clock.advance(35_000)
    await recorder.settled()
    expect((await stored())!.lastSeenAt).toBe(clock.now() - 5_000)

    unfollow()
    client.destroy()
    await recorder.settled()
    expect(await stored()).toMatchObject({ status: 'offline' })
    expect((await store.statusEvents('u-florist')).map((e) => e.to)).toEqual([
      'online',
      'busy',
      'offline',
    ])
    expect(changes).toEqual(['u-florist:online', 'u-florist:busy', 'u-florist:offline'])
    recorder.stop()
    expect(clock.pending()).toBe(0)
  })

  it('reports a failing store and keeps going', async () => {
    const clock = createFakeClock()
    const errors: unknown[] = []
    const recorder = createPresenceRecorder({
      store: {
        recordStatus: async () => Promise.reject(new Error('down')),
        recordHeartbeat: async () => {},
      },
      clock,
      scheduler: clock,
      onError: (e) => errors.push(e),
    })
    recorder.record('u-dj', undefined)
    await recorder.settled()
    expect(errors).toEqual([new Error('down')])
    recorder.stop()
  })
})
