import { summarizeTeamAvailability, wallTimeToEpoch } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import { generateHistory, weekdays } from '../../test/history.js'
import { testServer } from '../../test/support.js'
import { createPatternSource, historyPatterns } from './history-patterns.js'
import { availabilityPattern, usuallyBackAt } from './insights.js'

const DAY = 86_400_000
const LONDON = 'Europe/London'
const local = (day: number, hour: number, minute = 0) =>
  wallTimeToEpoch({ year: 2026, month: 7, day, hour, minute }, LONDON)
// Monday 13 July 2026, 11:00 in London (four weeks after the fake clock's start).
const NOW = local(13, 11)

/** A florist back from morning venue visits at 13:20 every weekday, four weeks running. */
function floristPattern(to = NOW) {
  const from = to - 28 * DAY
  return availabilityPattern({
    userId: 'u-florist',
    timeZone: LONDON,
    from,
    to,
    events: generateHistory({
      userId: 'u-florist',
      timeZone: LONDON,
      from: from - 7 * DAY,
      days: 36,
      schedule: weekdays(13 + 20 / 60, 18),
    }),
  })
}

describe('summarizeTeamAvailability with patterns', () => {
  it('says who is online, who is busy until when, and who is usually back by when', () => {
    const summary = summarizeTeamAvailability({
      teamId: 'wedding-123',
      now: NOW,
      timeZone: LONDON,
      noun: { one: 'supplier', other: 'suppliers' },
      members: [
        { presence: { userId: 'u-venue', status: 'online' }, role: 'venue coordinator' },
        { presence: { userId: 'u-photo', status: 'online' }, role: 'photographer' },
        { presence: { userId: 'u-dj', status: 'online' }, role: 'dj' },
        {
          presence: { userId: 'u-florist', status: 'offline', lastSeenAt: NOW - DAY },
          role: 'florist',
          usuallyBackAt: usuallyBackAt(floristPattern(), NOW)!,
        },
        {
          presence: {
            userId: 'u-caterer',
            status: 'busy',
            customStatus: { text: 'Tasting', expiresAt: local(13, 15, 30) },
          },
          role: 'caterer',
        },
      ],
    })
    expect(summary.summary).toBe(
      '3 of 5 suppliers are online; the caterer is busy until 15:30; the florist is usually back by 13:30',
    )
    expect(summary).toMatchObject({
      usuallyBack: [{ userId: 'u-florist', at: local(13, 13, 30) }],
    })
    expect(summary.members[2]).toEqual({
      userId: 'u-florist',
      status: 'offline',
      lastSeenAt: NOW - DAY,
      role: 'florist',
      usuallyBackAt: local(13, 13, 30),
    })
  })

  it('makes no guess without enough history', () => {
    const empty = availabilityPattern({
      userId: 'u-d',
      events: [],
      from: 0,
      to: NOW,
      timeZone: 'UTC',
    })
    expect(usuallyBackAt(empty, NOW)).toBeUndefined()
  })
})

describe('GET /presence/teams/:teamId/availability with historyPatterns', () => {
  async function team(options: Parameters<typeof testServer>[0] = {}) {
    const server = testServer({
      teamNoun: { one: 'supplier', other: 'suppliers' },
      availability: { timeZone: LONDON, usuallyBack: historyPatterns() },
      ...options,
    })
    const { store, clock } = server
    await clock.set(NOW - 28 * DAY)
    for (const [userId, role] of [
      ['u-venue', 'venue'],
      ['u-florist', 'florist'],
      ['u-caterer', 'caterer'],
    ])
      await store.addTeamMember({ teamId: 'w1', userId: userId!, role: role! })
    // Four weeks of the florist's history, as the status endpoint records it.
    for (const e of generateHistory({
      userId: 'u-florist',
      timeZone: LONDON,
      from: clock.now(),
      days: 28,
      schedule: weekdays(13 + 20 / 60, 18),
    })) {
      await clock.set(e.at)
      await store.recordStatus({ userId: e.userId, status: e.to, at: e.at })
    }
    await clock.set(NOW)
    await server.call('u-venue', 'POST', '/presence/status', { status: 'online' })
    await server.call('u-caterer', 'POST', '/presence/status', {
      status: 'busy',
      customStatus: { text: 'Tasting', expiresAt: local(13, 15, 30) },
    })
    return server
  }

  it('adds busy-until and usually-back-by to the summary', async () => {
    const { call } = await team()
    const response = await call('u-venue', 'GET', '/presence/teams/w1/availability')
    expect(response.status).toBe(200)
    const body = await response.json()
    expect(body.summary).toBe(
      '1 of 3 suppliers is online; the caterer is busy until 15:30; the florist is usually back by 13:30',
    )
    expect(body.usuallyBack).toEqual([{ userId: 'u-florist', at: local(13, 13, 30) }])
    const ny = await call(
      'u-venue',
      'GET',
      '/presence/teams/w1/availability?timeZone=America/New_York',
    )
    expect((await ny.json()).summary).toBe(
      '1 of 3 suppliers is online; the caterer is busy until 10:30; the florist is usually back by 08:30',
    )
  })

  it('reads each member in their own zone when told it', async () => {
    const { call } = await team({
      availability: {
        timeZone: LONDON,
        usuallyBack: historyPatterns({ memberTimeZone: () => LONDON }),
      },
    })
    const ny = await call(
      'u-venue',
      'GET',
      '/presence/teams/w1/availability?timeZone=America/New_York',
    )
    // Her London hours, told in New York time.
    expect((await ny.json()).summary).toBe(
      '1 of 3 suppliers is online; the caterer is busy until 10:30; the florist is usually back by 08:30',
    )
  })

  it('uses no history the viewer may not see', async () => {
    const { call } = await team()
    await call('u-florist', 'PUT', '/presence/settings', { showLastSeen: false })
    const body = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(body.usuallyBack).toEqual([])
    expect(body.summary).toBe('1 of 3 suppliers is online; the caterer is busy until 15:30')
    await call('u-florist', 'PUT', '/presence/settings', {
      showLastSeen: true,
      visibility: 'nobody',
    })
    const hidden = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(hidden.members.find((m: { userId: string }) => m.userId === 'u-florist')).toEqual({
      userId: 'u-florist',
      status: 'offline',
      role: 'florist',
    })
    // The florist herself still gets her own.
    const own = await (await call('u-florist', 'GET', '/presence/teams/w1/availability')).json()
    expect(own.usuallyBack).toEqual([{ userId: 'u-florist', at: local(13, 13, 30) }])
  })

  it("reads history through the handlers' store: its failure is a 503", async () => {
    const { store, call } = await team()
    store.statusEvents = () => Promise.reject(new Error('connection lost'))
    const response = await call('u-venue', 'GET', '/presence/teams/w1/availability')
    expect(response.status).toBe(503)
    expect((await response.json()).error.code).toBe('PRESENCE_STORE_UNAVAILABLE')
  })

  it('can be turned off, and refuses an unknown time zone', async () => {
    const { call } = await team({ availability: { timeZone: LONDON } })
    const body = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(body.usuallyBack).toEqual([])
    const bad = await call('u-venue', 'GET', '/presence/teams/w1/availability?timeZone=Mars/Base')
    expect(bad.status).toBe(400)
  })
})

describe('createPatternSource', () => {
  it('reuses a pattern for cacheMs, then reads the history again', async () => {
    const { store, clock } = testServer()
    await clock.set(NOW)
    let reads = 0
    const counting = {
      statusEvents: (...args: Parameters<typeof store.statusEvents>) => {
        reads++
        return store.statusEvents(...args)
      },
      presenceFor: store.presenceFor.bind(store),
    }
    const patterns = createPatternSource(counting, clock, { cacheMs: 60_000, maxCached: 1 })
    const first = await patterns('u-a', LONDON)
    expect(await patterns('u-a', LONDON)).toBe(first)
    expect(reads).toBe(1)
    await patterns('u-b', LONDON) // evicts u-a (one kept)
    await patterns('u-a', LONDON)
    expect(reads).toBe(3)
    await clock.set(NOW + 60_000)
    await patterns('u-a', LONDON)
    expect(reads).toBe(4)
  })
})
