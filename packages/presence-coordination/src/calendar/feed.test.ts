/**
 * The feed helper against a real HTTP server on a free local port (node:http) serving ICS files:
 * conditional requests, caching, redirects, failures. The fake clock drives the minimum interval
 * and the timeout.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isPresenceServerError } from '@wedsync/presence-server'
import { createFakeClock } from '@wedsync/presence-testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FLORIST_ICS, PHOTOGRAPHER_ICS } from '../../test/calendars.js'
import { createCalendarFeed } from './feed.js'

interface Served {
  status?: number
  body?: string
  headers?: Record<string, string>
  /** Never answer (a hung server). */
  hang?: boolean
}

let server: Server
let base = ''
const routes = new Map<string, Served>()
const seen: { path: string; headers: IncomingMessage['headers'] }[] = []
const hung: (() => void)[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers })
    const route = routes.get(req.url ?? '') ?? { status: 404, body: 'no' }
    if (route.hang) {
      hung.push(() => res.destroy())
      return
    }
    const headers = route.headers ?? {}
    const etag = headers.etag
    const modified = headers['last-modified']
    if (
      (etag && req.headers['if-none-match'] === etag) ||
      (!etag && modified && req.headers['if-modified-since'] === modified)
    ) {
      res.writeHead(304, headers).end()
      return
    }
    res.writeHead(route.status ?? 200, { 'content-type': 'text/calendar', ...headers })
    res.end(route.body ?? '')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  for (const end of hung) end()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  routes.clear()
  seen.length = 0
})

const local = (url: URL) => url.protocol === 'http:' && url.hostname === '127.0.0.1'
const FROM = Date.UTC(2026, 3, 8) // the photographer's April events are within the default month

function feed(path: string, more: Partial<Parameters<typeof createCalendarFeed>[0]> = {}) {
  const clock = createFakeClock(FROM)
  return {
    clock,
    feed: createCalendarFeed({
      url: `${base}${path}`,
      clock,
      scheduler: clock,
      allowUrl: local,
      ...more,
    }),
  }
}

async function failure(work: Promise<unknown>): Promise<string | undefined> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  )
  return isPresenceServerError(error) ? error.code : String(error)
}

describe('createCalendarFeed', () => {
  it('fetches, serves from cache within the interval, then revalidates with If-None-Match', async () => {
    routes.set('/sam.ics', { body: PHOTOGRAPHER_ICS, headers: { etag: '"v1"' } })
    const { clock, feed: sam } = feed('/sam.ics', { minIntervalMs: 60_000 })
    const first = await sam.get()
    expect(first.source).toBe('fetched')
    expect(first.calendar.name).toBe('Sam (photographer)')
    expect(first.events.map((e) => e.uid)).toEqual([
      'dentist@test',
      'visit@test',
      'ceremony@test',
      'fair@test',
    ])
    expect(seen).toHaveLength(1)
    expect(seen[0]!.headers['if-none-match']).toBeUndefined()

    expect((await sam.get()).source).toBe('cached')
    expect(seen).toHaveLength(1)

    await clock.advance(60_000)
    const again = await sam.get()
    expect(again).toMatchObject({
      source: 'not-modified',
      fetchedAt: FROM,
      checkedAt: FROM + 60_000,
    })
    expect(again.events).toHaveLength(4)
    expect(seen[1]!.headers['if-none-match']).toBe('"v1"')

    routes.set('/sam.ics', { body: FLORIST_ICS, headers: { etag: '"v2"' } })
    const changed = await sam.get({ force: true })
    expect(changed.source).toBe('fetched')
    expect(changed.calendar.name).toBeUndefined()
  })

  it('revalidates with If-Modified-Since when there is no ETag', async () => {
    const modified = 'Wed, 01 Apr 2026 10:00:00 GMT'
    routes.set('/lm.ics', { body: PHOTOGRAPHER_ICS, headers: { 'last-modified': modified } })
    const { feed: lm } = feed('/lm.ics')
    await lm.get()
    expect((await lm.get({ force: true })).source).toBe('not-modified')
    expect(seen[1]!.headers['if-modified-since']).toBe(modified)
  })

  it('serves the last good copy, marked stale, when a refresh fails', async () => {
    routes.set('/flaky.ics', { body: PHOTOGRAPHER_ICS })
    const { clock, feed: flaky } = feed('/flaky.ics', { minIntervalMs: 1_000 })
    await flaky.get()
    routes.set('/flaky.ics', { status: 503, body: 'down' })
    const stale = await flaky.get({ force: true })
    expect(stale.source).toBe('stale')
    expect(stale.error?.code).toBe('PRESENCE_CALENDAR_UNAVAILABLE')
    expect(stale.events).toHaveLength(4)
    // Within the interval after a failure: no new request, still stale.
    expect((await flaky.get()).source).toBe('stale')
    expect(seen).toHaveLength(2)
    // Not a calendar: the good copy stays.
    routes.set('/flaky.ics', { body: '<html>login</html>' })
    await clock.advance(1_000)
    expect(await flaky.get()).toMatchObject({
      source: 'stale',
      error: { code: 'PRESENCE_PAYLOAD_INVALID' },
    })
    routes.set('/flaky.ics', { body: PHOTOGRAPHER_ICS })
    await clock.advance(1_000)
    expect((await flaky.get()).source).toBe('fetched')
  })

  it('fails with a typed error when there is nothing to fall back on', async () => {
    routes.set('/missing.ics', { status: 404, body: 'no' })
    expect(await failure(feed('/missing.ics').feed.get())).toBe('PRESENCE_CALENDAR_UNAVAILABLE')
    routes.set('/html.ics', { body: '<html></html>' })
    expect(await failure(feed('/html.ics').feed.get())).toBe('PRESENCE_PAYLOAD_INVALID')
    routes.set('/big.ics', { body: PHOTOGRAPHER_ICS })
    expect(await failure(feed('/big.ics', { maxBytes: 200 }).feed.get())).toBe(
      'PRESENCE_CALENDAR_UNAVAILABLE',
    )
  })

  it('follows redirects only to allowed URLs', async () => {
    routes.set('/old.ics', { status: 301, headers: { location: '/new.ics' } })
    routes.set('/new.ics', { body: PHOTOGRAPHER_ICS })
    expect((await feed('/old.ics').feed.get()).source).toBe('fetched')
    routes.set('/evil.ics', { status: 302, headers: { location: 'http://169.254.169.254/latest' } })
    expect(await failure(feed('/evil.ics').feed.get())).toBe('PRESENCE_FORBIDDEN')
    routes.set('/loop.ics', { status: 302, headers: { location: '/loop.ics' } })
    expect(await failure(feed('/loop.ics').feed.get())).toBe('PRESENCE_CALENDAR_UNAVAILABLE')
  })

  it('gives up on a server that does not answer', async () => {
    routes.set('/hang.ics', { hang: true })
    const { clock, feed: hang } = feed('/hang.ics', { timeoutMs: 5_000 })
    const pending = failure(hang.get())
    while (seen.length === 0) await clock.flush()
    await clock.advance(5_000)
    expect(await pending).toBe('PRESENCE_CALENDAR_UNAVAILABLE')
  })

  it('takes https and webcal URLs only, by default', () => {
    const clock = createFakeClock()
    expect(() => createCalendarFeed({ url: `${base}/x.ics`, clock })).toThrow(/not allowed/)
    expect(() => createCalendarFeed({ url: 'not a url', clock })).toThrow(/not a URL/)
    const asked: string[] = []
    createCalendarFeed({
      url: 'webcal://calendar.example/sam.ics',
      clock,
      allowUrl: (u) => asked.push(u.href) > 0,
    })
    expect(asked).toEqual(['https://calendar.example/sam.ics'])
  })
})
