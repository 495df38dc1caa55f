-- The functions createSupabasePresenceStore calls through PostgREST (`rpc`) where one request
-- must be one statement: a status update with the transition it caused, a heartbeat that only
-- moves last seen forward, and what the privacy checker needs about several users. They are the
-- single-user forms of the statements in @wedsync/presence-server's SQL store. Times cross the
-- API as epoch milliseconds, as in the store port.

-- Stores a status (and the custom status and activity when their `p_set_*` flag is true; a null
-- value then clears it), never moves last seen backwards, and records the transition exactly when
-- the status changed, from the status it replaced, under the row lock. Runs with the caller's
-- rights: the policies let a user record only their own status; the service role records any.
create or replace function presence_record_status(
  p_user_id text,
  p_at double precision,
  p_status text,
  p_set_custom boolean default false,
  p_custom_text text default null,
  p_custom_emoji text default null,
  p_custom_expires_at double precision default null,
  p_set_activity boolean default false,
  p_activity jsonb default null
)
returns table (
  user_id text,
  last_status text,
  last_seen_at double precision,
  status_changed_at double precision,
  custom_status_text text,
  custom_status_emoji text,
  custom_status_expires_at double precision,
  activity jsonb,
  transitioned boolean,
  from_status text
)
language sql
volatile
set search_path from current
as $$
  with up as (
    insert into user_last_seen as u (user_id, last_seen_at, last_status, previous_status,
      status_changed_at, custom_status_text, custom_status_emoji, custom_status_expires_at,
      activity)
    values (p_user_id, to_timestamp(p_at / 1000), p_status, null, to_timestamp(p_at / 1000),
      case when p_set_custom then p_custom_text end,
      case when p_set_custom then p_custom_emoji end,
      case when p_set_custom then to_timestamp(p_custom_expires_at / 1000) end,
      case when p_set_activity then p_activity end)
    on conflict (user_id) do update set
      last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at),
      previous_status = u.last_status,
      last_status = excluded.last_status,
      status_changed_at = case when u.last_status = excluded.last_status
        then u.status_changed_at else excluded.status_changed_at end,
      custom_status_text = case when p_set_custom
        then excluded.custom_status_text else u.custom_status_text end,
      custom_status_emoji = case when p_set_custom
        then excluded.custom_status_emoji else u.custom_status_emoji end,
      custom_status_expires_at = case when p_set_custom
        then excluded.custom_status_expires_at else u.custom_status_expires_at end,
      activity = case when p_set_activity then excluded.activity else u.activity end,
      updated_at = now()
    returning u.*
  ), ev as (
    insert into presence_events (user_id, from_status, to_status, occurred_at)
    select up.user_id, up.previous_status, up.last_status, to_timestamp(p_at / 1000)
    from up
    where up.previous_status is distinct from up.last_status
    returning presence_events.from_status
  )
  select up.user_id, up.last_status,
    (extract(epoch from up.last_seen_at) * 1000)::float8,
    (extract(epoch from up.status_changed_at) * 1000)::float8,
    up.custom_status_text, up.custom_status_emoji,
    (extract(epoch from up.custom_status_expires_at) * 1000)::float8,
    up.activity,
    exists (select 1 from ev),
    (select ev.from_status from ev)
  from up
$$;

-- Moves last seen forward only; a first heartbeat stores `online` (no transition). Returns last
-- seen as stored (epoch ms). Caller's rights, like presence_record_status.
create or replace function presence_record_heartbeat(p_user_id text, p_at double precision)
returns double precision
language sql
volatile
set search_path from current
as $$
  insert into user_last_seen as u (user_id, last_seen_at, last_status, status_changed_at)
  values (p_user_id, to_timestamp(p_at / 1000), 'online', to_timestamp(p_at / 1000))
  on conflict (user_id) do update set
    last_seen_at = greatest(u.last_seen_at, excluded.last_seen_at)
  returning (extract(epoch from u.last_seen_at) * 1000)::float8
$$;

-- For each of `p_user_ids` (request order, duplicates kept, `ord` from 1): their settings (null
-- when never saved), stored presence (null when never seen) and how `p_viewer` relates to them.
-- Reads other users' settings and relationships for any viewer: the service role's alone.
create or replace function presence_targets(p_viewer text, p_user_ids text[])
returns table (
  ord bigint,
  target text,
  visibility text,
  show_last_seen boolean,
  show_activity boolean,
  appear_offline boolean,
  seen boolean,
  last_status text,
  last_seen_at double precision,
  status_changed_at double precision,
  custom_status_text text,
  custom_status_emoji text,
  custom_status_expires_at double precision,
  activity jsonb,
  is_contact boolean,
  shares_team boolean
)
language sql
stable
set search_path from current
as $$
  select t.ord, t.id, s.visibility, s.show_last_seen, s.show_activity, s.appear_offline,
    u.user_id is not null, u.last_status,
    (extract(epoch from u.last_seen_at) * 1000)::float8,
    (extract(epoch from u.status_changed_at) * 1000)::float8,
    u.custom_status_text, u.custom_status_emoji,
    (extract(epoch from u.custom_status_expires_at) * 1000)::float8,
    u.activity,
    exists (select 1 from contacts c where c.user_id = t.id and c.contact_id = p_viewer),
    exists (select 1 from team_members a join team_members b on a.team_id = b.team_id
      where a.user_id = t.id and b.user_id = p_viewer)
  from unnest(p_user_ids) with ordinality as t(id, ord)
  left join presence_settings s on s.user_id = t.id
  left join user_last_seen u on u.user_id = t.id
  order by t.ord
$$;

revoke execute on function
  presence_record_status(text, double precision, text, boolean, text, text, double precision,
    boolean, jsonb),
  presence_record_heartbeat(text, double precision),
  presence_targets(text, text[])
  from public, anon, authenticated;
grant execute on function
  presence_record_status(text, double precision, text, boolean, text, text, double precision,
    boolean, jsonb),
  presence_record_heartbeat(text, double precision)
  to authenticated, service_role;
grant execute on function presence_targets(text, text[]) to service_role;
