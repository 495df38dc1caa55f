/**
 * The WebhookStore contract on real storage: PGlite, and the Postgres at 127.0.0.1:5432 with two
 * pools standing for two server instances (claims under `for update skip locked`).
 */
import { PGlite } from '@electric-sql/pglite'
import { migratePGlite, pgliteClient } from '@wedsync/presence-server/pglite'
import { migratePostgres, pgClient } from '@wedsync/presence-server/postgres'
import { afterAll, beforeAll } from 'vitest'
import { dropSchema, schemaName, testPool } from '../../test/support.js'
import { COORDINATION_MIGRATIONS } from '../migrations.js'
import type { WebhookStore } from './webhook-store.js'
import { runWebhookStoreContract } from './webhook-store-contract.js'
import { createSqlWebhookStore } from './webhook-store-sql.js'

const admin = testPool(4)
afterAll(() => admin.end())

const lite = new PGlite()
beforeAll(() => lite.waitReady, 120_000)
afterAll(() => lite.close())
let n = 0

runWebhookStoreContract('pglite', async () => {
  const schema = `webhooks_${++n}`
  await migratePGlite(lite, schema, { extraMigrations: COORDINATION_MIGRATIONS })
  return {
    store: createSqlWebhookStore({ client: pgliteClient(lite), schema }),
    cleanup: () => lite.exec(`drop schema ${schema} cascade`).then(() => {}),
  }
})

/** A store over its own pool, as one server instance would have. */
function instanceStore(schema: string): WebhookStore {
  const pool = testPool(3)
  return createSqlWebhookStore({ client: pgClient(pool), schema, onClose: () => pool.end() })
}

runWebhookStoreContract(
  'postgres',
  async () => {
    const schema = schemaName('webhooks')
    await migratePostgres(admin, schema, { extraMigrations: COORDINATION_MIGRATIONS })
    return {
      store: instanceStore(schema),
      sibling: async () => instanceStore(schema),
      cleanup: () => dropSchema(admin, schema),
    }
  },
  { concurrent: true },
)
