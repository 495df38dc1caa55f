/**
 * @wedsync/presence-server/redis — the rate-limit store on Redis through `ioredis`, shared by
 * every server instance. Install `ioredis` alongside.
 */
export {
  createRedisRateLimitStore,
  type RedisRateLimitStoreOptions,
} from './rate-limit/rate-limit-redis.js'
