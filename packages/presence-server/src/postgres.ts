/**
 * @wedsync/presence-server/postgres — the PresenceStore and the rate-limit store on Postgres
 * through `pg` (Node), and the migration runner. Install `pg` alongside.
 */
export type {
  MigrateOptions,
  MigrateResult,
  Migration,
  SqlClient,
  TransactionRunner,
} from './migrations.js'
export { MIGRATIONS, migrate } from './migrations.js'
export {
  createPostgresRateLimitStore,
  createPostgresStore,
  migratePostgres,
  type PgPool,
  type PostgresOptions,
  type PostgresRateLimitOptions,
  pgClient,
  pgTransaction,
} from './postgres-store.js'
export {
  createSqlRateLimitStore,
  pruneSqlRateLimits,
  type SqlRateLimitStoreOptions,
} from './rate-limit-sql.js'
export { createSqlStore, type SqlStoreOptions } from './sql-store.js'
