/**
 * The examples start and answer: the Node server (PGlite by default; Postgres + Redis from the
 * environment), the Next.js route and the Supabase Edge Function against the local Postgres.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import { afterAll, describe, expect, it, vi } from 'vitest'
import {
  DATABASE_URL,
  dropSchema,
  REDIS_URL,
  SECRET,
  schemaName,
  testPool,
  tokenFor,
} from '../test/support.js'

const admin = testPool(2)
const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(admin, schema)
  await admin.end()
})

const clock = createFakeClock(Date.now())
const auth = async (userId: string) => ({
  authorization: `Bearer ${await tokenFor(userId, clock)}`,
})

describe('examples/node-server.mjs', () => {
  it('starts on PGlite and answers /health and a status update', async () => {
    const { start } = await import('../examples/node-server.mjs')
    const server = await start({ env: { SUPABASE_JWT_SECRET: SECRET }, port: 0 })
    try {
      const health = await fetch(`${server.url}/health`)
      expect(health.status).toBe(200)
      expect(await health.json()).toEqual({
        status: 'ok',
        checks: { store: 'ok', rateLimiter: 'ok', heartbeatLimiter: 'ok' },
      })
      const update = await fetch(`${server.url}/presence/status`, {
        method: 'POST',
        headers: { ...(await auth('u-ana')), 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'busy' }),
      })
      expect(update.status).toBe(200)
      const seen = await fetch(`${server.url}/presence/last-seen?userIds=u-ana`, {
        headers: await auth('u-ben'),
      })
      expect((await seen.json()).users[0].status).toBe('busy')
    } finally {
      await server.close()
    }
  }, 120_000)

  it('uses Postgres and Redis when DATABASE_URL and REDIS_URL are set', async () => {
    const { start } = await import('../examples/node-server.mjs')
    const schema = schemaName('example')
    schemas.push(schema)
    const server = await start({
      env: { DATABASE_URL, REDIS_URL, PRESENCE_SCHEMA: schema, SUPABASE_JWT_SECRET: SECRET },
      port: 0,
    })
    try {
      const health = await fetch(`${server.url}/health`)
      expect(await health.json()).toEqual({
        status: 'ok',
        checks: { store: 'ok', rateLimiter: 'ok', heartbeatLimiter: 'ok' },
      })
      const { rows } = await admin.query(
        `select count(*)::int as n from "${schema}".presence_migrations`,
      )
      expect(rows[0].n).toBeGreaterThan(0)
    } finally {
      await server.close()
    }
  }, 60_000)
})

describe('examples/next-app-router/route.ts', () => {
  it('serves /api/health and /api/presence/* through GET/POST/PUT exports', async () => {
    const schema = schemaName('next')
    schemas.push(schema)
    Object.assign(process.env, {
      DATABASE_URL,
      PRESENCE_SCHEMA: schema,
      SUPABASE_JWT_SECRET: SECRET,
    })
    const route = await import('../examples/next-app-router/route.js')
    expect((await route.GET(new Request('http://app.test/api/health'))).status).toBe(200)
    const put = await route.PUT(
      new Request('http://app.test/api/presence/settings', {
        method: 'PUT',
        headers: await auth('u-ana'),
        body: JSON.stringify({ visibility: 'team' }),
      }),
    )
    expect(await put.json()).toEqual({
      settings: {
        visibility: 'team',
        showLastSeen: true,
        showActivity: true,
        appearOffline: false,
      },
    })
    const post = await route.POST(
      new Request('http://app.test/api/presence/status', {
        method: 'POST',
        headers: await auth('u-ana'),
        body: '{"status":"online"}',
      }),
    )
    expect(post.status).toBe(200)
  }, 60_000)
})

describe('examples/next-app-router/route.ts without DATABASE_URL', () => {
  it('keeps presence in memory for local development, and says so', async () => {
    vi.resetModules()
    const saved = process.env.DATABASE_URL
    delete process.env.DATABASE_URL
    process.env.SUPABASE_JWT_SECRET = SECRET
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const route = await import('../examples/next-app-router/route.js')
      expect((await route.GET(new Request('http://app.test/api/health'))).status).toBe(200)
      const post = await route.POST(
        new Request('http://app.test/api/presence/status', {
          method: 'POST',
          headers: await auth('u-ana'),
          body: '{"status":"busy"}',
        }),
      )
      expect(post.status).toBe(200)
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/DATABASE_URL is not set/))
    } finally {
      warn.mockRestore()
      if (saved !== undefined) process.env.DATABASE_URL = saved
    }
  })
})

describe('examples/supabase-edge/index.ts', () => {
  it('answers under the function name with the project database', async () => {
    const schema = schemaName('edge')
    schemas.push(schema)
    const { createHandler } = await import('../examples/supabase-edge/index.js')
    const env = new Map([
      ['SUPABASE_DB_URL', DATABASE_URL],
      ['SUPABASE_JWT_SECRET', SECRET],
      ['PRESENCE_SCHEMA', schema],
    ])
    const handlers = await createHandler({ get: (name) => env.get(name) })
    const health = await handlers.fetch(new Request('http://edge.test/presence-api/health'))
    expect(health.status).toBe(200)
    const beat = await handlers.fetch(
      new Request('http://edge.test/presence-api/presence/heartbeat', {
        method: 'POST',
        headers: await auth('u-ana'),
      }),
    )
    expect(beat.status).toBe(204)
    const unauthenticated = await handlers.fetch(
      new Request('http://edge.test/presence-api/presence/settings'),
    )
    expect(unauthenticated.status).toBe(401)
  }, 60_000)
})
