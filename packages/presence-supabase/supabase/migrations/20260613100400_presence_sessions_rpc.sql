-- The functions createSupabasePresenceStore calls through PostgREST (`rpc`) for server sessions
-- (@wedsync/presence-server's 0005_presence_sessions.sql): each is one statement of the SQL
-- stores' session algorithm (store-sql-sessions.ts), the same SQL with named arguments, because
-- PostgREST can only run what a function holds. The algorithm stays in TypeScript: the store reads
-- the user's row and sessions (presence_session_state), aggregates them with presence-server's
-- session-aggregate.ts (presence-core's rule, the one rooms use), and writes everything in one
-- version-checked statement (presence_session_write), computing again when another writer won.
-- SQL never aggregates. Times cross the API as epoch milliseconds, as in the store port.
--
-- Sessions are the server's to write (20260613100300_presence_sessions_rls.sql), and these
-- functions act for any user: the service role's alone. They run with the caller's rights (the
-- service role holds every right they need; definer rights would add nothing but reach) and keep
-- the search_path they were created with, like the store's other functions.

-- The user's row as every presence read sees it (user_id null: never seen), its version, and
-- their stored sessions, all from one snapshot: a write computed from it is refused if the row
-- moved on since, and sessions cannot change without moving it (heartbeats only renew a lease).
create or replace function presence_session_state(p_user_id text)
returns table (
  user_id text,
  last_status text,
  last_seen_at double precision,
  status_changed_at double precision,
  custom_status_text text,
  custom_status_emoji text,
  custom_status_expires_at double precision,
  activity jsonb,
  version bigint,
  sessions json
)
language sql
stable
set search_path from current
as $$
  select u.user_id, u.last_status,
    (extract(epoch from u.last_seen_at) * 1000)::float8,
    (extract(epoch from u.status_changed_at) * 1000)::float8,
    u.custom_status_text, u.custom_status_emoji,
    (extract(epoch from u.custom_status_expires_at) * 1000)::float8,
    u.activity, u.version,
    coalesce((select json_agg(json_build_object(
        'id', p.session_id, 'inputs', p.inputs, 'activity', p.activity, 'hidden', p.hidden,
        'reportedAt', (extract(epoch from p.reported_at) * 1000)::float8,
        'leaseUntil', (extract(epoch from p.lease_until) * 1000)::float8)
      order by p.session_id)
      from presence_sessions p where p.user_id = p_user_id), '[]'::json)
  from (select p_user_id as id) t left join user_last_seen u on u.user_id = t.id
$$;

-- One change's write: the user's row (aggregate, last seen, sweep_at, changes_at) only if its
-- version is still `p_version` (or there is no row yet and `p_version` is null), and — only if
-- that row was written — the reporting session (`p_session_id`, null: none), the removal of the
-- session that left (`p_end_session`) and of those past the grace (`p_expired`, if still so), and
-- the transition (`p_record`). `written_version` null: another writer won, compute again.
-- `p_not_after` (wall clock, ms; null: none) is compared with the database's clock when the
-- statement runs: an update that arrives late is refused (`in_time` false), not applied.
create or replace function presence_session_write(
  p_user_id text,
  p_version bigint,
  p_status_changed_at double precision,
  p_last_seen_at double precision,
  p_status text,
  p_custom_text text,
  p_custom_emoji text,
  p_custom_expires_at double precision,
  p_activity jsonb,
  p_sweep_at double precision,
  p_session_id text,
  p_inputs jsonb,
  p_session_activity jsonb,
  p_hidden boolean,
  p_reported_at double precision,
  p_lease_until double precision,
  p_expired text[],
  p_record boolean,
  p_from_status text,
  p_at double precision,
  p_not_after double precision,
  p_end_session text,
  p_changes_at double precision,
  p_grace_before double precision
)
returns table (written_version bigint, in_time boolean)
language sql
volatile
set search_path from current
as $$
  with u as (
    insert into user_last_seen as u (user_id, last_seen_at, last_status, previous_status,
      status_changed_at, custom_status_text, custom_status_emoji, custom_status_expires_at,
      activity, sweep_at, changes_at, version)
    select p_user_id, to_timestamp(p_last_seen_at / 1000), p_status, null,
      to_timestamp(p_status_changed_at / 1000), p_custom_text, p_custom_emoji,
      to_timestamp(p_custom_expires_at / 1000), p_activity, to_timestamp(p_sweep_at / 1000),
      to_timestamp(p_changes_at / 1000), 1
    where p_not_after is null or clock_timestamp() <= to_timestamp(p_not_after / 1000)
    on conflict (user_id) do update set
      last_seen_at = excluded.last_seen_at,
      previous_status = u.last_status,
      last_status = excluded.last_status,
      status_changed_at = excluded.status_changed_at,
      custom_status_text = excluded.custom_status_text,
      custom_status_emoji = excluded.custom_status_emoji,
      custom_status_expires_at = excluded.custom_status_expires_at,
      activity = excluded.activity,
      sweep_at = excluded.sweep_at,
      changes_at = excluded.changes_at,
      version = u.version + 1,
      updated_at = now()
    where u.version = p_version
    returning u.version
  ), put as (
    insert into presence_sessions as p (user_id, session_id, inputs, activity, hidden,
      reported_at, lease_until)
    select p_user_id, p_session_id, p_inputs, p_session_activity, coalesce(p_hidden, false),
      to_timestamp(p_reported_at / 1000), to_timestamp(p_lease_until / 1000)
    where p_session_id is not null and exists (select 1 from u)
    on conflict (user_id, session_id) do update set
      inputs = excluded.inputs,
      activity = excluded.activity,
      hidden = excluded.hidden,
      reported_at = greatest(p.reported_at, excluded.reported_at),
      -- a heartbeat may have renewed it meanwhile (heartbeats do not move the version)
      lease_until = greatest(p.lease_until, excluded.lease_until)
  ), gone as (
    delete from presence_sessions p
    where p.user_id = p_user_id and exists (select 1 from u)
      and (p.session_id = p_end_session
        or (p.session_id = any(p_expired) and p.lease_until <= to_timestamp(p_grace_before / 1000)))
  ), ev as (
    insert into presence_events (user_id, from_status, to_status, occurred_at)
    select p_user_id, p_from_status, p_status, to_timestamp(p_at / 1000)
    where p_record and exists (select 1 from u)
  )
  select (select u.version from u),
    p_not_after is null or clock_timestamp() <= to_timestamp(p_not_after / 1000)
$$;

-- A heartbeat of a live session (lease after `p_at`): renews its lease and last seen without
-- touching the aggregate (a lease renewed changes no status), and moves sweep_at to the earliest
-- live lease (or the next time-based change) unless a sweep is due already or an aggregate write
-- committed meanwhile (its sweep_at stands). False: the session is not live; the store then goes
-- the long way (read, aggregate, write).
create or replace function presence_session_heartbeat(
  p_user_id text,
  p_session_id text,
  p_at double precision,
  p_lease_until double precision
)
returns boolean
language sql
volatile
set search_path from current
as $$
  with renewed as (
    update presence_sessions p
    set lease_until = greatest(p.lease_until, to_timestamp(p_lease_until / 1000))
    where p.user_id = p_user_id and p.session_id = p_session_id
      and p.lease_until > to_timestamp(p_at / 1000)
    returning p.user_id
  ), seen as (
    select l.version, (select min(case when p.session_id = p_session_id
        then greatest(p.lease_until, to_timestamp(p_lease_until / 1000)) else p.lease_until end)
      from presence_sessions p
      where p.user_id = p_user_id
        and (p.session_id = p_session_id or p.lease_until > to_timestamp(p_at / 1000))) as lease_min
    from user_last_seen l where l.user_id = p_user_id
  ), up as (
    update user_last_seen u set last_seen_at = greatest(u.last_seen_at, to_timestamp(p_at / 1000)),
      sweep_at = case when u.version = seen.version and u.sweep_at > to_timestamp(p_at / 1000)
        then least(u.changes_at, seen.lease_min) else u.sweep_at end
    from renewed, seen where u.user_id = renewed.user_id
    returning u.user_id
  )
  select exists (select 1 from up)
$$;

-- The sweeper's claim: up to `p_limit` users due by `p_now` (sweep_at, oldest first), skipping
-- those another instance holds, their sweep_at moved to `p_claim_until` so that no other instance
-- takes them until then (nor ever, once this one has recomputed them).
create or replace function presence_sweep_claim(
  p_now double precision,
  p_claim_until double precision,
  p_limit integer
)
returns table (user_id text)
language sql
volatile
set search_path from current
as $$
  update user_last_seen u set sweep_at = to_timestamp(p_claim_until / 1000)
  from (select l.user_id from user_last_seen l where l.sweep_at <= to_timestamp(p_now / 1000)
        order by l.sweep_at limit p_limit for update skip locked) due
  where u.user_id = due.user_id
  returning u.user_id
$$;

-- Removes every session whose lease ended at or before `p_before` (the grace is over: they count
-- for nothing already, so no aggregate changes); returns how many.
create or replace function presence_sessions_remove_expired(p_before double precision)
returns integer
language sql
volatile
set search_path from current
as $$
  with gone as (
    delete from presence_sessions p where p.lease_until <= to_timestamp(p_before / 1000)
    returning 1
  )
  select count(*)::int from gone
$$;

revoke execute on function
  presence_session_state(text),
  presence_session_write(text, bigint, double precision, double precision, text, text, text,
    double precision, jsonb, double precision, text, jsonb, jsonb, boolean, double precision,
    double precision, text[], boolean, text, double precision, double precision, text,
    double precision, double precision),
  presence_session_heartbeat(text, text, double precision, double precision),
  presence_sweep_claim(double precision, double precision, integer),
  presence_sessions_remove_expired(double precision)
  from public, anon, authenticated;
grant execute on function
  presence_session_state(text),
  presence_session_write(text, bigint, double precision, double precision, text, text, text,
    double precision, jsonb, double precision, text, jsonb, jsonb, boolean, double precision,
    double precision, text[], boolean, text, double precision, double precision, text,
    double precision, double precision),
  presence_session_heartbeat(text, text, double precision, double precision),
  presence_sweep_claim(double precision, double precision, integer),
  presence_sessions_remove_expired(double precision)
  to service_role;
