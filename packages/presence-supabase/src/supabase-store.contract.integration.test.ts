/**
 * createSupabasePresenceStore against presence-server's PresenceStore contract, and the
 * presence-server pieces on the same Supabase-migrated database. PostgREST cannot run here: the
 * requests supabase-js makes are answered by msw handlers that run the SQL PostgREST would run on
 * the real Postgres (test/test-postgrest.ts), with the role and claims of the request's JWT.
 */
import {
  createJwtAuthenticator,
  createPresenceHandlers,
  createRateLimiter,
} from '@wedsync/presence-server'
import { runPresenceStoreContract } from '@wedsync/presence-server/contract'
import { createPostgresStore, migratePostgres } from '@wedsync/presence-server/postgres'
import { createFakeClock } from '@wedsync/presence-testing'
import {
  createAccessToken,
  DEV_JWT_SECRET,
  DEV_SERVICE_ROLE_KEY,
} from '@wedsync/presence-testing/server'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgrestHandlers, supabaseClient } from '../test/test-postgrest.js'
import { postgresDatabase } from '../test/test-supabase-db.js'
import { createSupabasePresenceStore } from './supabase-store.js'

const SUPABASE_URL = 'http://supabase.test'
const database = await postgresDatabase('store')
const server = setupServer(
  ...postgrestHandlers({ url: SUPABASE_URL, pool: database.pool, jwtSecret: DEV_JWT_SECRET }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(async () => {
  server.close()
  await database.close()
})

/** An edge function's client: the service-role key. */
const serviceClient = () => supabaseClient(SUPABASE_URL, DEV_SERVICE_ROLE_KEY)

async function emptyTables() {
  await database.exec(`truncate presence_settings, user_last_seen, presence_events, contacts,
    team_members, presence_sessions`)
}

runPresenceStoreContract('supabase-js over PostgREST (msw, real Postgres)', async () => {
  await emptyTables()
  return { store: createSupabasePresenceStore(serviceClient()) }
})

describe('presence-server on a Supabase database', () => {
  it("finds the server's migrations applied (the copies record themselves in its ledger)", async () => {
    expect((await migratePostgres(database.pool, 'public')).applied).toEqual([])
  })

  it("the server's Postgres store and the Supabase store read each other's writes", async () => {
    await emptyTables()
    const direct = await createPostgresStore({ pool: database.pool, migrate: false })
    const viaApi = createSupabasePresenceStore(serviceClient())
    const T0 = Date.UTC(2026, 5, 13, 9)
    await direct.recordStatus({ userId: 'u-ana', status: 'busy', at: T0 })
    await viaApi.recordStatus({ userId: 'u-ana', status: 'online', at: T0 + 1_000 })
    await viaApi.addTeamMember({ teamId: 'wedding:123', userId: 'u-ana', role: 'planner' })
    expect(await direct.statusEvents('u-ana')).toEqual(await viaApi.statusEvents('u-ana'))
    expect((await direct.statusEvents('u-ana')).map((e) => [e.from, e.to])).toEqual([
      [null, 'busy'],
      ['busy', 'online'],
    ])
    expect(await direct.teamMembers('wedding:123')).toEqual(await viaApi.teamMembers('wedding:123'))
    expect(await viaApi.presenceFor('u-ben', ['u-ana'])).toEqual(
      await direct.presenceFor('u-ben', ['u-ana']),
    )
    await direct.close()
  })

  it('serves the presence API (presence-server handlers) from the Supabase store', async () => {
    await emptyTables()
    const clock = createFakeClock()
    const store = createSupabasePresenceStore(serviceClient())
    const handlers = createPresenceHandlers({
      store,
      clock,
      authenticate: createJwtAuthenticator({ secret: DEV_JWT_SECRET, clock }),
      rateLimiter: createRateLimiter({ clock }),
    })
    const call = async (sub: string, method: string, path: string, body?: unknown) => {
      const token = await createAccessToken({
        now: clock.now(),
        claims: { sub, aud: 'authenticated' },
      })
      return handlers.fetch(
        new Request(`http://presence.test${path}`, {
          method,
          headers: { authorization: `Bearer ${token}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      )
    }
    await store.addTeamMember({ teamId: 'wedding:123', userId: 'u-ana' })
    await store.addTeamMember({ teamId: 'wedding:123', userId: 'u-ben' })
    const status = await call('u-ben', 'POST', '/presence/status', {
      status: 'online',
      activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
    })
    expect(status.status).toBe(200)
    expect((await call('u-ben', 'PUT', '/presence/settings', { visibility: 'team' })).status).toBe(
      200,
    )
    const seen = await call('u-ana', 'GET', '/presence/last-seen?userIds=u-ben')
    expect(await seen.json()).toMatchObject({
      users: [
        {
          userId: 'u-ben',
          status: 'online',
          lastSeenAt: clock.now(),
          activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
        },
      ],
    })
    const outsider = await call('u-eve', 'GET', '/presence/last-seen?userIds=u-ben')
    expect(await outsider.json()).toMatchObject({ users: [{ userId: 'u-ben', status: 'offline' }] })
    const team = await call('u-ana', 'GET', '/presence/teams/wedding%3A123/availability')
    expect(await team.json()).toMatchObject({ total: 2, counts: { online: 1 } })
    expect((await call('u-eve', 'GET', '/health')).status).toBe(200)
  })
})
