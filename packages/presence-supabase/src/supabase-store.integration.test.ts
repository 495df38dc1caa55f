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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
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
    team_members`)
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
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/rpc/presence_record_status',
      body: {
        p_user_id: 'u-ana',
        p_at: T0,
        p_status: 'busy',
        p_set_custom: true,
        p_custom_text: 'Ceremony',
        p_custom_emoji: '💍',
        p_custom_expires_at: T0 + 1,
        p_set_activity: false,
        p_activity: null,
      },
      status: 200,
    })
    await store.recordHeartbeat('u-ana', T0 + 5)
    expect(last()).toMatchObject({
      path: '/rpc/presence_record_heartbeat',
      body: { p_user_id: 'u-ana', p_at: T0 + 5 },
    })
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
    const result = await ana.recordStatus({ userId: 'u-ana', status: 'online', at: T0 })
    expect(result.transition).toEqual({ userId: 'u-ana', from: null, to: 'online', at: T0 })
    expect(log.at(-1)?.role).toBe('authenticated')
    await ana.updateSettings('u-ana', { visibility: 'contacts' }, T0)
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

  it('refuses writes for another user with 403 and the policy’s error', async () => {
    const ana = await asUser('u-ana')
    for (const write of [
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
      http.post(`${URL}/rest/v1/rpc/presence_record_status`, () => HttpResponse.json([])),
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
