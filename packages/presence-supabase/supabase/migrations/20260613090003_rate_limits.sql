-- Generated from @wedsync/presence-server sql/migrations/0003_rate_limits.sql by scripts/sync-migrations.mjs:
-- edit the source and run `pnpm sql:sync`. The SQL between the markers is the source, as is.

-- >>> 0003_rate_limits.sql
-- Sliding-window rate limits shared by server instances (the Postgres rate-limit store).
-- `hits` holds the epoch-ms times of the attempts admitted within the window; `admitted` says
-- whether the latest attempt was admitted (one upsert decides and records it under the row lock).
create table if not exists presence_rate_limits (
  key text primary key,
  hits bigint[] not null,
  admitted boolean not null,
  expires_at bigint not null
);

create index if not exists presence_rate_limits_expires_idx on presence_rate_limits (expires_at);
-- <<< 0003_rate_limits.sql

insert into presence_migrations (name, checksum) values ('0003_rate_limits.sql', '5247b2df')
on conflict (name) do nothing;
