/**
 * What createSupabasePresenceStore sends and how it treats the answers. PostgREST cannot run
 * here: msw handlers answer as PostgREST does, running the SQL it would run on the real Postgres
 * with the request's role and claims (test/test-postgrest.ts). The requests are asserted as PostgREST
 * receives them (method, path, query, Prefer, Accept, body); where a test needs an answer the
 * database cannot produce (a malformed one), a handler in that test says so.
 */
import {
  createAccessToken,
  DEV_ANON_KEY,
  DEV_JWT_SECRET,
  DEV_SERVICE_ROLE_KEY,
} from '@wedsync/presence-testing/server'
import { HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { postgrestHandlers, type RecordedRequest, supabaseClient } from '../test/test-postgrest.js'
import { postgresDatabase } from '../test/test-supabase-db.js'
import { createSupabasePresenceStore, SupabaseStoreError } from './supabase-store.js'

const URL = 'http://supabase.test'
const T0 = Date.UTC(2026, 5, 13, 9)
const database = await postgresDatabase('requests')
const log: RecordedRequest[] = []
const server = setupServer(
  ...postgrestHandlers({ url: URL, pool: database.pool, jwtSecret: DEV_JWT_SECRET, log }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => server.resetHandlers())
afterAll(async () => {
  server.close()
  await database.close()
})
beforeEach(async () => {
  log.length = 0
  await database.exec(`truncate presence_settings, user_last_seen, presence_events, contacts,
    team_members, presence_sessions`)
})

const service = () => createSupabasePresenceStore(supabaseClient(URL, DEV_SERVICE_ROLE_KEY))
const asUser = async (sub: string, expiresInSeconds = 3600) =>
  createSupabasePresenceStore(
    supabaseClient(
      URL,
      DEV_ANON_KEY,
      await createAccessToken({ claims: { sub }, expiresInSeconds }),
    ),
  )
const last = () => {
  const { method, path, query, prefer, accept, body, status } = log.at(-1)!
  return { method, path, query, prefer, accept, body, status }
}
const caught = (work: Promise<unknown>) =>
  work.then(
    () => expect.unreachable('should have failed'),
    (error: unknown) => error as SupabaseStoreError,
  )

describe('requests, as PostgREST receives them', () => {
  it('reads settings with a filtered select, and merges a patch with one upsert', async () => {
    const store = service()
    await store.getSettings('u-ana')
    expect(last()).toEqual({
      method: 'GET',
      path: '/presence_settings',
      query: [
        ['select', 'visibility,show_last_seen,show_activity,appear_offline'],
        ['user_id', 'eq.u-ana'],
      ],
      prefer: null,
      accept: null,
      body: undefined,
      status: 200,
    })
    await store.updateSettings('u-ana', { showActivity: false }, T0)
    expect(last()).toEqual({
      method: 'POST',
      path: '/presence_settings',
      query: [
        ['on_conflict', 'user_id'],
        ['select', 'visibility,show_last_seen,show_activity,appear_offline'],
      ],
      prefer: 'resolution=merge-duplicates, return=representation',
      accept: 'application/vnd.pgrst.object+json',
      body: { user_id: 'u-ana', show_activity: false, updated_at: '2026-06-13T09:00:00.000Z' },
      status: 201,
    })
  })

  it('calls the migrations’ functions with named arguments', async () => {
    const store = service()
    await store.recordStatus({
      userId: 'u-ana',
      status: 'busy',
      at: T0,
      customStatus: { text: 'Ceremony', emoji: '💍', expiresAt: T0 + 1 },
    })
    // A report: the user's row and sessions in one read, then one version-checked write.
    expect(log.map((r) => r.path)).toEqual([
      '/rpc/presence_session_state',
      '/rpc/presence_session_write',
    ])
    expect(log[0]).toMatchObject({ method: 'POST', body: { p_user_id: 'u-ana' }, status: 200 })
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/rpc/presence_session_write',
      body: {
        p_user_id: 'u-ana',
        p_version: null,
        p_status: 'busy',
        p_status_changed_at: T0,
        p_last_seen_at: T0,
        p_custom_text: 'Ceremony',
        p_custom_emoji: '💍',
        p_custom_expires_at: T0 + 1,
        p_activity: null,
        p_session_id: '',
        // JSON, not a string holding JSON: PostgREST hands it to the jsonb argument as is.
        p_inputs: {
          automatic: 'online',
          manual: { status: 'busy', at: T0 },
          custom: { status: { text: 'Ceremony', emoji: '💍', expiresAt: T0 + 1 }, at: T0 },
        },
        p_hidden: false,
        p_reported_at: T0,
        p_lease_until: T0 + 30_000,
        p_expired: [],
        p_record: true,
        p_from_status: null,
        p_at: T0,
        p_not_after: null,
        p_end_session: null,
        // The custom status expires first: that is when the sweeper looks again.
        p_sweep_at: T0 + 1,
        p_changes_at: T0 + 1,
      },
      status: 200,
    })
    log.length = 0
    // A heartbeat of a live session renews its lease alone: one request.
    await store.recordHeartbeat('u-ana', T0 + 5, { leaseUntil: T0 + 60_000 })
    expect(log.map((r) => [r.path, r.body])).toEqual([
      [
        '/rpc/presence_session_heartbeat',
        { p_user_id: 'u-ana', p_session_id: '', p_at: T0 + 5, p_lease_until: T0 + 60_000 },
      ],
    ])
    log.length = 0
    await store.sweepSessions!(T0 + 10, { limit: 7 })
    expect(log.map((r) => [r.path, r.body])).toEqual([
      ['/rpc/presence_sweep_claim', { p_now: T0 + 10, p_claim_until: T0 + 30_010, p_limit: 7 }],
      ['/rpc/presence_session_state', { p_user_id: 'u-ana' }],
      ['/rpc/presence_session_write', expect.objectContaining({ p_version: 1, p_at: T0 + 10 })],
      ['/rpc/presence_sessions_remove_expired', { p_before: T0 + 10 - 10 * 60_000 }],
    ])
    await store.presenceFor('u-ben', ['u-ana', 'u-ana'])
    expect(last()).toMatchObject({
      path: '/rpc/presence_targets',
      body: { p_viewer: 'u-ben', p_user_ids: ['u-ana', 'u-ana'] },
    })
    expect(await store.pruneEvents(T0 + 1)).toBe(1)
    expect(last()).toMatchObject({
      path: '/rpc/prune_presence_events',
      body: { p_before: '2026-06-13T09:00:00.001Z' },
    })
  })

  it('computes again from fresh data when another instance wrote the user in between', async () => {
    // Two stores, as two servers: the in-process queue does not order them.
    const first = service()
    const second = service()
    let raced = false
    server.use(
      http.post(`${URL}/rest/v1/rpc/presence_session_write`, async () => {
        if (raced) return undefined
        raced = true
        // The other instance writes between this one's read and its write (then this one's
        // request goes on to PostgREST, falling through to the emulator).
        await second.recordStatus({
          userId: 'u-ana',
          sessionId: 'laptop',
          status: 'busy',
          session: { automatic: 'online', manual: { status: 'busy', at: T0 } },
          at: T0,
        })
        return undefined
      }),
    )
    const result = await first.recordStatus({
      userId: 'u-ana',
      sessionId: 'phone',
      status: 'online',
      session: { automatic: 'online' },
      at: T0 + 1,
    })
    const writes = log.filter((r) => r.path === '/rpc/presence_session_write')
    // The laptop's write, this one's refused write (version null: the laptop's came first),
    // then this one's write computed again over both sessions.
    expect(writes.map((r) => (r.body as { p_session_id: string }).p_session_id)).toEqual([
      'laptop',
      'phone',
      'phone',
    ])
    expect(writes.map((r) => (r.body as { p_version: number | null }).p_version)).toEqual([
      null,
      null,
      1,
    ])
    // Busy on the laptop wins over online on the phone; the transition was the laptop's, once.
    expect(result.presence.status).toBe('busy')
    expect(result.transition).toBeUndefined()
    expect((await first.statusEvents('u-ana')).map((e) => [e.from, e.to])).toEqual([[null, 'busy']])
    expect((await first.sessionsOf!('u-ana')).map((x) => x.sessionId)).toEqual(['laptop', 'phone'])
  })

  it('two instances reporting one user and sweeping at once record each transition once', async () => {
    const first = service()
    const second = service()
    const devices = Array.from({ length: 8 }, (_, i) => `device-${i}`)
    // Every device reports at once, half through each instance; half of them idle.
    await Promise.all(
      devices.map((sessionId, i) =>
        (i % 2 ? second : first).recordStatus({
          userId: 'u-ana',
          sessionId,
          status: i < 4 ? 'online' : 'idle',
          session: { automatic: i < 4 ? 'online' : 'idle' },
          at: T0,
          leaseUntil: T0 + (i < 4 ? 30_000 : 60_000),
        }),
      ),
    )
    expect((await first.sessionsOf!('u-ana')).map((x) => x.sessionId).sort()).toEqual(devices)
    expect((await second.statusEvents('u-ana')).map((e) => e.to)).toEqual(['online'])
    const sweeps = await Promise.all([
      first.sweepSessions!(T0 + 30_000),
      second.sweepSessions!(T0 + 30_000),
      first.sweepSessions!(T0 + 30_000),
      second.sweepSessions!(T0 + 30_000),
    ])
    // One of them claimed the user; the others found nothing due.
    expect(sweeps.map((r) => r.users).sort()).toEqual([0, 0, 0, 1])
    expect(sweeps.flatMap((r) => r.transitions).map((e) => [e.from, e.to])).toEqual([
      ['online', 'idle'],
    ])
    await Promise.all([first.sweepSessions!(T0 + 60_000), second.sweepSessions!(T0 + 60_000)])
    const events = await second.statusEvents('u-ana')
    expect(events.map((e) => e.to)).toEqual(['online', 'idle', 'offline'])
    for (let i = 1; i < events.length; i++) expect(events[i]?.from).toBe(events[i - 1]?.to)
  })

  it('lets the database refuse a report that reaches it past its notAfter', async () => {
    // This process's clock an hour behind: the report passes the store's own check before it
    // leaves, as one that stalls on the way would; the database's clock is the one that counts.
    const realNow = Date.now()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(realNow - 3_600_000)
    try {
      const refused = await caught(
        service().recordStatus({
          userId: 'u-late',
          status: 'busy',
          at: T0,
          notAfter: Date.now() + 60_000,
        }),
      )
      expect(refused).toBeInstanceOf(SupabaseStoreError)
      expect(refused.message).toMatch(/^recordStatus: past its deadline/)
    } finally {
      vi.useRealTimers()
    }
    expect(last()).toMatchObject({ path: '/rpc/presence_session_write', status: 200 })
    expect(await database.query('select count(*)::int as n from user_last_seen')).toEqual([
      { n: 0 },
    ])
    expect(await database.query('select count(*)::int as n from presence_sessions')).toEqual([
      { n: 0 },
    ])
  })

  it('filters transitions by time with gte/lt, ordered and limited', async () => {
    await service().statusEvents('u-ana', { since: T0, until: T0 + 60_000, limit: 5 })
    expect(last().query).toEqual([
      ['select', 'from_status,to_status,occurred_at'],
      ['user_id', 'eq.u-ana'],
      ['occurred_at', 'gte.2026-06-13T09:00:00.000Z'],
      ['occurred_at', 'lt.2026-06-13T09:01:00.000Z'],
      ['order', 'occurred_at.asc,id.asc'],
      ['limit', '5'],
    ])
  })

  it('writes memberships and contacts idempotently with on_conflict, deletes with filters', async () => {
    const store = service()
    await store.addTeamMember({ teamId: 'wedding:123', userId: 'u-ana' })
    expect(last()).toMatchObject({
      path: '/team_members',
      query: [['on_conflict', 'team_id,user_id']],
      prefer: 'resolution=merge-duplicates',
      body: { team_id: 'wedding:123', user_id: 'u-ana', role: null },
      status: 201,
    })
    await store.addContact('u-ana', 'u-ben')
    expect(last()).toMatchObject({ prefer: 'resolution=ignore-duplicates', status: 201 })
    await store.removeContact('u-ana', 'u-ben')
    expect(last()).toMatchObject({
      method: 'DELETE',
      path: '/contacts',
      query: [
        ['user_id', 'eq.u-ana'],
        ['contact_id', 'eq.u-ben'],
      ],
      status: 204,
    })
  })

  it('pages team members past PostgREST’s 1,000-row cap and sorts them by code point', async () => {
    await database.exec(`insert into team_members (team_id, user_id)
      select 'big', 'u-' || lpad(i::text, 4, '0') from generate_series(1, 1500) i;
      insert into team_members (team_id, user_id) values ('big', 'U-ZED')`)
    const members = await service().teamMembers('big')
    expect(members).toHaveLength(1501)
    expect(members[0]?.userId).toBe('U-ZED')
    expect(members.at(-1)?.userId).toBe('u-1500')
    expect(log.filter((r) => r.path === '/team_members').map((r) => r.query.at(-1))).toEqual([
      ['limit', '1000'],
      ['limit', '1000'],
    ])
  })
})

describe('a user’s token: the policies decide', () => {
  it('records, reads and clears only the user’s own rows', async () => {
    const ana = await asUser('u-ana')
    // Status reports are the server's (sessions, aggregated): the service role's alone.
    const result = await service().recordStatus({ userId: 'u-ana', status: 'online', at: T0 })
    expect(result.transition).toEqual({ userId: 'u-ana', from: null, to: 'online', at: T0 })
    await ana.updateSettings('u-ana', { visibility: 'contacts' }, T0)
    expect(log.at(-1)?.role).toBe('authenticated')
    expect(await ana.getSettings('u-ana')).toMatchObject({ visibility: 'contacts' })
    expect((await ana.statusEvents('u-ana')).map((e) => e.to)).toEqual(['online'])
    await ana.addContact('u-ana', 'u-ben')
    expect(await database.query('select * from contacts')).toEqual([
      { user_id: 'u-ana', contact_id: 'u-ben' },
    ])
    // Another user's settings read as the defaults: the row is not visible to ana.
    await service().updateSettings('u-ben', { visibility: 'nobody' }, T0)
    expect(await ana.getSettings('u-ben')).toMatchObject({ visibility: 'everyone' })
  })

  it('refuses session writes, even their own, and writes for another user with 403', async () => {
    const ana = await asUser('u-ana')
    for (const write of [
      () => ana.recordStatus({ userId: 'u-ana', status: 'busy', at: T0 }),
      () => ana.recordHeartbeat('u-ana', T0),
      () => ana.endSession!('u-ana', 'phone', T0),
      () => ana.sweepSessions!(T0),
      () => ana.sessionsOf!('u-ana'),
      () => ana.recordStatus({ userId: 'u-ben', status: 'busy', at: T0 }),
      () => ana.recordHeartbeat('u-ben', T0),
      () => ana.updateSettings('u-ben', { appearOffline: true }, T0),
      () => ana.addContact('u-ben', 'u-ana'),
      () => ana.addTeamMember({ teamId: 'wedding:123', userId: 'u-ana' }),
    ]) {
      const error = await caught(write())
      expect(error).toBeInstanceOf(SupabaseStoreError)
      expect(error).toMatchObject({ code: '42501', status: 403 })
    }
    expect(await database.query('select count(*)::int as n from user_last_seen')).toEqual([
      { n: 0 },
    ])
    expect(await database.query('select count(*)::int as n from presence_sessions')).toEqual([
      { n: 0 },
    ])
    // presence_targets reads other users' settings: the service role's alone.
    expect(await caught(ana.presenceFor('u-ana', ['u-ben']))).toMatchObject({ status: 403 })
  })

  it('reports an expired token as PostgREST does (401 PGRST303)', async () => {
    const expired = await asUser('u-ana', -60)
    expect(await caught(expired.getSettings('u-ana'))).toMatchObject({
      code: 'PGRST303',
      status: 401,
      message: 'getSettings: JWT expired',
    })
  })
})

describe('failures become SupabaseStoreError', () => {
  it('carries the constraint a write broke', async () => {
    const error = await caught(service().addContact('u-ana', 'u-ana'))
    expect(error).toMatchObject({
      name: 'SupabaseStoreError',
      code: '23514',
      status: 400,
      details: 'Failing row contains (u-ana, u-ana).',
      message:
        'addContact: new row for relation "contacts" violates check constraint "contacts_check"',
    })
    expect(
      await caught(service().recordStatus({ userId: 'u', status: 'gone' as never, at: T0 })),
    ).toMatchObject({ code: '23514', status: 400 })
  })

  it('refuses a schema the API does not expose (406 PGRST106)', async () => {
    const store = createSupabasePresenceStore(supabaseClient(URL, DEV_SERVICE_ROLE_KEY), {
      schema: 'private',
    })
    expect(await caught(store.ping())).toMatchObject({ code: 'PGRST106', status: 406 })
  })

  it('reports a network failure with status 0 (the request never got an answer)', async () => {
    // A POST, which supabase-js does not retry (a GET would be retried with backoff first).
    server.use(http.all(`${URL}/rest/v1/*`, () => HttpResponse.error()))
    expect(await caught(service().recordHeartbeat('u-ana', T0))).toMatchObject({
      code: '',
      status: 0,
    })
  })

  it('rejects answers the migrations cannot produce instead of passing them on', async () => {
    // Not PostgREST: answers no correct database gives, to check the store's own guards.
    server.use(
      http.post(`${URL}/rest/v1/rpc/presence_session_state`, () => HttpResponse.json([])),
      http.get(`${URL}/rest/v1/presence_events`, () =>
        HttpResponse.json([{ from_status: null, to_status: 'online', occurred_at: 'yesterday' }]),
      ),
    )
    const store = service()
    expect(
      await caught(store.recordStatus({ userId: 'u', status: 'online', at: T0 })),
    ).toMatchObject({ message: 'recordStatus: no row returned' })
    expect(await caught(store.statusEvents('u'))).toMatchObject({
      message: 'statusEvents: unreadable time yesterday',
    })
  })

  it('leaves out a stored activity that no longer parses', async () => {
    await database.exec(`insert into user_last_seen (user_id, last_seen_at, last_status,
      status_changed_at, activity) values ('u-ana', now(), 'online', now(), '{"action": 42}')`)
    const [target] = await service().presenceFor('u-ben', ['u-ana'])
    expect(target?.presence?.status).toBe('online')
    expect(target?.presence).not.toHaveProperty('activity')
  })

  it('closes through onClose only', async () => {
    let closed = 0
    const store = createSupabasePresenceStore(supabaseClient(URL, DEV_SERVICE_ROLE_KEY), {
      onClose: async () => {
        closed++
      },
    })
    await store.close()
    expect(closed).toBe(1)
    await createSupabasePresenceStore(supabaseClient(URL, DEV_SERVICE_ROLE_KEY)).close()
  })
})
