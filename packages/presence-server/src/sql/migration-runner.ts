/**
 * The migration runner the Postgres and PGlite stores share: applies the embedded SQL
 * migrations in name order into one schema, inside one transaction under an advisory lock (two
 * processes starting at once apply each migration once), and records each in
 * `presence_migrations` with a checksum. Idempotent: a second run applies nothing. A migration
 * changed after it was applied is an error, never re-run. Other packages' migrations (e.g.
 * `@wedsync/presence-coordination`'s) run after these through `extraMigrations`, in one ledger.
 */
import { MIGRATIONS } from './embedded-migrations.js'

export interface Migration {
  readonly name: string
  readonly sql: string
}

/** What the runner and the SQL stores need from a driver (pg's Pool and PGlite both fit). */
export interface SqlClient {
  query<Row = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ readonly rows: Row[] }>
  /** Runs several statements at once (no parameters). */
  exec(sql: string): Promise<void>
}

/** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back otherwise. */
export type TransactionRunner = <T>(fn: (client: SqlClient) => Promise<T>) => Promise<T>

export interface MigrateOptions {
  /** Schema to create (if missing) and migrate. Default `public`. */
  readonly schema?: string
  /** Default: the migrations shipped in sql/migrations/. */
  readonly migrations?: readonly Migration[]
  /**
   * More migrations (another package's, the app's own), applied after `migrations` in name order,
   * in the same transaction and ledger. A name both lists hold is an error.
   */
  readonly extraMigrations?: readonly Migration[]
}

export interface MigrateResult {
  readonly schema: string
  /** Names applied by this run, in order (empty when already up to date). */
  readonly applied: readonly string[]
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

/** A schema name as a quoted identifier; names outside `[A-Za-z_][A-Za-z0-9_]*` are refused. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema))
    throw new RangeError(`invalid schema name: ${JSON.stringify(schema)}`)
  return `"${schema}"`
}

/** FNV-1a of the SQL text: detects a migration edited after it was applied. */
export function checksum(sql: string): string {
  let hash = 0x811c9dc5
  for (let i = 0; i < sql.length; i++) {
    hash ^= sql.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

export async function migrate(
  transaction: TransactionRunner,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const schema = options.schema ?? 'public'
  const quoted = quoteSchema(schema)
  const byName = (a: Migration, b: Migration) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  const shipped = [...(options.migrations ?? MIGRATIONS)].sort(byName)
  const extra = [...(options.extraMigrations ?? [])].sort(byName)
  const names = new Set(shipped.map((m) => m.name))
  for (const m of extra)
    if (names.has(m.name)) throw new Error(`migration ${m.name} is listed twice`)
  const migrations = [...shipped, ...extra]
  return transaction(async (db) => {
    await db.query('select pg_advisory_xact_lock(hashtext($1))', [`wedsync-presence:${schema}`])
    await db.exec(`create schema if not exists ${quoted}; set local search_path to ${quoted};`)
    await db.exec(
      `create table if not exists presence_migrations (
        name text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      );`,
    )
    const { rows } = await db.query<{ name: string; checksum: string }>(
      'select name, checksum from presence_migrations',
    )
    const done = new Map(rows.map((r) => [r.name, r.checksum]))
    const applied: string[] = []
    for (const migration of migrations) {
      const sum = checksum(migration.sql)
      const previous = done.get(migration.name)
      if (previous !== undefined) {
        if (previous !== sum)
          throw new Error(
            `migration ${migration.name} changed after it was applied to schema ${schema}`,
          )
        continue
      }
      await db.exec(migration.sql)
      await db.query('insert into presence_migrations (name, checksum) values ($1, $2)', [
        migration.name,
        sum,
      ])
      applied.push(migration.name)
    }
    return { schema, applied }
  })
}

export { MIGRATIONS }
