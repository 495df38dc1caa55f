/**
 * Test support: a Supabase-shaped database without Supabase. A small shim of what a Supabase
 * project provides to migrations (the anon/authenticated/service_role roles, `auth.jwt()`,
 * `auth.uid()`, `auth.role()` over `request.jwt.claims`, Supabase's default privileges on
 * public, `realtime.messages` and `realtime.topic()`), then this package's migrations, on the
 * real Postgres at 127.0.0.1:5432 (a fresh database per run, dropped after) or on PGlite.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import type { PgPoolLike } from '../src/postgres-authorizer.js'

export const ADMIN_URL =
  process.env.PRESENCE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export const MIGRATIONS_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'supabase',
  'migrations',
)

/** The package's migrations in the order the Supabase CLI applies them (file name order). */
export function supabaseMigrations(): { name: string; sql: string }[] {
  return readdirSync(MIGRATIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(MIGRATIONS_DIR, name), 'utf8') }))
}

/**
 * Roles are shared by every database of a cluster: created once, kept (other runs may be using
 * them). A concurrent run creating the same role at the same moment is not an error.
 */
export const ROLES_SQL = `
do $$
declare r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    begin
      if not exists (select 1 from pg_roles where rolname = r) then
        -- Supabase's service role bypasses row level security.
        execute format('create role %I nologin noinherit %s', r,
          case when r = 'service_role' then 'bypassrls' else '' end);
      end if;
    exception when duplicate_object or unique_violation then null;
    end;
  end loop;
end
$$;`

/** What a Supabase project has before its first migration, as far as presence needs it. */
export const SUPABASE_SHIM_SQL = `
grant usage on schema public to anon, authenticated, service_role;
-- Supabase: objects created in public are granted to the API roles; RLS is what guards them.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;

create schema auth;
grant usage on schema auth to anon, authenticated, service_role;
create function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), ''))::jsonb
$$;
create function auth.uid() returns uuid language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'))::uuid
$$;
create function auth.role() returns text language sql stable as $$
  select coalesce(nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'))::text
$$;

create schema realtime;
grant usage on schema realtime to anon, authenticated, service_role;
-- Partitioned by insertion time as on Supabase (daily partitions there, one default one here).
create table realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
) partition by range (inserted_at);
create table realtime.messages_default partition of realtime.messages default;
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to anon, authenticated;
grant all on realtime.messages to service_role;
create function realtime.topic() returns text language sql stable as $$
  select nullif(current_setting('realtime.topic', true), '')::text
$$;
`

/** A request's identity, as PostgREST and Realtime set it: a role and the JWT's claims. */
export interface Requester {
  readonly role: 'anon' | 'authenticated' | 'service_role'
  readonly sub?: string
}

export function claimsOf(who: Requester): Record<string, unknown> {
  return { role: who.role, ...(who.sub === undefined ? {} : { sub: who.sub }) }
}

/** One database the policy tests run on, whichever engine holds it. */
export interface PolicyDatabase {
  readonly name: string
  /** Runs SQL as the migration owner (postgres). */
  exec(sql: string): Promise<void>
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>
  /** Runs `fn` in one transaction as `who` (committed when it resolves), as PostgREST does. */
  as<T>(who: Requester, fn: (query: Query) => Promise<T>): Promise<T>
  /** A pool for createPostgresAuthorizer. */
  readonly pool: PgPoolLike
  close(): Promise<void>
}

export type Query = <Row = Record<string, unknown>>(
  sql: string,
  params?: unknown[],
) => Promise<Row[]>

const SET_REQUESTER = `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`

/** A fresh database on the real Postgres with the shim and the migrations; `close` drops it. */
export async function postgresDatabase(
  label: string,
): Promise<PolicyDatabase & { url: string; pool: pg.Pool }> {
  const name = `presence_supabase_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = new pg.Client({ connectionString: ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(ROLES_SQL)
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8 })
  let closing = false
  // `drop … with (force)` terminates any backend still closing after `pool.end()`: its client then
  // gets "terminating connection due to administrator command" (57P01) with nobody listening. That
  // is the drop doing its job; any other error on a client stays uncaught, as without a listener.
  pool.on('connect', (client) =>
    client.on('error', (error: Error & { code?: string }) => {
      if (!(closing && error.code === '57P01')) throw error
    }),
  )
  await pool.query(SUPABASE_SHIM_SQL)
  for (const m of supabaseMigrations()) await pool.query(m.sql)
  return {
    name,
    url: url.toString(),
    pool,
    async exec(sql) {
      await pool.query(sql)
    },
    async query(sql, params) {
      return (await pool.query(sql, params)).rows
    },
    async as(who, fn) {
      const conn = await pool.connect()
      try {
        await conn.query('begin')
        await conn.query(SET_REQUESTER, [who.role, JSON.stringify(claimsOf(who))])
        const result = await fn(async (sql, params) => (await conn.query(sql, params)).rows)
        await conn.query('commit')
        return result
      } catch (error) {
        await conn.query('rollback')
        throw error
      } finally {
        conn.release()
      }
    },
    async close() {
      closing = true
      await pool.end()
      const drop = new pg.Client({ connectionString: ADMIN_URL })
      await drop.connect()
      try {
        // `pool.end()` resolves once its clients have sent their goodbye, before their backends
        // have gone: a forced drop now would terminate them while their clients still read
        // (57P01 with no listener). Wait for the server to see them go (each look is a round
        // trip), and only force what is left after that.
        for (let look = 0; look < 500; look++) {
          const { rows } = await drop.query(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          )
          if (rows[0].n === 0) break
        }
        await drop.query(`drop database if exists "${name}" with (force)`)
      } finally {
        await drop.end()
      }
    },
  }
}

/** The same on PGlite (in memory): one connection, so transactions run one after another. */
export async function pgliteDatabase(): Promise<PolicyDatabase & { db: PGlite }> {
  const db = new PGlite()
  await db.exec(ROLES_SQL)
  await db.exec(SUPABASE_SHIM_SQL)
  for (const m of supabaseMigrations()) await db.exec(m.sql)
  // PGlite is one connection: a "pooled" client holds it until released.
  let queue = Promise.resolve()
  const pool: PgPoolLike = {
    connect() {
      let release!: () => void
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      const turn = queue.then(() => undefined)
      queue = queue.then(() => held)
      return turn.then(() => ({
        query: async (text: string, values?: unknown[]) => db.query(text, values),
        release: () => release(),
      }))
    },
  }
  return {
    name: 'pglite',
    db,
    pool,
    async exec(sql) {
      await db.exec(sql)
    },
    async query(sql, params) {
      return (await db.query(sql, params)).rows as never
    },
    as(who, fn) {
      return db.transaction(async (tx) => {
        await tx.query(SET_REQUESTER, [who.role, JSON.stringify(claimsOf(who))])
        return fn(async (sql, params) => (await tx.query(sql, params)).rows as never)
      })
    },
    async close() {
      await db.close()
    },
  }
}
