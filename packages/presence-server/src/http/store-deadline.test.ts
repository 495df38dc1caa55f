/**
 * Deadlines and load shedding on the request path, on a fake clock with a store whose calls stall
 * until the test lets them go: 503 + Retry-After at the deadline, shedding past the queue, a
 * timed-out queued update never applied after the heal, and /health naming what is down.
 */
import { createDeferred, createFakeClock, type Deferred } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import type { PresenceStore } from '../stores/presence-store.js'
import { createMemoryStore } from '../stores/store-memory.js'
import { createStoreGate, gateStore } from './store-deadline.js'

/** The memory store with `recordStatus` and `ping` held until `heal()`; then they go through. */
function stalledStore() {
  const inner = createMemoryStore()
  let gate: Deferred<void> | undefined = createDeferred<void>()
  const entered = createDeferred<void>()
  const store: PresenceStore = {
    ...inner,
    recordStatus: async (change) => {
      entered.resolve()
      if (gate) await gate.promise
      return inner.recordStatus(change)
    },
    ping: async () => {
      if (gate) await gate.promise
    },
  }
  return {
    inner,
    store,
    /** Resolves when the first recordStatus reached the store. */
    entered: entered.promise,
    heal() {
      gate?.resolve()
      gate = undefined
    },
  }
}

describe('store deadlines', () => {
  it('answers 503 PRESENCE_STORE_UNAVAILABLE with Retry-After when the deadline passes', async () => {
    const stalled = stalledStore()
    const clock = createFakeClock()
    const server = testServer({
      store: stalled.store,
      clock,
      scheduler: clock,
      storeTimeoutMs: 500,
    })
    let settled = false
    const pending = server.call('u-a', 'POST', '/presence/status', { status: 'busy' })
    void pending.then(() => {
      settled = true
    })
    await stalled.entered
    await clock.advance(499)
    expect(settled).toBe(false)
    await clock.advance(1)
    const response = await pending
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    expect((await response.json()).error.code).toBe('PRESENCE_STORE_UNAVAILABLE')
  })

  it('never applies a timed-out update that was still queued when the store heals', async () => {
    const stalled = stalledStore()
    const clock = createFakeClock()
    const gate = createStoreGate({ scheduler: clock, timeoutMs: 500, maxConcurrent: 1 })
    const store = gateStore(stalled.store, gate)
    const at = clock.now()
    // The first update takes the only slot and stalls; the second waits behind it.
    const first = store.recordStatus({ userId: 'u-a', status: 'busy', at })
    const second = store.recordStatus({ userId: 'u-b', status: 'away', at })
    const firstFailed = expect(first).rejects.toMatchObject({
      code: 'PRESENCE_STORE_UNAVAILABLE',
      retryAfterMs: 500,
    })
    const secondFailed = expect(second).rejects.toMatchObject({
      code: 'PRESENCE_STORE_UNAVAILABLE',
    })
    expect(gate.queued()).toBe(1)
    await clock.advance(500)
    await firstFailed
    await secondFailed
    expect(gate.queued()).toBe(0)
    stalled.heal()
    await clock.flush()
    expect(gate.running()).toBe(0)
    const [b] = await stalled.inner.presenceFor('u-b', ['u-b'])
    expect(b!.presence).toBeUndefined()
    // The first had started before its deadline: the gate cannot take back what the store is
    // running. It lands with the time the client sent it at (see docs/server.md, idempotence).
    const [a] = await stalled.inner.presenceFor('u-a', ['u-a'])
    expect(a!.presence).toMatchObject({ status: 'busy', lastSeenAt: at })
  })

  it('sheds at once past the queue limit, and serves what it queued after the heal', async () => {
    const stalled = stalledStore()
    const clock = createFakeClock()
    const gate = createStoreGate({ scheduler: clock, maxConcurrent: 1, maxQueued: 1 })
    const store = gateStore(stalled.store, gate)
    const at = clock.now()
    const running = store.recordStatus({ userId: 'u-a', status: 'busy', at })
    const queued = store.recordStatus({ userId: 'u-b', status: 'busy', at })
    await expect(store.recordStatus({ userId: 'u-c', status: 'busy', at })).rejects.toMatchObject({
      code: 'PRESENCE_STORE_UNAVAILABLE',
      retryAfterMs: 2_000,
    })
    stalled.heal()
    await expect(running).resolves.toBeDefined()
    await expect(queued).resolves.toBeDefined()
    expect(clock.pending()).toBe(0) // deadlines of settled calls are cancelled
  })

  it('through a long stall, a timed-out call frees its place in the queue', async () => {
    const stalled = stalledStore()
    const clock = createFakeClock()
    const gate = createStoreGate({
      scheduler: clock,
      timeoutMs: 500,
      maxConcurrent: 1,
      maxQueued: 2,
    })
    const store = gateStore(stalled.store, gate)
    const send = (userId: string) =>
      store.recordStatus({ userId, status: 'busy', at: clock.now() }).catch((error) => error)
    const stuck = send('u-stuck') // holds the only slot for the whole stall
    for (let round = 0; round < 5; round++) {
      const waiting = [send(`u-${round}-a`), send(`u-${round}-b`)]
      expect(gate.queued()).toBe(2)
      await clock.advance(500)
      for (const result of await Promise.all(waiting))
        expect(result).toMatchObject({ code: 'PRESENCE_STORE_UNAVAILABLE' })
      // Without leaving the queue, round 2 would be shed at once and the queue would grow.
      expect(gate.queued()).toBe(0)
    }
    stalled.heal()
    await stuck
    await clock.flush()
    expect(gate.running()).toBe(0)
  })

  it('answers a shed request with 503 and Retry-After at once', async () => {
    const stalled = stalledStore()
    const clock = createFakeClock()
    const server = testServer({
      store: stalled.store,
      clock,
      scheduler: clock,
      storeConcurrency: 1,
      storeQueueLimit: 0,
    })
    const running = server.call('u-a', 'POST', '/presence/status', { status: 'busy' })
    await stalled.entered
    const shed = await server.call('u-b', 'POST', '/presence/status', { status: 'busy' })
    expect(shed.status).toBe(503)
    expect(shed.headers.get('retry-after')).toBe('2')
    expect((await shed.json()).error.code).toBe('PRESENCE_STORE_UNAVAILABLE')
    stalled.heal()
    expect((await running).status).toBe(200)
  })

  it('gives a stalled rate limiter the same deadline', async () => {
    const clock = createFakeClock()
    const never = new Promise<never>(() => {})
    const server = testServer({
      clock,
      scheduler: clock,
      storeTimeoutMs: 300,
      rateLimiter: {
        limit: 10,
        windowMs: 60_000,
        store: { consume: () => never, reset: () => never } as never,
        consume: () => never,
        reset: () => never,
      },
    })
    const pending = server.call('u-a', 'POST', '/presence/status', { status: 'busy' })
    await clock.advance(300)
    const response = await pending
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
  })

  it('answers a store or rate limiter that fails at once (down, not slow) with Retry-After too', async () => {
    // What a restarting Postgres or a killed Redis does: the call fails in milliseconds.
    const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'))
    const down = testServer({
      store: { ...createMemoryStore(), recordStatus: refused },
      storeTimeoutMs: 3_000,
    })
    const limiterDown = testServer({
      rateLimiter: {
        limit: 10,
        windowMs: 60_000,
        store: {} as never,
        consume: refused,
        reset: refused,
      },
    })
    // Retry-After is the deadline rounded up: 3 s as set, 2 s by default.
    for (const [server, retryAfter] of [
      [down, '3'],
      [limiterDown, '2'],
    ] as const) {
      const response = await server.call('u-a', 'POST', '/presence/status', { status: 'busy' })
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe(retryAfter)
      const body = await response.json()
      expect(body.error.code).toBe('PRESENCE_STORE_UNAVAILABLE')
      // The driver's message stays inside.
      expect(JSON.stringify(body)).not.toContain('ECONNREFUSED')
    }
  })

  it('names the stalled check in /health within its 2 s default', async () => {
    const stalled = stalledStore()
    const clock = createFakeClock()
    const server = testServer({ store: stalled.store, clock, scheduler: clock })
    const pending = server.call(null, 'GET', '/health')
    await clock.advance(2_000)
    const response = await pending
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: { store: 'fail', rateLimiter: 'ok', heartbeatLimiter: 'ok' },
    })
  })

  it('validates its options', () => {
    expect(() => createStoreGate({ timeoutMs: 0 })).toThrow(RangeError)
    expect(() => createStoreGate({ maxConcurrent: 1.5 })).toThrow(RangeError)
    expect(() => createStoreGate({ maxQueued: -1 })).toThrow(RangeError)
    expect(createStoreGate({ maxQueued: 0 }).queued()).toBe(0)
  })

  it('passes a store error through as the error it is, and frees the slot', async () => {
    const clock = createFakeClock()
    const gate = createStoreGate({ scheduler: clock, maxConcurrent: 1 })
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(
      gate.run(() => {
        throw new Error('sync')
      }),
    ).rejects.toThrow('sync')
    expect(gate.running()).toBe(0)
    expect(await gate.run(async () => 7)).toBe(7)
  })
})
