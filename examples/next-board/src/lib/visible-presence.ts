/**
 * The team's presence as the viewer may see it, read through the SQL function
 * `visible_presence()` (presence-supabase's RLS migration) — the database applies
 * can_view_presence, the last-seen and activity switches, and the lease, so nothing hidden from
 * the viewer ever reaches this server, let alone the page. The query runs as PostgREST runs one:
 * in a transaction, as the role `authenticated`, with the viewer's verified claims in
 * `request.jwt.claims`. (On Supabase the same call is
 * `supabase.rpc('visible_presence', { p_user_ids })` with the user's session.)
 */
import 'server-only'
import { database } from './database'
import { presenceSchema } from './server-env'

export interface VisiblePresence {
  readonly userId: string
  readonly status: 'online' | 'idle' | 'away' | 'busy' | 'offline'
  readonly lastSeenAt: Date | null
  readonly customStatus: string | null
  readonly activity: { readonly action?: string; readonly target?: string } | null
}

interface Row {
  user_id: string
  status: VisiblePresence['status']
  last_seen_at: Date | null
  custom_status_text: string | null
  custom_status_emoji: string | null
  activity: VisiblePresence['activity']
}

/**
 * `userIds`' presence for `viewerId` (already verified), in the order asked; undefined when the
 * example runs without a database (DATABASE_URL unset).
 */
export async function readVisiblePresence(
  viewerId: string,
  userIds: readonly string[],
): Promise<VisiblePresence[] | undefined> {
  const pool = database()
  if (!pool) return undefined
  const schema = presenceSchema()
  const client = await pool.connect()
  try {
    await client.query('begin')
    await client.query(
      `select set_config('role', 'authenticated', true),
              set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ role: 'authenticated', sub: viewerId })],
    )
    const { rows } = await client.query<Row>(
      `select * from "${schema}".visible_presence($1::text[])`,
      [userIds],
    )
    await client.query('commit')
    return rows.map((row) => ({
      userId: row.user_id,
      status: row.status,
      lastSeenAt: row.last_seen_at,
      customStatus:
        [row.custom_status_emoji, row.custom_status_text].filter(Boolean).join(' ') || null,
      activity: row.activity,
    }))
  } catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
