import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createMemoryRateLimitStore, createRateLimiter } from './rate-limiter.js'
import { runRateLimiterContract } from './rate-limiter-contract.js'

runRateLimiterContract('memory', async () => {
  const store = createMemoryRateLimitStore()
  return { connect: async () => store } // one process: every limiter shares the instance
})

describe('createRateLimiter', () => {
  it('refuses a limit or window that is not a positive integer', () => {
    expect(() => createRateLimiter({ limit: 0 })).toThrow(RangeError)
    expect(() => createRateLimiter({ limit: 1.5 })).toThrow(RangeError)
    expect(() => createRateLimiter({ windowMs: 0 })).toThrow(RangeError)
  })

  it('defaults to 10 per minute with an in-memory store', async () => {
    const clock = createFakeClock()
    const limiter = createRateLimiter({ clock })
    const results = []
    for (let i = 0; i < 11; i++) results.push(await limiter.consume('u-ana'))
    expect(results.filter((r) => r.allowed)).toHaveLength(10)
    expect(results[10]).toMatchObject({ allowed: false, retryAfterMs: 60_000 })
  })
})

describe('createMemoryRateLimitStore', () => {
  it('drops keys whose window has passed as hits come in', async () => {
    const store = createMemoryRateLimitStore({ sweepEvery: 4 })
    for (let i = 0; i < 3; i++) await store.hit(`k${i}`, 0, 1_000, 5)
    expect(store.size()).toBe(3)
    await store.hit('fresh', 5_000, 1_000, 5) // the 4th hit sweeps
    expect(store.size()).toBe(1)
  })

  it('keeps the log ordered when a caller clock steps back', async () => {
    const store = createMemoryRateLimitStore()
    await store.hit('k', 1_000, 10_000, 5)
    const back = await store.hit('k', 500, 10_000, 5)
    expect(back).toEqual({ allowed: true, count: 2, oldestAt: 500 })
  })
})
