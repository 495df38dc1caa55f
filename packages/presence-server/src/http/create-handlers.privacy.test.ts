/**
 * What leaves through the read endpoints: last seen under every visibility setting, the lease,
 * bounded id lists, team availability, and a property test over random worlds through the
 * handlers: nothing a viewer may not see ever comes out.
 */
import type { Status } from '@wedsync/presence-core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import type { PresenceView } from '../privacy/privacy-checker.js'
import { VISIBILITIES } from '../validation/schemas.js'

type Users = { users: PresenceView[] }

/** What `viewer` reads of `ids`: through GET last-seen, checked equal to POST /presence/users. */
async function lastSeen(server: ReturnType<typeof testServer>, viewer: string, ids: string[]) {
  const response = await server.call(
    viewer,
    'GET',
    `/presence/last-seen?userIds=${ids.map(encodeURIComponent).join(',')}`,
  )
  expect(response.status).toBe(200)
  const { users } = (await response.json()) as Users
  // The bulk route answers the same, from the same code: every privacy case below covers both.
  const bulk = await server.call(viewer, 'POST', '/presence/users', { userIds: ids })
  expect(bulk.status).toBe(200)
  expect(((await bulk.json()) as Users).users).toEqual(users)
  return users
}

describe('GET /presence/last-seen', () => {
  async function world() {
    const server = testServer()
    const { call, store, clock } = server
    await call('u-florist', 'POST', '/presence/status', {
      status: 'online',
      customStatus: { text: 'At the market', emoji: '💐' },
      activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
    })
    await store.addContact('u-florist', 'u-friend') // the florist keeps u-friend as a contact
    await store.addTeamMember({ teamId: 'wedding-123', userId: 'u-florist', role: 'florist' })
    await store.addTeamMember({ teamId: 'wedding-123', userId: 'u-venue', role: 'venue' })
    return { server, call, clock }
  }

  const full = (at: number): PresenceView => ({
    userId: 'u-florist',
    status: 'online',
    lastSeenAt: at,
    customStatus: { text: 'At the market', emoji: '💐' },
    activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
  })
  const hidden: PresenceView = { userId: 'u-florist', status: 'offline' }

  it.each([
    ['everyone', { 'u-stranger': 'full', 'u-friend': 'full', 'u-venue': 'full' }],
    ['contacts', { 'u-stranger': 'hidden', 'u-friend': 'full', 'u-venue': 'hidden' }],
    ['team', { 'u-stranger': 'hidden', 'u-friend': 'hidden', 'u-venue': 'full' }],
    ['nobody', { 'u-stranger': 'hidden', 'u-friend': 'hidden', 'u-venue': 'hidden' }],
  ] as const)('visibility %s', async (visibility, expected) => {
    const { server, call, clock } = await world()
    await call('u-florist', 'PUT', '/presence/settings', { visibility })
    for (const [viewer, what] of Object.entries(expected))
      expect(await lastSeen(server, viewer, ['u-florist']), viewer).toEqual([
        what === 'full' ? full(clock.now()) : hidden,
      ])
    expect(await lastSeen(server, 'u-florist', ['u-florist'])).toEqual([full(clock.now())])
  })

  it('show last seen off: status without last seen', async () => {
    const { server, call } = await world()
    await call('u-florist', 'PUT', '/presence/settings', { showLastSeen: false })
    const [seen] = await lastSeen(server, 'u-venue', ['u-florist'])
    expect(seen).not.toHaveProperty('lastSeenAt')
    expect(seen?.status).toBe('online')
  })

  it('show activity off: no activity', async () => {
    const { server, call } = await world()
    await call('u-florist', 'PUT', '/presence/settings', { showActivity: false })
    const [seen] = await lastSeen(server, 'u-venue', ['u-florist'])
    expect(seen).not.toHaveProperty('activity')
    expect(seen?.lastSeenAt).toBeDefined()
  })

  it('appear offline: hidden from everyone, even teammates and contacts, not from themself', async () => {
    const { server, call, clock } = await world()
    await call('u-florist', 'PUT', '/presence/settings', { appearOffline: true })
    for (const viewer of ['u-venue', 'u-friend', 'u-stranger'])
      expect(await lastSeen(server, viewer, ['u-florist'])).toEqual([hidden])
    expect(await lastSeen(server, 'u-florist', ['u-florist'])).toEqual([full(clock.now())])
    await call('u-florist', 'PUT', '/presence/settings', { appearOffline: false })
    expect(await lastSeen(server, 'u-venue', ['u-florist'])).toEqual([full(clock.now())])
  })

  it('shows a user offline once the lease passes without news, keeping last seen', async () => {
    const { server, clock } = await world()
    const at = clock.now()
    await clock.advance(30_000)
    expect((await lastSeen(server, 'u-venue', ['u-florist']))[0]?.status).toBe('online')
    await clock.advance(1)
    expect(await lastSeen(server, 'u-venue', ['u-florist'])).toEqual([
      {
        userId: 'u-florist',
        status: 'offline',
        lastSeenAt: at,
        customStatus: { text: 'At the market', emoji: '💐' },
      },
    ])
  })

  it('hides an expired custom status', async () => {
    const server = testServer()
    await server.call('u-ana', 'POST', '/presence/status', {
      status: 'online',
      customStatus: { text: 'Back at 3', expiresAt: server.clock.now() + 10_000 },
    })
    expect((await lastSeen(server, 'u-ben', ['u-ana']))[0]?.customStatus?.text).toBe('Back at 3')
    await server.clock.advance(10_000)
    expect((await lastSeen(server, 'u-ben', ['u-ana']))[0]).not.toHaveProperty('customStatus')
  })

  it('answers unknown users as offline, keeps request order, drops duplicates', async () => {
    const { server } = await world()
    const users = await lastSeen(server, 'u-venue', ['u-nobody', 'u-florist', 'u-nobody'])
    expect(users.map((u) => u.userId)).toEqual(['u-nobody', 'u-florist'])
    expect(users[0]).toEqual({ userId: 'u-nobody', status: 'offline' })
  })

  it('accepts repeated userIds parameters', async () => {
    const { server } = await world()
    const response = await server.call(
      'u-venue',
      'GET',
      '/presence/last-seen?userIds=u-florist&userIds=u-x',
    )
    expect(((await response.json()) as Users).users.map((u) => u.userId)).toEqual([
      'u-florist',
      'u-x',
    ])
  })

  it.each([
    ['no ids', '/presence/last-seen'],
    ['an empty list', '/presence/last-seen?userIds=,,'],
    [
      '101 ids',
      `/presence/last-seen?userIds=${Array.from({ length: 101 }, (_, i) => `u${i}`).join(',')}`,
    ],
    ['an id too long', `/presence/last-seen?userIds=${'x'.repeat(129)}`],
    ['a reserved id', '/presence/last-seen?userIds=__proto__'],
  ])('refuses %s → 400', async (_name, path) => {
    const { call } = testServer()
    const response = await call('u-venue', 'GET', path)
    expect(response.status).toBe(400)
  })

  it('returns stored text inert: JSON with markup escaped, never HTML', async () => {
    const { call } = testServer()
    const payload = "<img src=x onerror=alert(1)> '; DROP TABLE user_last_seen; --"
    await call('u-ana', 'POST', '/presence/status', {
      status: 'online',
      customStatus: { text: payload },
    })
    const response = await call('u-ben', 'GET', '/presence/last-seen?userIds=u-ana')
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    const text = await response.text()
    expect(text).not.toMatch(/[<>]/)
    expect((JSON.parse(text) as Users).users[0]?.customStatus?.text).toBe(payload)
  })
})

describe('POST /presence/users', () => {
  it('answers up to 1,000 users in one call, each id once, in the order asked', async () => {
    const { call } = testServer()
    await call('u-1', 'POST', '/presence/status', { status: 'busy' })
    const userIds = Array.from({ length: 999 }, (_, i) => `u-${i}`)
    const response = await call('u-viewer', 'POST', '/presence/users', {
      userIds: [...userIds, 'u-1'],
    })
    expect(response.status).toBe(200)
    const { users } = (await response.json()) as Users
    expect(users.map((u) => u.userId)).toEqual(userIds)
    expect(users[1]).toMatchObject({ userId: 'u-1', status: 'busy' })
  })

  it('answers 100 users with the longest custom statuses in under 100 KB', async () => {
    const { call } = testServer()
    const userIds = Array.from({ length: 100 }, (_, i) => `supplier-${i}-${'x'.repeat(100)}`)
    for (const userId of userIds)
      await call(userId, 'POST', '/presence/status', {
        status: 'online',
        customStatus: { text: 'y'.repeat(100), emoji: '📍' },
        activity: { action: 'viewing', target: 'z'.repeat(100), weddingId: 'w'.repeat(100) },
      })
    const response = await call('u-viewer', 'POST', '/presence/users', { userIds })
    const body = await response.text()
    expect(response.status).toBe(200)
    expect((JSON.parse(body) as Users).users).toHaveLength(100)
    expect(new TextEncoder().encode(body).byteLength).toBeLessThan(100 * 1024)
  })

  it.each([
    ['no body', undefined],
    ['no ids', { userIds: [] }],
    ['1,001 ids', { userIds: Array.from({ length: 1_001 }, (_, i) => `u${i}`) }],
    ['an id too long', { userIds: ['x'.repeat(129)] }],
    ['a reserved id', { userIds: ['__proto__'] }],
    ['ids not in a list', { userIds: 'u-1,u-2' }],
    ['an unknown field', { userIds: ['u-1'], viewerId: 'u-admin' }],
  ])('refuses %s → 400', async (_name, body) => {
    const { call } = testServer()
    const response = await call('u-venue', 'POST', '/presence/users', body)
    expect(response.status).toBe(400)
  })

  it('needs a signed-in caller → 401', async () => {
    const { call } = testServer()
    const response = await call(null, 'POST', '/presence/users', { userIds: ['u-1'] })
    expect(response.status).toBe(401)
  })
})

describe('GET /presence/teams/:teamId/availability', () => {
  it('summarizes who is online, idle, away, busy or offline, privacy-filtered', async () => {
    const { call, store, clock } = testServer({ teamNoun: { one: 'supplier', other: 'suppliers' } })
    const team = 'wedding-123'
    const members = ['u-venue', 'u-photo', 'u-florist', 'u-caterer', 'u-planner', 'u-dj']
    for (const userId of members)
      await store.addTeamMember({ teamId: team, userId, role: userId.slice(2) })
    await call('u-caterer', 'POST', '/presence/status', { status: 'online' })
    await clock.advance(60_000) // the caterer's lease passes: offline, last seen a minute ago
    const caterSeen = clock.now() - 60_000
    await call('u-venue', 'POST', '/presence/status', { status: 'online' })
    await call('u-photo', 'POST', '/presence/status', {
      status: 'online',
      activity: { action: 'viewing', target: 'timeline' },
    })
    await call('u-florist', 'POST', '/presence/status', { status: 'idle' })
    await call('u-planner', 'POST', '/presence/status', { status: 'busy' })
    await call('u-dj', 'POST', '/presence/status', { status: 'online' })
    await call('u-dj', 'PUT', '/presence/settings', { visibility: 'nobody' })
    const response = await call('u-venue', 'GET', `/presence/teams/${team}/availability`)
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body).toMatchObject({
      teamId: team,
      at: clock.now(),
      total: 6,
      counts: { online: 2, idle: 1, away: 0, busy: 1, offline: 2 },
      summary: '2 of 6 suppliers are online',
    })
    expect(body.members).toEqual([
      { userId: 'u-caterer', status: 'offline', lastSeenAt: caterSeen, role: 'caterer' },
      { userId: 'u-dj', status: 'offline', role: 'dj' },
      { userId: 'u-florist', status: 'idle', lastSeenAt: clock.now(), role: 'florist' },
      {
        userId: 'u-photo',
        status: 'online',
        lastSeenAt: clock.now(),
        activity: { action: 'viewing', target: 'timeline' },
        role: 'photo',
      },
      { userId: 'u-planner', status: 'busy', lastSeenAt: clock.now(), role: 'planner' },
      { userId: 'u-venue', status: 'online', lastSeenAt: clock.now(), role: 'venue' },
    ])
  })

  it('refuses non-members the same way whether or not the team exists → 403', async () => {
    const { call, store } = testServer()
    await store.addTeamMember({ teamId: 't1', userId: 'u-venue' })
    for (const team of ['t1', 'no-such-team']) {
      const response = await call('u-stranger', 'GET', `/presence/teams/${team}/availability`)
      expect(response.status).toBe(403)
      expect(await response.json()).toEqual({
        error: { code: 'PRESENCE_FORBIDDEN', message: 'Not a member of this team' },
      })
    }
  })

  it('refuses a malformed team id → 400', async () => {
    const { call } = testServer()
    expect(
      (await call('u-a', 'GET', `/presence/teams/${'x'.repeat(200)}/availability`)).status,
    ).toBe(400)
    expect((await call('u-a', 'GET', '/presence/teams/%E0%A4%A/availability')).status).toBe(400)
  })
})

describe('property: through the handlers, nothing a viewer may not see comes out', () => {
  const N = 5
  const ids = Array.from({ length: N }, (_, i) => `u${i}`)
  const statuses: Status[] = ['online', 'idle', 'away', 'busy', 'offline']
  const worldArb = fc.record({
    settings: fc.array(
      fc.record({
        visibility: fc.constantFrom(...VISIBILITIES),
        showLastSeen: fc.boolean(),
        showActivity: fc.boolean(),
        appearOffline: fc.boolean(),
      }),
      { minLength: N, maxLength: N },
    ),
    statuses: fc.array(fc.option(fc.constantFrom(...statuses)), { minLength: N, maxLength: N }),
    contacts: fc.array(fc.tuple(fc.nat(N - 1), fc.nat(N - 1)), { maxLength: 10 }),
    teams: fc.array(fc.tuple(fc.nat(2), fc.nat(N - 1)), { maxLength: 10 }),
  })

  it('for random settings, statuses and relationship graphs', async () => {
    await fc.assert(
      fc.asyncProperty(worldArb, async (w) => {
        const server = testServer()
        const { call, store } = server
        for (const [a, b] of w.contacts) if (a !== b) await store.addContact(ids[a]!, ids[b]!)
        for (const [t, u] of w.teams)
          await store.addTeamMember({ teamId: `t${t}`, userId: ids[u]! })
        for (let i = 0; i < N; i++) {
          const status = w.statuses[i]
          if (status)
            await call(ids[i]!, 'POST', '/presence/status', {
              status,
              activity: { action: 'secret-activity' },
              customStatus: { text: `secret-${i}` },
            })
          await call(ids[i]!, 'PUT', '/presence/settings', w.settings[i])
        }
        // The rules, written from the world itself (not from the store or the checker).
        const teamsOf = (u: number) => new Set(w.teams.filter(([, m]) => m === u).map(([t]) => t))
        const visible = (v: number, t: number) => {
          if (v === t) return true
          const s = w.settings[t]!
          if (s.appearOffline) return false
          if (s.visibility === 'everyone') return true
          if (s.visibility === 'contacts') return w.contacts.some(([a, b]) => a === t && b === v)
          if (s.visibility === 'team') return [...teamsOf(t)].some((x) => teamsOf(v).has(x))
          return false
        }
        for (let v = 0; v < N; v++) {
          const users = await lastSeen(server, ids[v]!, ids)
          for (let t = 0; t < N; t++) {
            const out = users[t]!
            const s = w.settings[t]!
            if (!visible(v, t)) {
              expect(out).toEqual({ userId: ids[t], status: 'offline' })
              expect(JSON.stringify(out)).not.toContain('secret')
              continue
            }
            if (v !== t && !s.showLastSeen) expect(out).not.toHaveProperty('lastSeenAt')
            if (v !== t && !s.showActivity) expect(out).not.toHaveProperty('activity')
            if (w.statuses[t]) expect(out.status).toBe(w.statuses[t])
          }
        }
      }),
      { numRuns: 40 },
    )
  })
})
