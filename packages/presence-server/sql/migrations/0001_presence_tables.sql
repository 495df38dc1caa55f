-- Presence tables: privacy settings, last seen and current status, status transitions, and the
-- relationships privacy needs (teams, contacts). Schema-agnostic: names are unqualified and
-- resolve through search_path, so the same file serves any schema (public on Supabase).
-- User and team ids are text: Supabase's auth.uid() compares as auth.uid()::text.

create table if not exists presence_settings (
  user_id text primary key,
  visibility text not null default 'everyone'
    check (visibility in ('everyone', 'contacts', 'team', 'nobody')),
  show_last_seen boolean not null default true,
  show_activity boolean not null default true,
  appear_offline boolean not null default false,
  updated_at timestamptz not null default now()
);

create table if not exists user_last_seen (
  user_id text primary key,
  last_seen_at timestamptz not null,
  last_status text not null
    check (last_status in ('online', 'idle', 'away', 'busy', 'offline')),
  -- The status this row held before its latest status update (lets one statement record the
  -- transition from the status it replaced, under the row lock).
  previous_status text
    check (previous_status in ('online', 'idle', 'away', 'busy', 'offline')),
  status_changed_at timestamptz not null,
  custom_status_text text check (char_length(custom_status_text) <= 400),
  custom_status_emoji text check (char_length(custom_status_emoji) <= 32),
  custom_status_expires_at timestamptz,
  activity jsonb,
  updated_at timestamptz not null default now()
);

create table if not exists presence_events (
  id bigint generated always as identity primary key,
  user_id text not null,
  from_status text check (from_status in ('online', 'idle', 'away', 'busy', 'offline')),
  to_status text not null check (to_status in ('online', 'idle', 'away', 'busy', 'offline')),
  occurred_at timestamptz not null
);

-- A user's history in time order (insights), and retention by age.
create index if not exists presence_events_user_time_idx on presence_events (user_id, occurred_at);
create index if not exists presence_events_time_idx on presence_events (occurred_at);

create table if not exists team_members (
  team_id text not null,
  user_id text not null,
  role text,
  primary key (team_id, user_id)
);

-- "Do these two users share a team?" starts from a user.
create index if not exists team_members_user_idx on team_members (user_id, team_id);

-- user_id keeps contact_id in their contacts (one direction).
create table if not exists contacts (
  user_id text not null,
  contact_id text not null,
  primary key (user_id, contact_id),
  check (user_id <> contact_id)
);
