/**
 * The WebhookStore contract on real storage: PGlite, and the Postgres at 127.0.0.1:5432 with two
 * pools standing for two server instances (claims under `for update skip locked`).
 */
import { sqlFixtures } from '../../test/sql-fixtures.js'
import { runWebhookStoreContract } from './webhook-store-contract.js'
import { createSqlWebhookStore } from './webhook-store-sql.js'

const sql = sqlFixtures('webhooks', createSqlWebhookStore)

runWebhookStoreContract('pglite', sql.pglite)
runWebhookStoreContract('postgres', sql.postgres, { concurrent: true })
