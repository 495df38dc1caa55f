/**
 * @wedsync/presence-server/pglite — the embedded default: the PresenceStore and the rate-limit
 * store on PGlite (Postgres in WebAssembly). Install `@electric-sql/pglite` alongside.
 */
export type {
  MigrateOptions,
  MigrateResult,
  Migration,
  SqlClient,
  TransactionRunner,
} from './sql/migration-runner.js'
export { MIGRATIONS, migrate } from './sql/migration-runner.js'
export {
  createPGliteRateLimitStore,
  createPGliteStore,
  migratePGlite,
  type PGliteLike,
  type PGliteOptions,
  pgliteClient,
  pgliteTransaction,
} from './stores/store-pglite.js'
