/**
 * PGlite (Postgres in WebAssembly) as the embedded default: the same SQL, migrations and
 * guarantees as the Postgres store, in-process, in memory or in a data directory. Runs in Node,
 * Deno, Bun and browsers (`/pglite` entry). One PGlite instance is one connection: statements
 * run one after another, which is what makes each store call atomic there.
 */
import { PGlite } from '@electric-sql/pglite'
import { createSqlRateLimitStore } from '../rate-limit/rate-limit-sql.js'
import type { RateLimitStore } from '../rate-limit/rate-limiter.js'
import {
  type MigrateOptions,
  type MigrateResult,
  migrate,
  type SqlClient,
  type TransactionRunner,
} from '../sql/migration-runner.js'
import type { PresenceStore } from './presence-store.js'
import { createSqlStore } from './store-sql.js'

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

async function open(options: PGliteOptions): Promise<{ db: PGliteLike; owned: boolean }> {
  if (options.db) return { db: options.db, owned: false }
  const db = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir)
  return { db, owned: true }
}

/** The PresenceStore on PGlite. `close()` closes the instance only when the store made it. */
export async function createPGliteStore(options: PGliteOptions = {}): Promise<PresenceStore> {
  const { db, owned } = await open(options)
  const schema = options.schema ?? 'public'
  if (options.migrate !== false) await migratePGlite(db, schema)
  return createSqlStore({
    client: pgliteClient(db),
    schema,
    onClose: async () => {
      if (owned) await db.close()
    },
  })
}

/** The rate-limit store on PGlite (one process: PGlite is not shared between processes). */
export async function createPGliteRateLimitStore(
  options: PGliteOptions & { readonly keyPrefix?: string } = {},
): Promise<RateLimitStore> {
  const { db, owned } = await open(options)
  const schema = options.schema ?? 'public'
  if (options.migrate !== false) await migratePGlite(db, schema)
  return createSqlRateLimitStore({
    client: pgliteClient(db),
    schema,
    ...(options.keyPrefix === undefined ? {} : { keyPrefix: options.keyPrefix }),
    onClose: async () => {
      if (owned) await db.close()
    },
  })
}
