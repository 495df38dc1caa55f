/**
 * The rate limiter's Redis stalled, then killed, under a steady stream of status updates: a
 * presence server in its own process (Postgres on the shared 127.0.0.1:5432 in a fresh schema,
 * the status-update limit in a private Redis this scenario starts). First Redis is frozen with
 * SIGSTOP (its connections open and silent, the worse case: nothing fails fast) and resumed with
 * SIGCONT; then it is SIGKILLed and started again on the same port. Each time: updates answer 503
 * PRESENCE_STORE_UNAVAILABLE with Retry-After within the deadline, /health names the rate
 * limiter within 3 s, updates answer 200 again by themselves once Redis is back (our server is
 * never restarted), and every update answered 200 is stored while none answered 503 is.
 */
import pg from 'pg'
import { startPrivateRedis } from './private-services.js'
import type { Check, Scenario } from './scenario.js'
import { runStoreFaults } from './store-fault-run.js'

const DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test'

export const scenario: Scenario = {
  title: 'the rate limiter’s Redis stalled (SIGSTOP), then killed and restarted',
  quick: true,
  async run(): Promise<Check[]> {
    const schema = `presence_chaos_redis_${process.pid}`
    const redis = await startPrivateRedis()
    try {
      return await runStoreFaults({ databaseUrl: DATABASE_URL, schema, redisUrl: redis.url }, [
        {
          name: 'Redis stalled',
          inject: async () => redis.signal('SIGSTOP'),
          heal: async () => redis.signal('SIGCONT'),
          healthCheck: 'rateLimiter',
        },
        {
          name: 'Redis killed',
          inject: () => redis.kill(),
          heal: () => redis.start(),
          healthCheck: 'rateLimiter',
        },
      ])
    } finally {
      await redis.stop()
      const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 })
      await admin.query(`drop schema if exists "${schema}" cascade`).finally(() => admin.end())
    }
  },
}
