-- Private presence rooms on Supabase Realtime. Realtime asks realtime.messages' policies, as the
-- user, whether they may join a private channel and receive its presence and broadcasts (select,
-- at the join), track presence (insert with extension 'presence', at the first track) and send
-- broadcasts (insert with extension 'broadcast'); see research/supabase-realtime-protocol.md §4,
-- "Private channels". A room's channel topic is `presence:<roomId>` (createSupabaseTransport's
-- default), e.g. `presence:wedding:123`; realtime.topic() names it.

-- The room a channel topic belongs to; null for topics that are not presence rooms.
create or replace function presence_topic_room(p_topic text)
returns text
language sql
immutable
as $$
  select case when p_topic like 'presence:_%' then substr(p_topic, length('presence:') + 1) end
$$;

-- Who belongs to a room: the app's seam. By default a room's members are the team whose id is
-- the room id (a wedding's team is team `wedding:123`, its room `wedding:123`). To map rooms onto
-- the app's own tables instead (say wedding_suppliers), replace this function, keeping its
-- signature; every policy below goes through it.
create or replace function presence_room_members(p_room text)
returns setof text
language sql
stable
security definer
set search_path from current
as $$
  select user_id from team_members where team_id = p_room
$$;

-- Whether the requester belongs to the room.
create or replace function presence_in_room(p_room text)
returns boolean
language sql
stable
security definer
set search_path from current
as $$
  select exists (
    select 1 from presence_room_members(p_room) as m(user_id) where m.user_id = presence_user_id())
$$;

-- Whether the requester may publish their presence in the room: a member whom every member may
-- view (can_view_presence). Whoever appears offline, shows their presence to nobody, or only to
-- contacts that some members are not, is refused the track, so their presence never reaches a
-- viewer who may not see it (SPEC 7). Realtime asks at the first track of a channel membership.
create or replace function presence_may_track_in_room(p_room text)
returns boolean
language sql
stable
security definer
set search_path from current
as $$
  select presence_in_room(p_room) and not exists (
    select 1 from presence_room_members(p_room) as m(user_id)
    where not can_view_presence(m.user_id, presence_user_id()))
$$;

do $$
begin
  execute format('alter function presence_room_members(text) set search_path = %I, pg_temp',
    current_schema());
  execute format('alter function presence_in_room(text) set search_path = %I, pg_temp',
    current_schema());
  execute format('alter function presence_may_track_in_room(text) set search_path = %I, pg_temp',
    current_schema());
end
$$;

revoke execute on function presence_topic_room(text), presence_room_members(text),
  presence_in_room(text), presence_may_track_in_room(text) from public, anon, authenticated;
-- The policies call these as the user; presence_room_members stays private (it lists a room).
grant execute on function presence_topic_room(text), presence_in_room(text),
  presence_may_track_in_room(text) to authenticated, service_role;
grant execute on function presence_room_members(text) to service_role;

-- Members join the room's channel and receive its presence and broadcasts.
drop policy if exists "presence rooms: members receive" on realtime.messages;
create policy "presence rooms: members receive" on realtime.messages
  for select to authenticated
  using (
    extension in ('broadcast', 'presence')
    and (select presence_in_room(presence_topic_room((select realtime.topic()))))
  );

-- Members send broadcasts (urgent messages and their receipts).
drop policy if exists "presence rooms: members broadcast" on realtime.messages;
create policy "presence rooms: members broadcast" on realtime.messages
  for insert to authenticated
  with check (
    extension = 'broadcast'
    and (select presence_in_room(presence_topic_room((select realtime.topic()))))
  );

-- Members whom every member may view track their presence.
drop policy if exists "presence rooms: visible members track" on realtime.messages;
create policy "presence rooms: visible members track" on realtime.messages
  for insert to authenticated
  with check (
    extension = 'presence'
    and (select presence_may_track_in_room(presence_topic_room((select realtime.topic()))))
  );
