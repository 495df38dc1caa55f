/**
 * The example's database, in one schema: presence-server's migrations (the tables its Postgres
 * store writes), presence-coordination's, and presence-supabase's row level security migration
 * with `visible_presence()` — all through presence-server's migration runner, which records each
 * in one ledger and applies each once. The RLS migration is read from the file
 * `@wedsync/presence-supabase` exports (`./supabase/migrations/*`), the same SQL the Supabase CLI
 * applies: nothing is copied here. Then the API role `authenticated` may use the schema, as on
 * Supabase's `public`.
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { COORDINATION_MIGRATIONS } from '@wedsync/presence-coordination'
import { migratePostgres } from '@wedsync/presence-server/postgres'
import type pg from 'pg'
import { ensureSupabaseStandIn } from './supabase-stand-in.js'

/** The migration that defines visible_presence(), can_view_presence's row level security. */
export const PRESENCE_RLS_MIGRATION = '20260613100000_presence_rls.sql'

async function supabaseMigration(name: string): Promise<{ name: string; sql: string }> {
  const path = createRequire(import.meta.url).resolve(
    `@wedsync/presence-supabase/supabase/migrations/${name}`,
  )
  return { name, sql: await readFile(path, 'utf8') }
}

/** Migrates `schema` (created if missing) for the board. Idempotent. */
export async function migrateBoardDatabase(pool: pg.Pool, schema: string): Promise<void> {
  await ensureSupabaseStandIn(pool)
  await migratePostgres(pool, schema, {
    extraMigrations: [...COORDINATION_MIGRATIONS, await supabaseMigration(PRESENCE_RLS_MIGRATION)],
  })
  await pool.query(`grant usage on schema "${schema}" to authenticated, service_role`)
}
