/**
 * The Supabase migrations directory: the copies of presence-server's migrations are exactly the
 * server's SQL (run `pnpm sql:sync` after the server's change), every file is named as the
 * Supabase CLI expects, and this package's own migrations come after the shared ones.
 */
import { readdirSync } from 'node:fs'
import { COORDINATION_MIGRATIONS } from '@wedsync/presence-coordination'
import { MIGRATIONS as SERVER_MIGRATIONS } from '@wedsync/presence-server/postgres'
import { describe, expect, it } from 'vitest'
import { checksum, sharedMigrations, supabaseName } from '../scripts/sync-migrations.mjs'
import { MIGRATIONS_DIR, supabaseMigrations } from '../test/test-supabase-db.js'

/** The shared migrations: presence-server's, then presence-coordination's (held notifications). */
const MIGRATIONS = [...SERVER_MIGRATIONS, ...COORDINATION_MIGRATIONS]

describe('supabase/migrations', () => {
  const files = supabaseMigrations()

  it("holds presence-server's migrations exactly as the server ships them", () => {
    const byName = new Map(files.map((f) => [f.name, f.sql]))
    const shared = sharedMigrations()
    expect(shared.map((m) => m.source)).toEqual(MIGRATIONS.map((m) => m.name))
    for (const m of shared) expect(byName.get(m.name), `${m.name}: run pnpm sql:sync`).toBe(m.sql)
    for (const server of MIGRATIONS) {
      const copy = byName.get(supabaseName(server.name)) ?? ''
      expect(copy).toContain(`-- >>> ${server.name}\n${server.sql}-- <<< ${server.name}\n`)
      expect(copy).toContain(`('${server.name}', '${checksum(server.sql)}')`)
    }
  })

  it('names every file <14-digit timestamp>_<name>.sql, the shared ones first', () => {
    const names = readdirSync(MIGRATIONS_DIR).sort()
    for (const name of names) expect(name).toMatch(/^\d{14}_[a-z0-9_]+\.sql$/)
    const shared = new Set(sharedMigrations().map((m) => m.name))
    const firstOwn = names.findIndex((n) => !shared.has(n))
    expect(firstOwn).toBe(shared.size)
    expect(names.slice(firstOwn)).toEqual([
      '20260613100000_presence_rls.sql',
      '20260613100100_presence_store_rpc.sql',
      '20260613100200_presence_realtime.sql',
      '20260613100300_presence_sessions_rls.sql',
      '20260613100400_presence_sessions_rpc.sql',
    ])
  })

  it('refuses a server migration name it cannot place', () => {
    expect(supabaseName('0012_more.sql')).toBe('20260613090012_more.sql')
    expect(() => supabaseName('more.sql')).toThrow(/unexpected migration name/)
  })
})
