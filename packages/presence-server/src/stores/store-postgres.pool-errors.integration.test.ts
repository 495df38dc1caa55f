/**
 * A store that made its own pool survives Postgres closing its connections (what a restart or a
 * failover does to every idle one): the pool's 'error' event is heard, so the process lives on,
 * and the next call opens a new connection. Against the real Postgres on 127.0.0.1:5432, closing
 * only this test's own backends (pg_terminate_backend), never the shared server.
 */
import { afterAll, describe, expect, it, vi } from 'vitest'
import { DATABASE_URL, dropSchema, schemaName, testPool } from '../../test/support.js'
import { createPostgresStore } from './store-postgres.js'

const admin = testPool(2)
const schema = schemaName('pool_errors')

afterAll(async () => {
  await dropSchema(admin, schema)
  await admin.end()
})

const backendsOf = async (application: string) =>
  (
    await admin.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name = $1',
      [application],
    )
  ).rows[0]!.n

describe('a pool the store made', () => {
  it('lives through Postgres closing its idle connections, and reconnects', async () => {
    const application = `presence-pool-errors-${process.pid}`
    const url = new URL(DATABASE_URL)
    url.searchParams.set('application_name', application)
    const told: Error[] = []
    const store = await createPostgresStore({
      connectionString: url.href,
      schema,
      max: 2,
      onPoolError: (error) => told.push(error),
    })
    try {
      await store.ping()
      expect(await backendsOf(application)).toBeGreaterThan(0)
      // What a restart (`pg_ctl restart -m fast`) does to each idle connection: FATAL 57P01.
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        [application],
      )
      await vi.waitFor(async () => expect(await backendsOf(application)).toBe(0), {
        timeout: 10_000,
      })
      // Each closed connection was told to onPoolError, with Postgres's code for it.
      await vi.waitFor(
        () => expect(told.map((error) => (error as { code?: string }).code)).toContain('57P01'),
        { timeout: 10_000 },
      )
      await expect(store.ping()).resolves.toBeUndefined()
      const result = await store.recordStatus({ userId: 'u-after', status: 'busy', at: Date.now() })
      expect(result.presence.status).toBe('busy')
    } finally {
      await store.close()
    }
  })
})
