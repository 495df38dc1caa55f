import { describe, expect, it } from 'vitest'
import { generateHistory, weekdays } from '../../test/history.js'
import { testServer } from '../../test/support.js'
import { availabilityPattern } from './insights.js'
import { describeTime, summarizeTeamAvailability } from './team-summary.js'
import { wallTimeToEpoch } from './zoned-time.js'

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

describe('summarizeTeamAvailability', () => {
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
          pattern: floristPattern(),
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
      teamId: 'wedding-123',
      at: NOW,
      total: 5,
      timeZone: LONDON,
      counts: { online: 3, idle: 0, away: 0, busy: 1, offline: 1 },
      available: ['u-dj', 'u-photo', 'u-venue'],
      busy: [{ userId: 'u-caterer', until: local(13, 15, 30) }],
      usuallyBack: [{ userId: 'u-florist', at: local(13, 13, 30) }],
    })
    expect(summary.members.map((m) => m.userId)).toEqual([
      'u-caterer',
      'u-dj',
      'u-florist',
      'u-photo',
      'u-venue',
    ])
    expect(summary.members[2]).toEqual({
      userId: 'u-florist',
      status: 'offline',
      lastSeenAt: NOW - DAY,
      role: 'florist',
      usuallyBackAt: local(13, 13, 30),
    })
  })

  it('prefers a known busy end (a calendar window), and says nothing it does not know', () => {
    const summary = summarizeTeamAvailability({
      teamId: 't',
      now: NOW,
      members: [
        { presence: { userId: 'u-a', status: 'busy' }, busyUntil: NOW + 3_600_000, label: 'Ana' },
        { presence: { userId: 'u-b', status: 'busy' } },
        { presence: { userId: 'u-c', status: 'away' } },
        // Not enough history: no guess.
        {
          presence: { userId: 'u-d', status: 'offline' },
          pattern: availabilityPattern({
            userId: 'u-d',
            events: [],
            from: 0,
            to: NOW,
            timeZone: 'UTC',
          }),
        },
      ],
    })
    expect(summary.summary).toBe('0 of 4 members are online; Ana is busy until 11:00')
    expect(summary.busy).toEqual([{ userId: 'u-a', until: NOW + 3_600_000 }, { userId: 'u-b' }])
    expect(summary.usuallyBack).toEqual([])
  })

  it('keeps the sentence short', () => {
    const members = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({
      presence: { userId: `u-${id}`, status: 'busy' as const },
      busyUntil: NOW + (i + 1) * 600_000,
      role: id,
    }))
    const summary = summarizeTeamAvailability({ teamId: 't', now: NOW, members, maxClauses: 2 })
    expect(summary.summary).toBe(
      '0 of 5 members are online; the a is busy until 10:10; the b is busy until 10:20; 3 more are back later',
    )
    expect(summarizeTeamAvailability({ teamId: 't', now: NOW, members: [] }).summary).toBe(
      'No members',
    )
  })

  it('names days beyond today', () => {
    expect(describeTime(local(13, 14), NOW, LONDON)).toBe('14:00')
    expect(describeTime(local(14, 9), NOW, LONDON)).toBe('09:00 tomorrow')
    expect(describeTime(local(16, 9), NOW, LONDON)).toBe('Thursday 09:00')
  })
})

describe('GET /presence/teams/:teamId/availability with history', () => {
  async function team(options: Parameters<typeof testServer>[0] = {}) {
    const server = testServer({
      teamNoun: { one: 'supplier', other: 'suppliers' },
      availability: { timeZone: LONDON },
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

  it('can be turned off, and refuses an unknown time zone', async () => {
    const { call } = await team({ availability: { historyDays: 0, timeZone: LONDON } })
    const body = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(body.usuallyBack).toEqual([])
    const bad = await call('u-venue', 'GET', '/presence/teams/w1/availability?timeZone=Mars/Base')
    expect(bad.status).toBe(400)
  })
})
