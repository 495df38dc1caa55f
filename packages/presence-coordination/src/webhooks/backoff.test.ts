import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKOFF, isDelivered, onFailure, retryDelay } from './backoff.js'

describe('webhook backoff', () => {
  it('doubles each step up to the cap, with jitter between half and all of it', () => {
    const policy = { baseMs: 1_000, maxMs: 10_000 }
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000, 5_000, 5_000,
    ])
    expect([1, 2, 3, 4, 5].map((n) => retryDelay(n, policy, () => 0.999_999))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000,
    ])
    expect(retryDelay(1_000, policy, () => 0.5)).toBe(7_500) // no overflow far out
  })

  it('the defaults: 5 s first, an hour at most, paused on the 12th failure', () => {
    expect(retryDelay(1, {}, () => 1)).toBe(DEFAULT_BACKOFF.baseMs)
    expect(retryDelay(30, {}, () => 1)).toBe(DEFAULT_BACKOFF.maxMs)
    expect(onFailure(11, 0, {}, () => 0).kind).toBe('retry')
    expect(onFailure(12, 0, {}, () => 0)).toEqual({ kind: 'pause', at: DEFAULT_BACKOFF.maxMs / 2 })
  })

  it('pauses when a message has failed maxAttempts times, with a retry time for later', () => {
    const policy = { baseMs: 100, maxAttempts: 3 }
    expect(onFailure(2, 1_000, policy, () => 0)).toEqual({ kind: 'retry', at: 1_100 })
    expect(onFailure(3, 1_000, policy, () => 0)).toEqual({ kind: 'pause', at: 1_200 })
  })

  it('only a 2xx is delivered', () => {
    expect([200, 204, 299].every(isDelivered)).toBe(true)
    expect([199, 301, 400, 410, 429, 500, 503].some(isDelivered)).toBe(false)
  })
})
