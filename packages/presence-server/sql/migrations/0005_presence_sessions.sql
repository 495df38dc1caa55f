-- Presence sessions: each device's (session's) status report, kept with a lease, so a user's
-- status is the aggregate of all their live sessions (presence-core's rule, computed by the
-- server in TypeScript and written to user_last_seen) rather than whichever device wrote last.
-- `inputs` is what the aggregation reads (automatic status, stamped manual and custom status,
-- calendar window, activeAgo: SessionInputs in @wedsync/presence-server); SQL never interprets it.
-- The id '' is the implicit session of clients that send no session id.

create table if not exists presence_sessions (
  user_id text not null,
  session_id text not null check (char_length(session_id) <= 128),
  inputs jsonb not null,
  activity jsonb,
  -- It reported `offline` (appear offline): stored, counted for nothing until it reports again.
  hidden boolean not null default false,
  reported_at timestamptz not null,
  -- Live while lease_until > now; the sweeper removes it after that.
  lease_until timestamptz not null,
  primary key (user_id, session_id)
);

-- Expired sessions, oldest lease first (clean-up and diagnostics).
create index if not exists presence_sessions_lease_idx on presence_sessions (lease_until);

-- When the user's aggregate can next change by time alone (a lease ends, a custom status
-- expires, a calendar window ends): the sweeper's queue, durable and shared by every instance.
-- A sweeper claims due rows with `for update skip locked` by moving sweep_at past its own claim.
alter table user_last_seen add column if not exists sweep_at timestamptz;
-- The part of sweep_at that is not a lease (a custom status's expiry, a calendar window's end):
-- lets a heartbeat, which only renews a lease, move sweep_at without aggregating.
alter table user_last_seen add column if not exists changes_at timestamptz;
-- Bumped by every aggregate write: a write computed from sessions another writer has changed
-- since is refused and computed again (no lock is held while TypeScript aggregates).
alter table user_last_seen add column if not exists version bigint not null default 0;

create index if not exists user_last_seen_sweep_idx on user_last_seen (sweep_at)
  where sweep_at is not null;
