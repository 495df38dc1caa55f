/**
 * The Redis rate-limit store (ioredis): one sorted set per key holds the admitted attempt times;
 * one Lua script forgets, counts and admits, so an attempt is atomic however many server
 * instances share the Redis. The caller's clock is passed in (Redis's own clock is used only to
 * expire idle keys).
 */
import type { Redis } from 'ioredis'
import type { RateLimitHit, RateLimitStore } from './rate-limiter.js'

const HIT_SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
local allowed = 0
if count < limit then
  redis.call('ZADD', key, now, ARGV[4])
  count = count + 1
  allowed = 1
end
if count > 0 then
  redis.call('PEXPIRE', key, window)
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return { allowed, count, oldest[2] or false }
`

export interface RedisRateLimitStoreOptions {
  /** An ioredis client (or Cluster); the store never closes it unless `closeClient` is true. */
  readonly redis: Redis
  /** Prepended to every key. Default `wedsync:presence:rl:`. */
  readonly keyPrefix?: string
  readonly closeClient?: boolean
}

export function createRedisRateLimitStore(options: RedisRateLimitStoreOptions): RateLimitStore {
  const { redis } = options
  const prefix = options.keyPrefix ?? 'wedsync:presence:rl:'
  // Members must be unique per attempt: this instance's id and a counter.
  const instance = Math.random().toString(36).slice(2, 10)
  let seq = 0
  let sha: string | undefined

  async function run(keys: string, args: (string | number)[]): Promise<unknown> {
    sha ??= (await redis.script('LOAD', HIT_SCRIPT)) as string
    try {
      return await redis.evalsha(sha, 1, keys, ...args)
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error
      return redis.eval(HIT_SCRIPT, 1, keys, ...args)
    }
  }

  return {
    async hit(key, now, windowMs, limit): Promise<RateLimitHit> {
      const member = `${now}:${instance}:${++seq}`
      const reply = (await run(prefix + key, [now, windowMs, limit, member])) as [
        number,
        number,
        string | null,
      ]
      const [allowed, count, oldest] = reply
      return {
        allowed: allowed === 1,
        count,
        ...(oldest === null || oldest === undefined ? {} : { oldestAt: Number(oldest) }),
      }
    },
    async reset(key) {
      await redis.del(prefix + key)
    },
    async ping() {
      await redis.ping()
    },
    async close() {
      if (options.closeClient) await redis.quit()
    },
  }
}
