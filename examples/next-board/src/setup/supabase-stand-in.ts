/**
 * What a Supabase project gives the presence migrations before they run, on a plain Postgres: the
 * API roles (anon, authenticated, service_role — the last bypasses row level security) and
 * `auth.jwt()` over `request.jwt.claims`, as PostgREST sets it per request. Only for running the
 * example without Supabase (dev and the browser test); on a Supabase project all of this exists
 * already and none of it runs.
 *
 * Roles belong to the cluster and `auth` to the database, shared by every run and schema there:
 * each is created only if missing, under one advisory lock, so concurrent runs never race.
 */
import type pg from 'pg'

const STAND_IN_SQL = `
do $$
declare r text;
begin
  foreach r in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select 1 from pg_roles where rolname = r) then
      execute format('create role %I nologin noinherit %s', r,
        case when r = 'service_role' then 'bypassrls' else '' end);
    end if;
  end loop;
end
$$;
create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;
do $$
begin
  if to_regprocedure('auth.jwt()') is null then
    create function auth.jwt() returns jsonb language sql stable as $f$
      select coalesce(nullif(current_setting('request.jwt.claim', true), ''),
        nullif(current_setting('request.jwt.claims', true), ''))::jsonb
    $f$;
  end if;
end
$$;`

/** Makes sure the roles and `auth.jwt()` exist (idempotent, safe to run concurrently). */
export async function ensureSupabaseStandIn(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    // Roles are cluster-wide: one lock for every database of the cluster.
    await client.query(`select pg_advisory_xact_lock(hashtext('wedsync-next-board:stand-in'))`)
    await client.query(STAND_IN_SQL)
    await client.query('commit')
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
