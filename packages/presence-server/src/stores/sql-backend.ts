/**
 * A SQL database as the stores open it, whatever the driver: a client for the stores' statements,
 * a transaction runner for the migrations, and a close that ends only what the store itself made
 * (a caller's own pool or instance stays open). The presence store and the rate-limit store are
 * built on one the same way: default schema `public`, migrations first unless turned off.
 */
import { createSqlRateLimitStore } from '../rate-limit/rate-limit-sql.js'
import type { RateLimitStore } from '../rate-limit/rate-limiter.js'
import { migrate, type SqlClient, type TransactionRunner } from '../sql/migration-runner.js'
import type { PresenceStore } from './presence-store.js'
import { createSqlStore } from './store-sql.js'

export interface SqlBackend {
  readonly client: SqlClient
  readonly transaction: TransactionRunner
  readonly close: () => Promise<void>
}

export interface SqlBackendStoreOptions {
  /** Schema of the tables. Default `public`. */
  readonly schema?: string
  /** Apply the migrations first (idempotent). Default true. */
  readonly migrate?: boolean
}

async function preparedSchema(
  backend: SqlBackend,
  options: SqlBackendStoreOptions,
): Promise<string> {
  const schema = options.schema ?? 'public'
  if (options.migrate !== false) await migrate(backend.transaction, { schema })
  return schema
}

/** The PresenceStore on `backend`; its `close()` is the backend's. */
export async function presenceStoreOn(
  backend: SqlBackend,
  options: SqlBackendStoreOptions,
): Promise<PresenceStore> {
  const schema = await preparedSchema(backend, options)
  return createSqlStore({ client: backend.client, schema, onClose: backend.close })
}

/** The rate-limit store on `backend`; its `close()` is the backend's. */
export async function rateLimitStoreOn(
  backend: SqlBackend,
  options: SqlBackendStoreOptions & { readonly keyPrefix?: string },
): Promise<RateLimitStore> {
  const schema = await preparedSchema(backend, options)
  return createSqlRateLimitStore({
    client: backend.client,
    schema,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    onClose: backend.close,
  })
}
