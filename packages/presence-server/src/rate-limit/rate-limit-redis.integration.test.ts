/**
 * The Redis rate-limit store against the real Redis on 127.0.0.1:6379: the contract with one
 * ioredis client per limiter instance and a fresh key prefix per run (deleted after).
 */
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { REDIS_URL } from '../../test/support.js'
import { createRedisRateLimitStore } from './rate-limit-redis.js'
import { runRateLimiterContract } from './rate-limiter-contract.js'

const runPrefix = `wedsync-test:${process.pid}:${Date.now().toString(36)}:`
const admin = new Redis(REDIS_URL)

afterAll(async () => {
  const keys = await admin.keys(`${runPrefix}*`)
  if (keys.length) await admin.del(...keys)
  await admin.quit()
})

runRateLimiterContract('redis', async () => ({
  connect: async () =>
    createRedisRateLimitStore({
      redis: new Redis(REDIS_URL),
      keyPrefix: runPrefix,
      closeClient: true,
    }),
}))

describe('Redis rate-limit store', () => {
  it('loads its script again when Redis has forgotten it (NOSCRIPT)', async () => {
    // SCRIPT FLUSH would empty the script cache of everyone sharing this Redis: fake the reply.
    let forget = 1
    const redis = new Proxy(admin, {
      get(target, name, receiver) {
        if (name === 'evalsha' && forget > 0) {
          forget--
          return async () => {
            throw new Error('NOSCRIPT No matching script. Please use EVAL.')
          }
        }
        const value = Reflect.get(target, name, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const store = createRedisRateLimitStore({ redis, keyPrefix: runPrefix })
    expect(await store.hit('noscript', 1_000, 60_000, 2)).toEqual({
      allowed: true,
      count: 1,
      oldestAt: 1_000,
    })
    expect((await store.hit('noscript', 1_001, 60_000, 2)).count).toBe(2)
    expect((await store.hit('noscript', 1_002, 60_000, 2)).allowed).toBe(false)
  })

  it('passes on errors other than NOSCRIPT', async () => {
    const redis = new Proxy(admin, {
      get(target, name, receiver) {
        if (name === 'evalsha')
          return async () => {
            throw new Error('ERR something else')
          }
        const value = Reflect.get(target, name, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const store = createRedisRateLimitStore({ redis, keyPrefix: runPrefix })
    await expect(store.hit('err', 1, 1_000, 1)).rejects.toThrow('ERR something else')
  })

  it('expires idle keys in Redis after the window', async () => {
    const store = createRedisRateLimitStore({ redis: admin, keyPrefix: runPrefix })
    await store.hit('ttl', 1_000, 60_000, 2)
    const ttl = await admin.pttl(`${runPrefix}ttl`)
    expect(ttl).toBeGreaterThan(0)
    expect(ttl).toBeLessThanOrEqual(60_000)
    await store.close?.() // does not close a client it was given
    expect(await admin.ping()).toBe('PONG')
  })
})
