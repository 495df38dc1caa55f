/**
 * The migrations' row level security and realtime.messages policies, each exercised as a role
 * with claims (allowed and denied), on the real Postgres (a fresh database, dropped after) and on
 * PGlite. Supabase itself cannot run here: test/test-supabase-db.ts shims the parts of a project the
 * migrations use (roles, auth.jwt(), default privileges, realtime.messages, realtime.topic()).
 */

import { createSqlStore } from '@wedsync/presence-server/postgres'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import {
  claimsOf,
  type PolicyDatabase,
  pgliteDatabase,
  postgresDatabase,
  type Requester,
} from '../test/test-supabase-db.js'
import { evaluateRealtimePolicies } from './postgres-authorizer.js'

const T0 = Date.UTC(2026, 5, 13, 9, 0)
const ana: Requester = { role: 'authenticated', sub: 'u-ana' } // planner, wedding:123
const ben: Requester = { role: 'authenticated', sub: 'u-ben' } // photographer, wedding:123
const cat: Requester = { role: 'authenticated', sub: 'u-cat' } // florist, wedding:123
const dan: Requester = { role: 'authenticated', sub: 'u-dan' } // caterer, wedding:999
const eve: Requester = { role: 'authenticated', sub: 'u-eve' } // in no team
const anon: Requester = { role: 'anon' }
const service: Requester = { role: 'service_role' }

const ROOM = 'presence:wedding:123'
const DENIED = /row-level security|permission denied/

const engines: [string, () => Promise<PolicyDatabase>][] = [
  ['postgres', () => postgresDatabase('policies')],
  ['pglite', () => pgliteDatabase()],
]

describe.each(engines)('policies on %s', (_engine, open) => {
  let db: PolicyDatabase
  beforeAll(async () => {
    db = await open()
  })
  afterAll(() => db?.close())
  beforeEach(async () => {
    await db.exec(`truncate presence_settings, user_last_seen, presence_events, contacts,
      team_members, presence_rate_limits, presence_sessions;
      insert into team_members (team_id, user_id, role) values
        ('wedding:123', 'u-ana', 'planner'), ('wedding:123', 'u-ben', 'photographer'),
        ('wedding:123', 'u-cat', 'florist'), ('wedding:999', 'u-dan', 'caterer');`)
  })

  const sql = <Row = Record<string, unknown>>(who: Requester, text: string, params?: unknown[]) =>
    db.as(who, (q) => q<Row>(text, params))

  it('presence_settings: a user reads and writes only their own row', async () => {
    await sql(ben, `insert into presence_settings (user_id, visibility) values ('u-ben', 'team')`)
    await sql(ana, `insert into presence_settings (user_id, visibility) values ('u-ana', 'nobody')`)
    await expect(
      sql(ana, `insert into presence_settings (user_id, visibility) values ('u-cat', 'nobody')`),
    ).rejects.toThrow(DENIED)
    expect(await sql(ana, 'select user_id, visibility from presence_settings')).toEqual([
      { user_id: 'u-ana', visibility: 'nobody' },
    ])
    expect(
      await sql(
        ana,
        `update presence_settings set visibility = 'nobody' where user_id = 'u-ben'
        returning user_id`,
      ),
    ).toEqual([])
    expect(
      await sql(ana, `update presence_settings set show_last_seen = false returning user_id`),
    ).toEqual([{ user_id: 'u-ana' }])
    expect(
      await db.query(`select visibility from presence_settings where user_id = 'u-ben'`),
    ).toEqual([{ visibility: 'team' }])
    await expect(sql(anon, 'select * from presence_settings')).rejects.toThrow(DENIED)
    expect(await sql(service, 'select count(*)::int as n from presence_settings')).toEqual([
      { n: 2 },
    ])
  })

  it("presence_sessions: a user reads their own devices' sessions, writes none; the server writes", async () => {
    const insert = (who: Requester, userId: string) =>
      sql(
        who,
        `insert into presence_sessions (user_id, session_id, inputs, reported_at, lease_until)
         values ($1, 'phone', '{"automatic":"online"}', now(), now() + interval '30 seconds')`,
        [userId],
      )
    await insert(service, 'u-ana')
    await insert(service, 'u-ben')
    await expect(insert(ana, 'u-ana')).rejects.toThrow(DENIED)
    expect(await sql(ana, 'select user_id, session_id from presence_sessions')).toEqual([
      { user_id: 'u-ana', session_id: 'phone' },
    ])
    expect(
      await sql(ana, `update presence_sessions set hidden = true returning user_id`).catch(
        (error: Error) => error.message,
      ),
    ).toMatch(DENIED)
    await expect(sql(anon, 'select * from presence_sessions')).rejects.toThrow(DENIED)
    expect(await sql(service, 'select count(*)::int as n from presence_sessions')).toEqual([
      { n: 2 },
    ])
  })

  it('last seen and transitions: a user records only their own, and reads only their own', async () => {
    const [first] = await sql<{ transitioned: boolean; from_status: string | null }>(
      ana,
      `select * from presence_record_status('u-ana', $1, 'online')`,
      [T0],
    )
    expect(first).toMatchObject({ transitioned: true, from_status: null })
    await sql(ana, `select presence_record_heartbeat('u-ana', $1)`, [T0 + 5_000])
    for (const statement of [
      `select * from presence_record_status('u-ben', ${T0}, 'busy')`,
      `select presence_record_heartbeat('u-ben', ${T0})`,
      `insert into user_last_seen (user_id, last_seen_at, last_status, status_changed_at)
         values ('u-ben', now(), 'online', now())`,
      `insert into presence_events (user_id, to_status, occurred_at) values ('u-ben', 'online', now())`,
    ])
      await expect(sql(ana, statement), statement).rejects.toThrow(DENIED)
    await sql(ben, `select * from presence_record_status('u-ben', $1, 'busy')`, [T0])
    expect(await sql(ana, 'select user_id from user_last_seen')).toEqual([{ user_id: 'u-ana' }])
    expect(await sql(ben, 'select user_id, to_status from presence_events')).toEqual([
      { user_id: 'u-ben', to_status: 'busy' },
    ])
    expect(
      await sql(ana, `update user_last_seen set last_status = 'away' returning user_id`),
    ).toEqual([{ user_id: 'u-ana' }])
    expect(
      await sql(ana, `delete from presence_events returning user_id`).catch((e) => e),
    ).toBeInstanceOf(Error) // no delete grant: retention is the service role's
    await expect(
      sql(anon, `select * from presence_record_status('u-ana', ${T0}, 'online')`),
    ).rejects.toThrow(DENIED)
    await sql(service, `select * from presence_record_status('u-cat', $1, 'idle')`, [T0])
    expect(await db.query('select user_id from user_last_seen order by 1')).toEqual([
      { user_id: 'u-ana' },
      { user_id: 'u-ben' },
      { user_id: 'u-cat' },
    ])
  })

  it('contacts: a user keeps only their own list', async () => {
    await sql(ana, `insert into contacts (user_id, contact_id) values ('u-ana', 'u-ben')`)
    await expect(
      sql(ana, `insert into contacts (user_id, contact_id) values ('u-ben', 'u-ana')`),
    ).rejects.toThrow(DENIED)
    expect(await sql(ben, 'select * from contacts')).toEqual([])
    expect(await sql(ana, 'select contact_id from contacts')).toEqual([{ contact_id: 'u-ben' }])
    await db.exec(`insert into contacts values ('u-ben', 'u-cat')`)
    expect(await sql(ana, 'delete from contacts returning contact_id')).toEqual([
      { contact_id: 'u-ben' },
    ])
    expect(await db.query('select user_id from contacts')).toEqual([{ user_id: 'u-ben' }])
  })

  it('team members: members see their own teams; only the service role writes', async () => {
    const members = (who: Requester) =>
      sql<{ team_id: string; user_id: string }>(
        who,
        'select team_id, user_id from team_members order by user_id',
      )
    expect((await members(ana)).map((m) => m.user_id)).toEqual(['u-ana', 'u-ben', 'u-cat'])
    expect(await members(dan)).toEqual([{ team_id: 'wedding:999', user_id: 'u-dan' }])
    expect(await members(eve)).toEqual([])
    await expect(
      sql(ana, `insert into team_members (team_id, user_id) values ('wedding:123', 'u-eve')`),
    ).rejects.toThrow(DENIED)
    await expect(sql(ana, `delete from team_members`)).rejects.toThrow(DENIED)
    await sql(
      service,
      `insert into team_members (team_id, user_id) values ('wedding:123', 'u-eve')`,
    )
    expect((await members(eve)).map((m) => m.user_id)).toEqual(['u-ana', 'u-ben', 'u-cat', 'u-eve'])
  })

  it("visible_presence shows the server's aggregate of a user's sessions, as rooms do", async () => {
    // The server's SQL store on this database writes sessions and the aggregate (service role).
    const store = createSqlStore({
      client: {
        query: async (text, params) => ({ rows: await db.query(text, params as unknown[]) }),
        exec: (text) => db.exec(text),
      },
    })
    const report = (sessionId: string, automatic: 'online' | 'idle', at: number) =>
      store.recordStatus({
        userId: 'u-ben',
        sessionId,
        status: automatic,
        session: { automatic },
        at,
        leaseUntil: at + 30_000,
      })
    await report('phone', 'online', T0)
    await report('laptop', 'idle', T0 + 1_000) // the laptop idles while the phone is in use
    const status = async (ms: number) =>
      (
        await sql<{ status: string }>(
          ana,
          `select status from visible_presence(array['u-ben'], 30000,
             to_timestamp(${(T0 + ms) / 1000}))`,
        )
      )[0]?.status
    expect(await status(2_000)).toBe('online')
    // The phone vanishes; once swept, the user is what the laptop says.
    await store.sweepSessions!(T0 + 30_000)
    expect(await status(30_000)).toBe('idle')
    expect(
      await db.query(`select to_status from presence_events where user_id = 'u-ben' order by id`),
    ).toEqual([{ to_status: 'online' }, { to_status: 'idle' }])
  })

  it('visible_presence: privacy, the last-seen and activity switches, the lease and expiry', async () => {
    const at = (ms: number) => `to_timestamp(${(T0 + ms) / 1000})`
    await db.exec(`
      insert into user_last_seen (user_id, last_seen_at, last_status, status_changed_at,
        custom_status_text, custom_status_emoji, custom_status_expires_at, activity) values
      ('u-ben', ${at(0)}, 'online', ${at(0)}, 'At a venue', '📸', ${at(3_600_000)},
        '{"action":"viewing","target":"timeline","weddingId":"123"}'),
      ('u-cat', ${at(-60_000)}, 'online', ${at(-60_000)}, 'Lunch', null, ${at(-1)},
        '{"action":"viewing"}'),
      ('u-dan', ${at(0)}, 'busy', ${at(0)}, null, null, null, '{"action":"editing"}'),
      ('u-eve', ${at(0)}, 'online', ${at(0)}, null, null, null, null),
      ('u-ana', ${at(0)}, 'away', ${at(0)}, null, null, null, '{"action":"viewing"}');
      insert into presence_settings (user_id, visibility, show_last_seen, show_activity,
        appear_offline) values
      ('u-ben', 'team', true, true, false),
      ('u-dan', 'everyone', false, false, false),
      ('u-eve', 'everyone', true, true, true),
      ('u-ana', 'nobody', false, false, false);`)
    const seen = (who: Requester, ids: string[]) =>
      sql(
        who,
        `select user_id, status, (extract(epoch from last_seen_at) * 1000)::float8 as last_seen_at,
           custom_status_text, custom_status_emoji, activity
         from visible_presence($1, 30000, ${at(10_000)})`,
        [ids],
      )
    const hidden = (user_id: string) => ({
      user_id,
      status: 'offline',
      last_seen_at: null,
      custom_status_text: null,
      custom_status_emoji: null,
      activity: null,
    })
    expect(
      await seen(ana, ['u-ben', 'u-cat', 'u-dan', 'u-eve', 'u-none', 'u-ben', 'u-ana']),
    ).toEqual([
      {
        user_id: 'u-ben',
        status: 'online',
        last_seen_at: T0,
        custom_status_text: 'At a venue',
        custom_status_emoji: '📸',
        activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
      },
      // Past the lease: offline, so no activity; the custom status has expired.
      { ...hidden('u-cat'), last_seen_at: T0 - 60_000 },
      // Everyone may see dan, but not his last seen or activity.
      { ...hidden('u-dan'), status: 'busy' },
      hidden('u-eve'), // appears offline
      hidden('u-none'), // never seen: the same shape as hidden
      expect.objectContaining({ user_id: 'u-ben', status: 'online' }),
      // Herself, in full, whatever her settings say.
      { ...hidden('u-ana'), status: 'away', last_seen_at: T0, activity: { action: 'viewing' } },
    ])
    // Team visibility: ben is hidden from a caterer of another wedding and from anon.
    expect(await seen(dan, ['u-ben'])).toEqual([hidden('u-ben')])
    expect(
      await sql(anon, `select status from visible_presence(array['u-dan'])`).catch((e) => e),
    ).toBeInstanceOf(Error)
  })

  it('the server functions and tables are the service role’s', async () => {
    for (const statement of [
      `select can_view_presence('u-ana', 'u-ben')`,
      `select * from presence_targets('u-ana', array['u-ben'])`,
      `select prune_presence_events(now())`,
      `select * from presence_room_members('wedding:123')`,
      'select * from presence_rate_limits',
      'select * from presence_migrations',
      'select * from presence_held_notifications',
    ]) {
      await expect(sql(ana, statement), statement).rejects.toThrow(DENIED)
      await expect(sql(anon, statement), statement).rejects.toThrow(DENIED)
    }
    expect(await sql(service, `select can_view_presence('u-dan', 'u-ben') as can`)).toEqual([
      { can: true },
    ])
    const targets = await sql(
      service,
      `select target, shares_team from presence_targets('u-ana',
      array['u-ben', 'u-dan'])`,
    )
    expect(targets).toEqual([
      { target: 'u-ben', shares_team: true },
      { target: 'u-dan', shares_team: false },
    ])
    expect(
      (await sql(service, 'select name from presence_migrations order by name')).length,
    ).toBeGreaterThanOrEqual(3)
  })

  describe('realtime.messages', () => {
    const policies = (who: Requester, topic = ROOM) =>
      evaluateRealtimePolicies(db.pool, { topic, claims: claimsOf(who) })
    const all = (value: boolean) => ({
      broadcast: { read: value, write: value },
      presence: { read: value, write: value },
    })

    it("a wedding's team joins, reads, broadcasts and tracks in its room; nobody else", async () => {
      expect(await policies(ana)).toEqual(all(true))
      expect(await policies(ben)).toEqual(all(true))
      expect(await policies(dan)).toEqual(all(false)) // another wedding's caterer
      expect(await policies(eve)).toEqual(all(false))
      expect(await policies(anon)).toEqual(all(false))
      expect(await policies(service)).toEqual(all(true)) // bypasses row level security
      expect(await policies(dan, 'presence:wedding:999')).toEqual(all(true))
      expect(await policies(ana, 'presence:wedding:999')).toEqual(all(false))
      // Only presence rooms: other topics and a room without a name are not opened by these.
      expect(await policies(ana, 'chat:wedding:123')).toEqual(all(false))
      expect(await policies(ana, 'presence:')).toEqual(all(false))
      // A role outside Supabase's three is refused without a query.
      expect(
        await evaluateRealtimePolicies(db.pool, { topic: ROOM, claims: { role: 'postgres' } }),
      ).toEqual(all(false))
      // The probes are rolled back: realtime.messages stays empty.
      expect(await db.query('select count(*)::int as n from realtime.messages')).toEqual([{ n: 0 }])
    })

    it('a member whom some member may not view cannot track, yet joins and broadcasts', async () => {
      const readsAndBroadcasts = {
        broadcast: { read: true, write: true },
        presence: { read: true, write: false },
      }
      await sql(
        ana,
        `insert into presence_settings (user_id, appear_offline) values ('u-ana', true)`,
      )
      expect(await policies(ana)).toEqual(readsAndBroadcasts)
      await sql(
        ben,
        `insert into presence_settings (user_id, visibility) values ('u-ben', 'contacts')`,
      )
      await sql(ben, `insert into contacts (user_id, contact_id) values ('u-ben', 'u-ana')`)
      expect(await policies(ben)).toEqual(readsAndBroadcasts) // cat is not a contact
      await sql(ben, `insert into contacts (user_id, contact_id) values ('u-ben', 'u-cat')`)
      expect(await policies(ben)).toEqual(all(true))
      await sql(cat, `insert into presence_settings (user_id, visibility) values ('u-cat', 'team')`)
      expect(await policies(cat)).toEqual(all(true))
      await sql(cat, `update presence_settings set visibility = 'nobody'`)
      expect(await policies(cat)).toEqual(readsAndBroadcasts)
    })
  })
})
