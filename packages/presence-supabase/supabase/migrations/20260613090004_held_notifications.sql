-- Generated from @wedsync/presence-coordination sql/migrations/0004_held_notifications.sql by scripts/sync-migrations.mjs:
-- edit the source and run `pnpm sql:sync`. The SQL between the markers is the source, as is.

-- >>> 0004_held_notifications.sql
-- Notifications the router holds until their recipient is available (busy, quiet hours), kept
-- durably so a restart loses none. A row is released once: an instance claims it (claimed_by,
-- with a lease in claim_expires_at), runs the app's delivery hooks, then marks it released; a
-- claim whose lease ran out (the instance died mid-delivery) can be claimed again.
create table if not exists presence_held_notifications (
  id text primary key,
  recipient_id text not null,
  urgency text not null check (urgency in ('emergency', 'routine')),
  reason text not null check (reason in ('busy', 'quiet-hours')),
  payload jsonb not null,
  created_at timestamptz not null,
  give_up_at timestamptz not null,
  claimed_by text,
  claim_expires_at timestamptz,
  attempts integer not null default 0,
  released_at timestamptz,
  released_by text,
  -- The routes the release went out on, e.g. {in-app,push}.
  released_routes text[]
);

-- Pending rows of one recipient (released when they come online), and pending rows by deadline.
create index if not exists presence_held_notifications_recipient_idx
  on presence_held_notifications (recipient_id) where released_at is null;
create index if not exists presence_held_notifications_deadline_idx
  on presence_held_notifications (give_up_at) where released_at is null;

-- Only the server reads or writes held notifications (their payloads are the app's messages):
-- row level security with no policy keeps every other role out, e.g. Supabase's anon and
-- authenticated roles through PostgREST. The table owner (the server's role) is not affected.
alter table presence_held_notifications enable row level security;
-- <<< 0004_held_notifications.sql

insert into presence_migrations (name, checksum) values ('0004_held_notifications.sql', 'cd7d27d4')
on conflict (name) do nothing;
