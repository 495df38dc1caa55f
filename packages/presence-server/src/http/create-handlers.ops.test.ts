/**
 * Routing, health, metrics and the framework recipe: what operators and frameworks see.
 */
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import { summarizeAvailability } from '../privacy/presence-view.js'
import { createMemoryRateLimitStore, createRateLimiter } from '../rate-limit/rate-limiter.js'
import { createMemoryStore } from '../stores/store-memory.js'
import { createMetrics } from './metrics.js'
import { toRouteHandlers } from './next-adapter.js'

describe('routing', () => {
  it('answers an unknown path with 404 and a known path with the wrong method with 405 + Allow', async () => {
    const { call } = testServer()
    const missing = await call('u-a', 'GET', '/presence/nope')
    expect(missing.status).toBe(404)
    expect(await missing.json()).toEqual({
      error: { code: 'PRESENCE_NOT_FOUND', message: 'Not found' },
    })
    const wrong = await call('u-a', 'DELETE', '/presence/settings')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, PUT')
  })

  it('strips a base path (Supabase functions, Next.js catch-all routes)', async () => {
    const { handlers } = testServer({ basePath: '/functions/v1/presence-api/' })
    const health = await handlers.fetch(new Request('http://x/functions/v1/presence-api/health'))
    expect(health.status).toBe(200)
    expect((await handlers.fetch(new Request('http://x/health'))).status).toBe(200)
  })

  it('mounted where the path stands for /presence (a Next.js app/api/presence catch-all)', async () => {
    const { call, handlers } = testServer({ mountPath: '/api/presence/' })
    const { GET, POST, PUT } = toRouteHandlers(handlers)
    // Health and metrics under the mount, not hidden; presence routes not doubled.
    expect((await GET(new Request('http://x/api/presence/health'))).status).toBe(200)
    expect((await GET(new Request('http://x/api/presence/metrics'))).status).toBe(200)
    const busy = await call('u-ana', 'POST', '/api/presence/status', { status: 'busy' })
    expect(busy.status).toBe(200)
    const seen = await call('u-ben', 'GET', '/api/presence/last-seen?userIds=u-ana')
    expect((await seen.json()).users[0].status).toBe('busy')
    expect(
      (await PUT(new Request('http://x/api/presence/settings', { method: 'PUT' }))).status,
    ).toBe(401)
    expect(
      (await POST(new Request('http://x/api/presence/presence/status', { method: 'POST' }))).status,
    ).toBe(404)
    expect(() => testServer({ basePath: '/api', mountPath: '/api/presence' })).toThrow(TypeError)
  })

  it('lists its routes', () => {
    const { handlers } = testServer()
    expect(handlers.routes.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /presence/status',
      'POST /presence/heartbeat',
      'POST /presence/leave',
      'GET /presence/settings',
      'PUT /presence/settings',
      'GET /presence/last-seen',
      'POST /presence/users',
      'GET /presence/teams/:teamId/availability',
      'GET /health',
      'GET /metrics',
    ])
  })

  it('serves Next.js App Router route handlers through toRouteHandlers', async () => {
    const server = testServer({ basePath: '/api' })
    const { GET, POST, PUT } = toRouteHandlers(server.handlers)
    expect((await GET(new Request('http://x/api/health'))).status).toBe(200)
    expect(
      (await POST(new Request('http://x/api/presence/status', { method: 'POST' }))).status,
    ).toBe(401)
    expect(
      (await PUT(new Request('http://x/api/presence/settings', { method: 'PUT' }))).status,
    ).toBe(401)
  })
})

describe('GET /health', () => {
  it('checks the store and the rate limiter stores', async () => {
    const { call } = testServer({
      heartbeatLimiter: createRateLimiter({ store: createMemoryRateLimitStore(), prefix: 'hb:' }),
    })
    const response = await call(null, 'GET', '/health')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { store: 'ok', rateLimiter: 'ok', heartbeatLimiter: 'ok' },
    })
  })

  it('answers 503 naming the failing check, without its error', async () => {
    const store = createMemoryStore()
    await store.close()
    const { call } = testServer({
      store,
      healthChecks: { redis: () => Promise.reject(new Error('ECONNREFUSED 127.0.0.1:6379')) },
    })
    const response = await call(null, 'GET', '/health')
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      status: 'unavailable',
      checks: { store: 'fail', rateLimiter: 'ok', heartbeatLimiter: 'ok', redis: 'fail' },
    })
  })

  it('fails a check that does not answer in time', async () => {
    const { call } = testServer({
      healthTimeoutMs: 1,
      healthChecks: { stuck: () => new Promise(() => {}) },
    })
    const response = await call(null, 'GET', '/health')
    expect(response.status).toBe(503)
    expect((await response.json()).checks.stuck).toBe('fail')
  })
})

describe('GET /metrics', () => {
  it('exposes latency, status updates, rate-limit rejections and errors as Prometheus text', async () => {
    const { call } = testServer({ rateLimiter: createRateLimiter({ limit: 1 }) })
    await call('u-a', 'POST', '/presence/status', { status: 'busy' })
    await call('u-a', 'POST', '/presence/status', { status: 'busy' }) // 429
    await call(null, 'GET', '/presence/settings') // 401
    const response = await call(null, 'GET', '/metrics')
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await response.text()
    expect(text).toContain('# TYPE presence_http_request_duration_seconds histogram')
    expect(text).toMatch(
      /presence_http_request_duration_seconds_count\{route="\/presence\/status",method="POST",status="200"\} 1/,
    )
    expect(text).toMatch(
      /presence_http_request_duration_seconds_bucket\{route="\/presence\/status",method="POST",status="429",le="\+Inf"\} 1/,
    )
    expect(text).toContain('presence_status_updates_total{status="busy"} 1')
    expect(text).toContain('presence_rate_limit_rejections_total{limiter="status"} 1')
    expect(text).toContain('presence_errors_total{code="PRESENCE_RATE_LIMITED"} 1')
    expect(text).toContain('presence_errors_total{code="PRESENCE_UNAUTHENTICATED"} 1')
  })

  it('needs the metrics token when one is set', async () => {
    const { call } = testServer({ metricsToken: 'scrape-me' })
    expect((await call(null, 'GET', '/metrics')).status).toBe(401)
    const ok = await call(null, 'GET', '/metrics', undefined, { authorization: 'Bearer scrape-me' })
    expect(ok.status).toBe(200)
  })
})

describe('createMetrics', () => {
  it('counts a request in every bucket at or above its latency and escapes labels', () => {
    const metrics = createMetrics('t')
    metrics.observeRequest('/r', 'GET', 200, 0.003)
    metrics.error('A"B\\C\nD')
    const text = metrics.render()
    expect(text).toContain(
      't_http_request_duration_seconds_bucket{route="/r",method="GET",status="200",le="0.0025"} 0',
    )
    expect(text).toContain(
      't_http_request_duration_seconds_bucket{route="/r",method="GET",status="200",le="0.005"} 1',
    )
    expect(text).toContain(
      't_http_request_duration_seconds_sum{route="/r",method="GET",status="200"} 0.003',
    )
    expect(text).toContain('t_errors_total{code="A\\"B\\\\C\\nD"} 1')
  })
})

describe('summarizeAvailability', () => {
  const counts = (online: number) => ({ online, idle: 0, away: 0, busy: 0, offline: 0 })
  it.each([
    [3, 5, '3 of 5 suppliers are online'],
    [1, 5, '1 of 5 suppliers is online'],
    [0, 1, '0 of 1 supplier is online'],
    [0, 2, '0 of 2 suppliers are online'],
    [0, 0, 'No suppliers'],
  ])('%i of %i → %s', (online, total, sentence) => {
    expect(
      summarizeAvailability(counts(online), total, { one: 'supplier', other: 'suppliers' }),
    ).toBe(sentence)
  })

  it('says members by default', () => {
    expect(summarizeAvailability(counts(1), 1)).toBe('1 of 1 member is online')
  })
})
