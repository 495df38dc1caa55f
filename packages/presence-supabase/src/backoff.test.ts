import { createPrng } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKOFF_POLICY, fullJitterDelay, fullJitterReconnect } from './backoff.js'

describe('fullJitterDelay', () => {
  it('spans [0, base·2^(tries-1)] below the cap', () => {
    expect(fullJitterDelay(1, 0)).toBe(0)
    expect(fullJitterDelay(1, 0.999999)).toBe(2_000)
    expect(fullJitterDelay(3, 0.5)).toBe(4_000)
  })

  it('never exceeds the cap, even for huge try counts', () => {
    expect(fullJitterDelay(6, 0.999999)).toBe(30_000)
    expect(fullJitterDelay(10_000, 0.999999)).toBe(30_000)
  })

  it('clamps a random source outside [0, 1) and treats tries < 1 as the first', () => {
    expect(fullJitterDelay(1, -1)).toBe(0)
    expect(fullJitterDelay(1, 2)).toBe(2_000)
    expect(fullJitterDelay(0, 1)).toBe(2_000)
  })

  it('spreads evenly: no 250 ms bucket of the first 10 s holds much more than its share', () => {
    const random = createPrng(42)
    const buckets = new Array<number>(40).fill(0)
    const n = 20_000
    for (let i = 0; i < n; i++) {
      const d = fullJitterDelay(4, random(), DEFAULT_BACKOFF_POLICY) // ceiling 16 s
      expect(d).toBeGreaterThanOrEqual(0)
      expect(d).toBeLessThanOrEqual(16_000)
      if (d < 10_000) buckets[Math.floor(d / 250)]! += 1
    }
    // Each 250 ms bucket of a 16 s span expects 1/64 of draws; allow generous slack.
    for (const count of buckets) expect(count / n).toBeLessThan(0.025)
  })
})

describe('fullJitterReconnect', () => {
  it('uses the given policy and random source', () => {
    const reconnect = fullJitterReconnect({ baseMs: 100, capMs: 500 }, () => 0.5)
    expect(reconnect(1)).toBe(50)
    expect(reconnect(10)).toBe(250)
  })

  it('varies for the same try with the default random source', () => {
    const reconnect = fullJitterReconnect()
    const values = new Set(Array.from({ length: 20 }, () => reconnect(3)))
    expect(values.size).toBeGreaterThan(1)
  })
})
