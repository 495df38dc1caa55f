/**
 * The seams other packages join the handlers through: the status-transition hook, extensions'
 * routes (served under the core's auth, limits, metrics and error answers) and their hooks.
 */
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import { PresenceServerError } from '../errors.js'
import { createRateLimiter } from '../rate-limit/rate-limiter.js'
import { json, readJson } from './bodies.js'
import type { PresenceExtension, StatusTransition } from './extensions.js'

/** A list and a promise of its first `n` items: the hooks run after the answer, not before it. */
function collect<T>(n: number) {
  const items: T[] = []
  let done!: (items: T[]) => void
  const first = new Promise<T[]>((resolve) => {
    done = resolve
  })
  const push = (item: T) => {
    items.push(item)
    if (items.length === n) done(items.slice())
  }
  return { items, push, first }
}

describe('onStatusChange', () => {
  it('is told about recorded transitions only, with the time they were recorded at', async () => {
    const seen = collect<StatusTransition>(2)
    const server = testServer({ onStatusChange: seen.push })
    await server.call('u-ana', 'POST', '/presence/status', { status: 'busy' })
    await server.call('u-ana', 'POST', '/presence/status', { status: 'busy' })
    await server.call('u-ana', 'POST', '/presence/status', { status: 'online' })
    const at = server.clock.now()
    expect(await seen.first).toEqual([
      { userId: 'u-ana', status: 'busy', at, statusChanged: true, customStatus: null },
      { userId: 'u-ana', status: 'online', at, statusChanged: true, customStatus: null },
    ])
  })

  it('is told when only the custom status changed, with the custom status in force', async () => {
    const seen = collect<StatusTransition>(3)
    const server = testServer({ onStatusChange: seen.push })
    const venue = { text: 'At the venue', emoji: '📍' }
    await server.call('u-ana', 'POST', '/presence/status', { status: 'online' })
    await server.call('u-ana', 'POST', '/presence/status', {
      status: 'online',
      customStatus: venue,
    })
    await server.call('u-ana', 'POST', '/presence/status', {
      status: 'online',
      customStatus: venue,
    })
    await server.call('u-ana', 'POST', '/presence/status', { status: 'online', customStatus: null })
    const at = server.clock.now()
    expect(await seen.first).toEqual([
      { userId: 'u-ana', status: 'online', at, statusChanged: true, customStatus: null },
      { userId: 'u-ana', status: 'online', at, statusChanged: false, customStatus: venue },
      { userId: 'u-ana', status: 'online', at, statusChanged: false, customStatus: null },
    ])
  })

  it('does not hold up the answer, and a failing hook goes to onError with the update', async () => {
    const errors = collect<[unknown, string]>(2)
    const boom = new Error('webhook down')
    const extension: PresenceExtension = { onStatusChange: () => Promise.reject(boom) }
    const server = testServer({
      onStatusChange: () => {
        throw boom
      },
      extensions: [extension],
      onError: (error, request) => errors.push([error, new URL(request.url).pathname]),
    })
    const response = await server.call('u-ana', 'POST', '/presence/status', { status: 'away' })
    expect(response.status).toBe(200)
    expect(await errors.first).toEqual([
      [boom, '/presence/status'],
      [boom, '/presence/status'],
    ])
  })
})

describe('extensions', () => {
  const echo: PresenceExtension = {
    routes: (kit) => {
      const limiter = kit.gate(createRateLimiter({ clock: kit.clock, limit: 1, prefix: 'echo:' }))
      return [
        {
          method: 'POST',
          path: '/presence/echo',
          run: async (request) => {
            const { userId } = await kit.authenticate(request)
            const body = await readJson(request, kit.maxBodyBytes)
            await kit.consume(limiter, 'echo', userId)
            const members = await kit.stored(kit.store.teamMembers('t-1'))
            return json({ userId, body, members: members.length, at: kit.clock.now() })
          },
        },
        {
          method: 'GET',
          path: '/presence/echo/:id',
          match: (path) => /^\/presence\/echo\/([^/]+)$/.exec(path)?.slice(1),
          run: async (_request, [id]) => {
            if (id === 'missing') throw new PresenceServerError('PRESENCE_NOT_FOUND')
            if (id === 'broken') throw new Error('bug')
            return json({ id })
          },
        },
      ]
    },
  }

  it('serves and lists their routes after the core ones, with the core’s auth and limits', async () => {
    const server = testServer({ extensions: [echo], maxBodyBytes: 64 })
    expect(server.handlers.routes.slice(-4).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /presence/echo',
      'GET /presence/echo/:id',
      'GET /health',
      'GET /metrics',
    ])
    const ok = await server.call('u-ana', 'POST', '/presence/echo', { hi: 1 })
    expect(await ok.json()).toEqual({
      userId: 'u-ana',
      body: { hi: 1 },
      members: 0,
      at: server.clock.now(),
    })
    expect((await server.call(null, 'POST', '/presence/echo', {})).status).toBe(401)
    expect((await server.call('u-ana', 'POST', '/presence/echo', {})).status).toBe(429)
    const big = await server.call('u-ben', 'POST', '/presence/echo', { text: 'x'.repeat(100) })
    expect(big.status).toBe(413)
    expect(server.handlers.metrics.render()).toContain('route="/presence/echo"')
    expect(server.handlers.metrics.render()).toContain(
      'presence_rate_limit_rejections_total{limiter="echo"} 1',
    )
  })

  it('matches parameters and answers errors as the core routes do', async () => {
    const errors: unknown[] = []
    const server = testServer({ extensions: [echo], onError: (e) => errors.push(e) })
    expect(await (await server.call('u-ana', 'GET', '/presence/echo/a%20b')).json()).toEqual({
      id: 'a%20b',
    })
    expect((await server.call('u-ana', 'GET', '/presence/echo/missing')).status).toBe(404)
    expect((await server.call('u-ana', 'GET', '/presence/echo/broken')).status).toBe(500)
    expect(errors).toHaveLength(1)
    expect((await server.call('u-ana', 'PUT', '/presence/echo')).headers.get('allow')).toBe('POST')
  })
})
