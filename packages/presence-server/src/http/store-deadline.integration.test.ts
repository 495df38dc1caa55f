/**
 * Deadlines against real Postgres and Redis made silent by a stalling TCP proxy: requests answer
 * 503 PRESENCE_STORE_UNAVAILABLE (deadline set short so the test is quick; no timing asserted),
 * and an update that timed out — queued, or already sent and held by the stall — is not in the
 * store after the proxy resumes.
 */
import { createFaultProxy, type FaultProxy } from '@wedsync/presence-testing/fault-proxy'
import { Redis } from 'ioredis'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropSchema, REDIS_URL, schemaName, testPool, testServer } from '../../test/support.js'
import { createRedisRateLimitStore } from '../rate-limit/rate-limit-redis.js'
import { createRateLimiter } from '../rate-limit/rate-limiter.js'
import type { PresenceStore } from '../stores/presence-store.js'
import { createPostgresStore, migratePostgres } from '../stores/store-postgres.js'

const schema = schemaName('deadline')
let admin: pg.Pool
let pgProxy: FaultProxy
let store: PresenceStore

beforeAll(async () => {
  admin = testPool(2)
  await migratePostgres(admin, schema)
  pgProxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } })
  store = await createPostgresStore({
    connectionString: `postgres://postgres@127.0.0.1:${pgProxy.port}/test`,
    schema,
    migrate: false,
    max: 1,
  })
})

afterAll(async () => {
  pgProxy.resume()
  await store.close()
  await pgProxy.close()
  await dropSchema(admin, schema)
  await admin.end()
})

async function lastStatus(userId: string): Promise<string | undefined> {
  const { rows } = await admin.query<{ last_status: string }>(
    `select last_status from "${schema}".user_last_seen where user_id = $1`,
    [userId],
  )
  return rows[0]?.last_status
}

describe('deadlines against a silent Postgres', () => {
  it('answers 503 and never applies the update that timed out in the queue', async () => {
    const server = testServer({ store, storeTimeoutMs: 200, storeConcurrency: 1 })
    expect(
      (await server.call('u-warm', 'POST', '/presence/status', { status: 'online' })).status,
    ).toBe(200)
    pgProxy.stall()
    const [first, second] = await Promise.all([
      server.call('u-first', 'POST', '/presence/status', { status: 'busy' }),
      server.call('u-late', 'POST', '/presence/status', { status: 'away' }),
    ])
    for (const response of [first, second]) {
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('1')
      expect((await response.json()).error.code).toBe('PRESENCE_STORE_UNAVAILABLE')
    }
    pgProxy.resume()
    // Once the store answers again, everything the gate started has settled.
    await expect(store.ping()).resolves.toBeUndefined()
    expect(
      (await server.call('u-after', 'POST', '/presence/status', { status: 'online' })).status,
    ).toBe(200)
    expect(await lastStatus('u-late')).toBeUndefined()
    // u-first's statement was already on its way, held by the stall, and reached Postgres after
    // its deadline: Postgres refused it (notAfter), so it did not land after its 503 either.
    expect(await lastStatus('u-first')).toBeUndefined()
  })
})

describe('deadlines against a silent Redis', () => {
  it('answers 503 when the rate limiter stalls', async () => {
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 6379 } })
    const url = new URL(REDIS_URL)
    const redis = new Redis({
      host: '127.0.0.1',
      port: proxy.port,
      db: Number(url.pathname.slice(1) || 0),
    })
    try {
      const limiter = createRateLimiter({
        store: createRedisRateLimitStore({
          redis,
          keyPrefix: `wedsync-test:deadline:${process.pid}:`,
        }),
      })
      const server = testServer({ rateLimiter: limiter, storeTimeoutMs: 200 })
      expect(
        (await server.call('u-r', 'POST', '/presence/status', { status: 'online' })).status,
      ).toBe(200)
      proxy.stall()
      const response = await server.call('u-r', 'POST', '/presence/status', { status: 'busy' })
      expect(response.status).toBe(503)
      expect(response.headers.get('retry-after')).toBe('1')
      expect((await response.json()).error.code).toBe('PRESENCE_STORE_UNAVAILABLE')
    } finally {
      proxy.resume()
      redis.disconnect()
      await proxy.close()
    }
  })
})
