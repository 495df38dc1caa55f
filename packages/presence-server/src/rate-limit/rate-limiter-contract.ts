/**
 * `runRateLimiterContract`: the guarantees of the RateLimitStore port (rate-limiter.ts), as one
 * vitest suite run against memory, Redis and Postgres (and any store an app brings). `connect`
 * may be called several times per test: every store it returns must share one backend, as
 * server instances do. Keys carry a fresh prefix per test; time is a manual clock.
 */
import type { Clock } from '@wedsync/presence-core'
import { afterEach, describe, expect, it } from 'vitest'
import { createRateLimiter, type RateLimitStore } from './rate-limiter.js'

export interface RateLimiterContractSetup {
  /** A store on the shared backend (a new connection each call, where the backend has them). */
  readonly connect: () => Promise<RateLimitStore>
  /** Runs after every store was closed. */
  readonly cleanup?: () => Promise<void>
}

let run = 0

/** A clock that moves only when told (the suite needs no scheduler, so no fake-clock package). */
function createFakeClock(start = Date.UTC(2026, 5, 13, 9, 0)) {
  let now = start
  return {
    now: () => now,
    async advance(ms: number) {
      now += ms
    },
    async set(at: number) {
      now = at
    },
  } satisfies Clock & Record<string, unknown>
}

export function runRateLimiterContract(
  name: string,
  setup: () => Promise<RateLimiterContractSetup>,
): void {
  describe(`RateLimitStore contract: ${name}`, () => {
    const opened: RateLimitStore[] = []
    let current: RateLimiterContractSetup | undefined

    async function stores(count: number): Promise<RateLimitStore[]> {
      current ??= await setup()
      const made: RateLimitStore[] = []
      for (let i = 0; i < count; i++) made.push(await current.connect())
      opened.push(...made)
      return made
    }

    const prefix = () => `contract-${Date.now().toString(36)}-${++run}:`

    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close?.()
      await current?.cleanup?.()
      current = undefined
    })

    it('admits `limit` attempts per window, then refuses with the time until the oldest leaves', async () => {
      const clock = createFakeClock()
      const [store] = await stores(1)
      const limiter = createRateLimiter({ store: store!, clock, prefix: prefix() })
      expect(limiter.limit).toBe(10)
      expect(limiter.windowMs).toBe(60_000)
      const start = clock.now()
      for (let i = 0; i < 10; i++) {
        const result = await limiter.consume('u-ana')
        expect(result).toMatchObject({ allowed: true, remaining: 9 - i, retryAfterMs: 0 })
        await clock.advance(1_000)
      }
      const refused = await limiter.consume('u-ana')
      expect(refused).toEqual({
        allowed: false,
        limit: 10,
        remaining: 0,
        retryAfterMs: start + 60_000 - clock.now(),
        resetAt: start + 60_000,
      })
    })

    it('slides: each attempt leaves the window exactly windowMs after it was admitted', async () => {
      const clock = createFakeClock()
      const [store] = await stores(1)
      const limiter = createRateLimiter({
        store: store!,
        clock,
        limit: 3,
        windowMs: 10_000,
        prefix: prefix(),
      })
      const start = clock.now()
      for (const at of [0, 2_000, 4_000]) {
        await clock.set(start + at)
        expect((await limiter.consume('k')).allowed).toBe(true)
      }
      await clock.set(start + 9_999)
      expect((await limiter.consume('k')).allowed).toBe(false)
      await clock.set(start + 10_000) // the attempt at 0 leaves
      expect((await limiter.consume('k')).allowed).toBe(true)
      expect((await limiter.consume('k')).allowed).toBe(false)
      await clock.set(start + 12_000) // the attempt at 2,000 leaves
      const result = await limiter.consume('k')
      expect(result).toMatchObject({ allowed: true, remaining: 0 })
    })

    it('does not count refused attempts', async () => {
      const clock = createFakeClock()
      const [store] = await stores(1)
      const limiter = createRateLimiter({
        store: store!,
        clock,
        limit: 2,
        windowMs: 1_000,
        prefix: prefix(),
      })
      await limiter.consume('k')
      await limiter.consume('k')
      for (let i = 0; i < 20; i++) expect((await limiter.consume('k')).allowed).toBe(false)
      await clock.advance(1_000)
      expect((await limiter.consume('k')).allowed).toBe(true)
    })

    it('keeps keys and limiters with different prefixes independent; reset forgets a key', async () => {
      const clock = createFakeClock()
      const [store] = await stores(1)
      const base = prefix()
      const status = createRateLimiter({ store: store!, clock, limit: 1, prefix: `${base}status:` })
      const heartbeat = createRateLimiter({ store: store!, clock, limit: 2, prefix: `${base}hb:` })
      expect((await status.consume('u-ana')).allowed).toBe(true)
      expect((await status.consume('u-ana')).allowed).toBe(false)
      expect((await status.consume('u-ben')).allowed).toBe(true)
      expect((await heartbeat.consume('u-ana')).allowed).toBe(true)
      expect((await heartbeat.consume('u-ana')).allowed).toBe(true)
      expect((await heartbeat.consume('u-ana')).allowed).toBe(false)
      await status.reset('u-ana')
      expect((await status.consume('u-ana')).allowed).toBe(true)
      expect((await heartbeat.consume('u-ana')).allowed).toBe(false)
    })

    it('admits exactly `limit` of 1,000 concurrent attempts through 4 limiter instances', async () => {
      const clock = createFakeClock()
      const shared = await stores(4)
      const key = prefix()
      for (const limit of [10, 137]) {
        const limiters = shared.map((store) =>
          createRateLimiter({ store, clock, limit, prefix: `${key}${limit}:` }),
        )
        const results = await Promise.all(
          Array.from({ length: 1_000 }, (_, i) => limiters[i % 4]!.consume('u-ana')),
        )
        expect(results.filter((r) => r.allowed)).toHaveLength(limit)
        const refused = results.filter((r) => !r.allowed)
        expect(refused.every((r) => r.retryAfterMs > 0 && r.remaining === 0)).toBe(true)
      }
    })

    it('answers ping', async () => {
      const [store] = await stores(1)
      await expect(store!.ping?.() ?? Promise.resolve()).resolves.toBeUndefined()
    })
  })
}
