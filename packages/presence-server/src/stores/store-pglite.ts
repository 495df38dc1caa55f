/**
 * PGlite (Postgres in WebAssembly) as the embedded default: the same SQL, migrations and
 * guarantees as the Postgres store, in-process, in memory or in a data directory. Runs in Node,
 * Deno, Bun and browsers (`/pglite` entry). One PGlite instance is one connection: statements
 * run one after another, which is what makes each store call atomic there.
 */
import { PGlite } from '@electric-sql/pglite'
import type { RateLimitStore } from '../rate-limit/rate-limiter.js'
import {
  type MigrateOptions,
  type MigrateResult,
  migrate,
  type SqlClient,
  type TransactionRunner,
} from '../sql/migration-runner.js'
import type { PresenceStore } from './presence-store.js'
import { presenceStoreOn, rateLimitStoreOn, type SqlBackend } from './sql-backend.js'

/** What the stores use of a PGlite instance. */
export type PGliteLike = Pick<PGlite, 'query' | 'exec' | 'transaction' | 'close'>

export interface PGliteOptions {
  /** An existing instance; otherwise one is made from `dataDir` (default: in memory). */
  readonly db?: PGliteLike
  /** E.g. `./data/presence` (Node), `idb://presence` (browser); ignored when `db` is given. */
  readonly dataDir?: string
  readonly schema?: string
  readonly migrate?: boolean
}

export function pgliteClient(db: Pick<PGlite, 'query' | 'exec'>): SqlClient {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await db.query<Row>(sql, params as unknown[] | undefined)
      return { rows: result.rows }
    },
    async exec(sql) {
      await db.exec(sql)
    },
  }
}

export function pgliteTransaction(db: PGliteLike): TransactionRunner {
  return (fn) => db.transaction((tx) => fn(pgliteClient(tx)))
}

export function migratePGlite(
  db: PGliteLike,
  schema = 'public',
  options: Pick<MigrateOptions, 'extraMigrations'> = {},
): Promise<MigrateResult> {
  return migrate(pgliteTransaction(db), { schema, ...options })
}

/** The instance in `options`, or one the store makes (and so closes with itself). */
function backendOf(options: PGliteOptions): SqlBackend {
  const given = options.db
  const db = given ?? (options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir))
  return {
    client: pgliteClient(db),
    transaction: pgliteTransaction(db),
    close: async () => {
      if (!given) await db.close()
    },
  }
}

/** The PresenceStore on PGlite. `close()` closes the instance only when the store made it. */
export async function createPGliteStore(options: PGliteOptions = {}): Promise<PresenceStore> {
  return presenceStoreOn(backendOf(options), options)
}

/** The rate-limit store on PGlite (one process: PGlite is not shared between processes). */
export async function createPGliteRateLimitStore(
  options: PGliteOptions & { readonly keyPrefix?: string } = {},
): Promise<RateLimitStore> {
  return rateLimitStoreOn(backendOf(options), options)
}
