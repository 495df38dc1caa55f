/**
 * The example's seed, written as the app (the table owner, as Supabase's service role would):
 * the wedding's team in team_members, the privacy two suppliers chose, and when three suppliers
 * who are not at their desks were last seen. Idempotent (upserts), so `dev` can run it each start.
 *
 * - Tom (florist) shares everything: he reads as offline, last seen two hours ago.
 * - Sofia (planner) shows her presence to nobody: whatever she did is not for the viewer, so
 *   visible_presence() answers offline with nothing else — not her custom status, not her time.
 * - Kofi (DJ) hides his last seen: offline, without a time.
 */
import type pg from 'pg'
import { roomOf, WEDDINGS } from '../lib/cast.js'

export interface SeededPresence {
  readonly userId: string
  readonly lastSeenAt: Date
  readonly status: 'online' | 'busy'
  readonly customStatus?: string
}

/** The seeded rows, relative to `now` (the test asserts on exactly these). */
export function seededPresence(now: number): readonly SeededPresence[] {
  return [
    { userId: 'u-tom', lastSeenAt: new Date(now - 2 * 60 * 60_000), status: 'online' },
    {
      userId: 'u-sofia',
      lastSeenAt: new Date(now - 10 * 60_000),
      status: 'busy',
      customStatus: 'Tasting menus with the caterer',
    },
    { userId: 'u-kofi', lastSeenAt: new Date(now - 60 * 60_000), status: 'online' },
  ]
}

export async function seedBoard(pool: pg.Pool, schema: string, now = Date.now()): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('begin')
    await client.query(`set local search_path to "${schema}"`)
    for (const wedding of WEDDINGS)
      for (const userId of wedding.team)
        await client.query(
          `insert into team_members (team_id, user_id) values ($1, $2) on conflict do nothing`,
          [roomOf(wedding), userId],
        )
    await client.query(
      `insert into presence_settings (user_id, visibility, show_last_seen) values
         ('u-sofia', 'nobody', true), ('u-kofi', 'everyone', false)
       on conflict (user_id) do update
         set visibility = excluded.visibility, show_last_seen = excluded.show_last_seen`,
    )
    for (const seen of seededPresence(now))
      await client.query(
        `insert into user_last_seen
           (user_id, last_seen_at, last_status, status_changed_at, custom_status_text)
         values ($1, $2, $3, $2, $4)
         on conflict (user_id) do update set last_seen_at = excluded.last_seen_at,
           last_status = excluded.last_status, status_changed_at = excluded.status_changed_at,
           custom_status_text = excluded.custom_status_text`,
        [seen.userId, seen.lastSeenAt, seen.status, seen.customStatus ?? null],
      )
    await client.query('commit')
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
