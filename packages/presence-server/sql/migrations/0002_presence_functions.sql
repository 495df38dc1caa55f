-- Retention for presence_events: deletes transitions older than `p_before` and returns how many.
-- Both functions keep the search_path they were created with (the schema the migration ran in).
-- Call it from a scheduled job (pg_cron on Supabase), e.g. keep 90 days:
--   select prune_presence_events(now() - interval '90 days');
create or replace function prune_presence_events(p_before timestamptz)
returns bigint
language sql
set search_path from current
as $$
  with deleted as (
    delete from presence_events where occurred_at < p_before returning 1
  )
  select count(*) from deleted;
$$;

-- The privacy rule of the server's checker (canViewPresence in @wedsync/presence-server), in SQL,
-- for RLS policies: a user always sees themself; appear-offline hides them from everyone else;
-- otherwise visibility decides (everyone; contacts: the target keeps the viewer as a contact;
-- team: they share a team; nobody). A user without settings has the defaults (everyone).
create or replace function can_view_presence(p_viewer text, p_target text)
returns boolean
language sql
stable
set search_path from current
as $$
  select
    p_viewer = p_target
    or coalesce((
      select case
        when s.appear_offline then false
        when s.visibility = 'everyone' then true
        when s.visibility = 'contacts' then exists (
          select 1 from contacts c where c.user_id = p_target and c.contact_id = p_viewer)
        when s.visibility = 'team' then exists (
          select 1 from team_members a join team_members b on a.team_id = b.team_id
          where a.user_id = p_target and b.user_id = p_viewer)
        else false
      end
      from presence_settings s where s.user_id = p_target
    ), true);
$$;
