/**
 * @wedsync/presence-server/postgres — the PresenceStore and the rate-limit store on Postgres
 * through `pg` (Node), and the migration runner. Install `pg` alongside.
 */

export {
  createSqlRateLimitStore,
  pruneSqlRateLimits,
  type SqlRateLimitStoreOptions,
} from './rate-limit/rate-limit-sql.js'
export type {
  MigrateOptions,
  MigrateResult,
  Migration,
  SqlClient,
  TransactionRunner,
} from './sql/migration-runner.js'
export { MIGRATIONS, migrate } from './sql/migration-runner.js'
export {
  createPostgresRateLimitStore,
  createPostgresStore,
  migratePostgres,
  type PgPool,
  type PostgresOptions,
  type PostgresRateLimitOptions,
  pgClient,
  pgTransaction,
} from './stores/store-postgres.js'
export { createSqlStore, type SqlStoreOptions } from './stores/store-sql.js'
