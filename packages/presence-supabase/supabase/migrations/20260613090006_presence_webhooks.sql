-- Generated from @wedsync/presence-coordination sql/migrations/0006_presence_webhooks.sql by scripts/sync-migrations.mjs:
-- edit the source and run `pnpm sql:sync`. The SQL between the markers is the source, as is.

-- >>> 0006_presence_webhooks.sql
-- Presence webhooks: subscriptions, the last presence state the outbox recorded per user, and the
-- durable outbox. (0006: presence-server's sessions migration is 0005, and names share one ledger.)
-- A message is delivered at least once and in order per (subscription, user): an instance claims
-- the first undelivered message of a queue (by occurred_at, then seq) (claimed_by, with a lease in claim_expires_at, picked
-- with `for update skip locked`), sends it, then marks it delivered, or failed with the next
-- attempt's time; a claim whose lease ran out (the instance died mid-delivery) is claimed again.
create table if not exists presence_webhook_subscriptions (
  id text primary key,
  owner_id text not null,
  url text not null,
  events text[] not null,
  -- Filters: null means any.
  team_ids text[],
  room_ids text[],
  user_ids text[],
  description text,
  -- whsec_…: the server signs with it; the API shows it once.
  secret text not null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  paused_at timestamptz,
  paused_reason text check (paused_reason in ('failing', 'owner')),
  last_error text
);

create index if not exists presence_webhook_subscriptions_owner_idx
  on presence_webhook_subscriptions (owner_id, created_at);

-- What receivers were last told of each user: a transition is compared with it to find the
-- events (online, offline, status or custom status changed), and an older one is ignored.
create table if not exists presence_webhook_subjects (
  user_id text primary key,
  status text not null,
  custom_status jsonb,
  at timestamptz not null
);

create table if not exists presence_webhook_outbox (
  seq bigserial primary key,
  -- The event id (webhook-id): a replay is a new row with the same id.
  id text not null,
  subscription_id text not null
    references presence_webhook_subscriptions (id) on delete cascade,
  subject_id text not null,
  event_type text not null,
  payload jsonb not null,
  occurred_at timestamptz not null,
  created_at timestamptz not null,
  replay_of text,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  claimed_by text,
  claim_expires_at timestamptz,
  delivered_at timestamptz,
  last_error text
);

-- Undelivered messages per queue (the claim's "oldest of its queue" test), by due time, and a
-- subscription's messages for replay and listing.
create index if not exists presence_webhook_outbox_queue_idx
  on presence_webhook_outbox (subscription_id, subject_id, occurred_at, seq)
  where delivered_at is null;
create index if not exists presence_webhook_outbox_due_idx
  on presence_webhook_outbox (next_attempt_at, seq) where delivered_at is null;
create index if not exists presence_webhook_outbox_subscription_idx
  on presence_webhook_outbox (subscription_id, occurred_at);
create index if not exists presence_webhook_outbox_id_idx
  on presence_webhook_outbox (subscription_id, id);

-- Only the server reads or writes these (secrets, other users' presence): row level security with
-- no policy keeps every other role out, e.g. Supabase's anon and authenticated roles.
alter table presence_webhook_subscriptions enable row level security;
alter table presence_webhook_subjects enable row level security;
alter table presence_webhook_outbox enable row level security;
-- <<< 0006_presence_webhooks.sql

insert into presence_migrations (name, checksum) values ('0006_presence_webhooks.sql', '56a9be6a')
on conflict (name) do nothing;
