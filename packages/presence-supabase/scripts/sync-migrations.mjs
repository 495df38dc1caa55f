// Writes the shared presence tables and functions into supabase/migrations/ from
// @wedsync/presence-server's sql/migrations/ and then @wedsync/presence-coordination's (the
// single source of the table and column names),
// so the Supabase CLI applies the same SQL the server's stores run on. Each copy also records
// itself in `presence_migrations` with the checksum the server's migration runner computes, so
// that runner, pointed at a Supabase database, sees these migrations as applied. A test fails
// when a copy differs from its source. Run: pnpm sql:sync
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** The packages whose migrations are copied, in the order their runner applies them. */
const SOURCES = ['presence-server', 'presence-coordination'].map((pkg) => ({
  pkg: `@wedsync/${pkg}`,
  dir: join(root, '..', pkg, 'sql', 'migrations'),
}))
const target = join(root, 'supabase', 'migrations')

/**
 * The Supabase CLI's `<timestamp>_<name>.sql` for the server's `NNNN_<name>.sql`: 2026-06-13
 * 09:00 plus N, all before this package's own migrations (2026-06-13 10:00 on).
 */
export const SHARED_PREFIX = '20260613090'

/** FNV-1a of the SQL text, as the server's runner computes it (migrations.ts `checksum`). */
export function checksum(sql) {
  let hash = 0x811c9dc5
  for (let i = 0; i < sql.length; i++) {
    hash ^= sql.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, '0')
}

/** The Supabase migration for one server migration: header, the SQL as is, its record. */
export function supabaseCopy(name, sql, first, pkg = '@wedsync/presence-server') {
  const ledger = first
    ? `-- The server's migration ledger (the same table its runner creates), locked to the service role.
create table if not exists presence_migrations (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
);

`
    : ''
  return `-- Generated from ${pkg} sql/migrations/${name} by scripts/sync-migrations.mjs:
-- edit the source and run \`pnpm sql:sync\`. The SQL between the markers is the source, as is.

${ledger}-- >>> ${name}
${sql}-- <<< ${name}

insert into presence_migrations (name, checksum) values ('${name}', '${checksum(sql)}')
on conflict (name) do nothing;
`
}

export function supabaseName(name) {
  const match = /^(\d{4})_(.+)$/.exec(name)
  if (!match) throw new Error(`unexpected migration name ${name}`)
  return `${SHARED_PREFIX}${match[1].slice(1)}_${match[2]}`
}

export function sharedMigrations() {
  return SOURCES.flatMap(({ pkg, dir }) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((name) => ({ pkg, name, sql: readFileSync(join(dir, name), 'utf8') })),
  ).map(({ pkg, name, sql }, i) => ({
    name: supabaseName(name),
    source: name,
    sql: supabaseCopy(name, sql, i === 0, pkg),
  }))
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = sharedMigrations()
  for (const m of written) writeFileSync(join(target, m.name), m.sql)
  console.log(`wrote ${written.map((m) => m.name).join(', ')}`)
}
