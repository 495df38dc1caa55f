/**
 * The store's Postgres frozen under a steady stream of status updates: the postmaster and every
 * backend of a private cluster SIGSTOPped (a hung database host: connections open, nothing
 * answered, new connects accepted by the kernel and never served), then SIGCONTed. The presence
 * server (its own process, `createPostgresStore` with a connection string) must answer 503
 * PRESENCE_STORE_UNAVAILABLE with Retry-After at the deadline, /health must name the store within
 * 3 s, updates must answer 200 again by themselves after the thaw, every update answered 200 must
 * be stored — and none answered 503 may land after the thaw (the "a request that timed
 * out is never applied later").
 */
import { startPrivatePostgres } from './private-services.js'
import type { Check, Scenario } from './scenario.js'
import { runStoreFaults } from './store-fault-run.js'

export const scenario: Scenario = {
  title: 'the store’s Postgres frozen (SIGSTOP), then thawed',
  quick: true,
  async run(): Promise<Check[]> {
    const postgres = await startPrivatePostgres()
    try {
      return await runStoreFaults({ databaseUrl: postgres.url, schema: 'presence_chaos' }, [
        {
          name: 'Postgres frozen',
          inject: async () => postgres.signal('SIGSTOP'),
          heal: async () => postgres.signal('SIGCONT'),
          healthCheck: 'store',
        },
      ])
    } finally {
      await postgres.remove()
    }
  },
}
