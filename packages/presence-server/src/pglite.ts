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
} from './migrations.js'
export { MIGRATIONS, migrate } from './migrations.js'
export {
  createPGliteRateLimitStore,
  createPGliteStore,
  migratePGlite,
  type PGliteLike,
  type PGliteOptions,
  pgliteClient,
  pgliteTransaction,
} from './pglite-store.js'
