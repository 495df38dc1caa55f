-- Row level security for the presence tables on Supabase. Users write only their own rows; they
-- read another user's presence through visible_presence(), which applies can_view_presence and
-- the last-seen and activity switches (row level security filters rows, it cannot hide columns).
-- Team membership is the app's to write (service role). The service role bypasses RLS, as on
-- every Supabase project: edge functions and createSupabasePresenceStore act through it.

-- Who is asking: the `sub` claim of the request's JWT. For Supabase Auth users it equals
-- auth.uid()::text (ids are text here, see the tables); unlike auth.uid() it also works for
-- third-party auth providers whose user ids are not UUIDs. Null without a user (anon).
create or replace function presence_user_id()
returns text
language sql
stable
set search_path from current
as $$
  select nullif(auth.jwt() ->> 'sub', '')
$$;

-- Supabase's default privileges give anon and authenticated everything on new tables in public;
-- narrow them to what the policies below need. Tables without a policy are service-role only.
revoke all on table presence_settings, user_last_seen, presence_events, team_members, contacts,
  presence_rate_limits, presence_migrations, presence_held_notifications from anon, authenticated;
grant select, insert, update, delete on table presence_settings to authenticated;
grant select, insert, update on table user_last_seen to authenticated;
grant select, insert on table presence_events to authenticated;
grant select, insert, delete on table contacts to authenticated;
grant select on table team_members to authenticated;
grant all on table presence_settings, user_last_seen, presence_events, team_members, contacts,
  presence_rate_limits, presence_migrations, presence_held_notifications to service_role;

alter table presence_settings enable row level security;
alter table user_last_seen enable row level security;
alter table presence_events enable row level security;
alter table team_members enable row level security;
alter table contacts enable row level security;
alter table presence_rate_limits enable row level security;
alter table presence_migrations enable row level security;

-- The teams the requester belongs to. Security definer: a policy on team_members that read
-- team_members again would recurse.
create or replace function presence_my_teams()
returns setof text
language sql
stable
security definer
set search_path from current
as $$
  select team_id from team_members where user_id = presence_user_id()
$$;

drop policy if exists "presence settings: own row" on presence_settings;
create policy "presence settings: own row" on presence_settings
  for all to authenticated
  using (user_id = (select presence_user_id()))
  with check (user_id = (select presence_user_id()));

-- Select, insert and update (the grants leave out delete): last seen and status of oneself.
drop policy if exists "last seen: own row" on user_last_seen;
create policy "last seen: own row" on user_last_seen
  for all to authenticated
  using (user_id = (select presence_user_id()))
  with check (user_id = (select presence_user_id()));

-- Select and insert: one's own status transitions (insights); retention is the service role's.
drop policy if exists "status transitions: own rows" on presence_events;
create policy "status transitions: own rows" on presence_events
  for all to authenticated
  using (user_id = (select presence_user_id()))
  with check (user_id = (select presence_user_id()));

-- One's own contact list (the direction can_view_presence reads: user_id keeps contact_id).
drop policy if exists "contacts: own list" on contacts;
create policy "contacts: own list" on contacts
  for all to authenticated
  using (user_id = (select presence_user_id()))
  with check (user_id = (select presence_user_id()));

-- Members see who else is in their teams.
drop policy if exists "team members: fellow members" on team_members;
create policy "team members: fellow members" on team_members
  for select to authenticated
  using (team_id in (select presence_my_teams()));

-- The presence of `p_user_ids` as the requester may see it, one row per id in request order
-- (duplicates kept), with the rules of the server's redactPresence and resolvePresence:
-- someone the requester may not view (can_view_presence), or never seen, is exactly
-- (user_id, 'offline', nulls); otherwise status (offline once the lease ran out), custom status
-- (until it expires), last seen (when shown) and activity (when shown and not offline).
create or replace function visible_presence(
  p_user_ids text[],
  p_lease_ms double precision default 30000,
  p_now timestamptz default now()
)
returns table (
  user_id text,
  status text,
  last_seen_at timestamptz,
  custom_status_text text,
  custom_status_emoji text,
  custom_status_expires_at timestamptz,
  activity jsonb
)
language sql
stable
security definer
set search_path from current
as $$
  select
    t.id,
    case when v.shown then v.status else 'offline' end,
    case when v.shown and (v.self or coalesce(s.show_last_seen, true)) then u.last_seen_at end,
    case when v.shown and v.custom then u.custom_status_text end,
    case when v.shown and v.custom then u.custom_status_emoji end,
    case when v.shown and v.custom then u.custom_status_expires_at end,
    case when v.shown and v.status <> 'offline' and (v.self or coalesce(s.show_activity, true))
      then u.activity end
  from unnest(p_user_ids) with ordinality as t(id, ord)
  left join presence_settings s on s.user_id = t.id
  left join user_last_seen u on u.user_id = t.id
  cross join lateral (
    select
      u.user_id is not null and can_view_presence(presence_user_id(), t.id) as shown,
      t.id = presence_user_id() as self,
      case when u.last_seen_at >= p_now - make_interval(secs => p_lease_ms / 1000)
        then u.last_status else 'offline' end as status,
      (u.custom_status_text <> '' or u.custom_status_emoji <> '')
        and (u.custom_status_expires_at is null or u.custom_status_expires_at > p_now) as custom
  ) v
  order by t.ord
$$;

-- Functions run with the caller's rights unless stated; the security definer ones above see
-- every row, so they resolve names only in this schema (then pg_temp, never first).
do $$
begin
  execute format('alter function presence_my_teams() set search_path = %I, pg_temp',
    current_schema());
  execute format(
    'alter function visible_presence(text[], double precision, timestamptz) set search_path = %I, pg_temp',
    current_schema());
end
$$;

-- New functions are executable by PUBLIC (and Supabase grants anon and authenticated too).
revoke execute on function presence_user_id(), presence_my_teams(),
  visible_presence(text[], double precision, timestamptz) from public, anon;
grant execute on function presence_user_id(), presence_my_teams(),
  visible_presence(text[], double precision, timestamptz) to authenticated, service_role;

-- The server's functions answer for any user: the service role's alone. can_view_presence runs
-- inside visible_presence and the realtime policies, which hold the rights to call it.
revoke execute on function can_view_presence(text, text), prune_presence_events(timestamptz)
  from public, anon, authenticated;
grant execute on function can_view_presence(text, text), prune_presence_events(timestamptz)
  to service_role;
