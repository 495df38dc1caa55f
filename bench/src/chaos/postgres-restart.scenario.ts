/**
 * The store's Postgres stopped and restarted under a steady stream of status updates: a presence
 * server in its own process whose store (`createPostgresStore` with a connection string: its own
 * pool, connection and statement timeouts) is a private cluster this scenario creates on a free
 * port. In turn: `pg_ctl stop -m fast` held until clients and /health see it, then `start`;
 * `pg_ctl restart -m fast`; `pg_ctl restart -m immediate` (a crash and its recovery). Each time:
 * answers are 200 or 503 PRESENCE_STORE_UNAVAILABLE with Retry-After, none past the deadline plus
 * a second; /health names the store within 3 s while it is down; the pool reconnects by itself
 * (our server is never restarted); every update answered 200 is stored, none answered 503 lands —
 * except, after the crash, a write whose connection died between its commit and its reply (its
 * outcome is unknown to the server; at most one per pool connection).
 */
import { startPrivatePostgres } from './private-services.js'
import type { Check, Scenario } from './scenario.js'
import { runStoreFaults } from './store-fault-run.js'

export const scenario: Scenario = {
  title: 'the store’s Postgres stopped, then restarted (-m fast, -m immediate)',
  quick: true,
  async run(): Promise<Check[]> {
    const postgres = await startPrivatePostgres()
    try {
      return await runStoreFaults({ databaseUrl: postgres.url, schema: 'presence_chaos' }, [
        {
          name: 'Postgres stopped',
          inject: () => postgres.stop('fast'),
          heal: () => postgres.start(),
          healthCheck: 'store',
        },
        { name: 'Postgres restart -m fast', inject: () => postgres.restart('fast') },
        {
          name: 'Postgres restart -m immediate',
          inject: () => postgres.restart('immediate'),
          // A crash may cut a connection between its commit and the reply: one such write per
          // connection of the store's pool (10) may be answered 503 and still be stored.
          ambiguousCommits: 10,
        },
      ])
    } finally {
      await postgres.remove()
    }
  },
}
