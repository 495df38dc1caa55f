-- Row level security for presence_sessions (server sessions, @wedsync/presence-server's
-- 0005_presence_sessions.sql). The server keeps each device's status report there and writes the
-- user's aggregate (presence-core's rule, computed in TypeScript) to user_last_seen, which
-- visible_presence reads: so visible_presence shows exactly the aggregate rooms show, and SQL
-- never aggregates on its own. Sessions are the server's to write (service role); a signed-in user
-- may read their own (which of their devices count as present), nobody else's.

revoke all on table presence_sessions from anon, authenticated;
grant select on table presence_sessions to authenticated;
grant all on table presence_sessions to service_role;

alter table presence_sessions enable row level security;

drop policy if exists "presence sessions: own rows" on presence_sessions;
create policy "presence sessions: own rows" on presence_sessions
  for select to authenticated
  using (user_id = (select presence_user_id()));
