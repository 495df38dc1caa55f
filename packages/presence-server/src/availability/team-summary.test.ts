import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import { describeTime, summarizeTeamAvailability } from './team-summary.js'
import { wallTimeToEpoch } from './zoned-time.js'

const DAY = 86_400_000
const LONDON = 'Europe/London'
const local = (day: number, hour: number, minute = 0) =>
  wallTimeToEpoch({ year: 2026, month: 7, day, hour, minute }, LONDON)
// Monday 13 July 2026, 11:00 in London (four weeks after the fake clock's start).
const NOW = local(13, 11)

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
          // From her history (presence-coordination's historyPatterns checks this number).
          usuallyBackAt: local(13, 13, 30),
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
        { presence: { userId: 'u-d', status: 'offline' } },
      ],
    })
    expect(summary.summary).toBe('0 of 4 members are online; Ana is busy until 11:00')
    expect(summary.busy).toEqual([{ userId: 'u-a', until: NOW + 3_600_000 }, { userId: 'u-b' }])
    expect(summary.usuallyBack).toEqual([])
  })

  it('says "usually back" only of who is neither online nor busy until a known time', () => {
    const back = NOW + 60_000
    const summary = summarizeTeamAvailability({
      teamId: 't',
      now: NOW,
      members: [
        { presence: { userId: 'u-a', status: 'online' }, usuallyBackAt: back },
        {
          presence: { userId: 'u-b', status: 'busy' },
          busyUntil: NOW + 7_200_000,
          usuallyBackAt: back,
        },
        { presence: { userId: 'u-c', status: 'away' }, usuallyBackAt: back },
      ],
    })
    expect(summary.usuallyBack).toEqual([{ userId: 'u-c', at: back }])
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

describe('GET /presence/teams/:teamId/availability without a usually-back port', () => {
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
    await clock.set(NOW)
    await server.call('u-venue', 'POST', '/presence/status', { status: 'online' })
    await server.call('u-caterer', 'POST', '/presence/status', {
      status: 'busy',
      customStatus: { text: 'Tasting', expiresAt: local(13, 15, 30) },
    })
    return server
  }

  it('says who is online and busy until when, and nothing about usually back', async () => {
    const { call } = await team()
    const body = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(body.summary).toBe('1 of 3 suppliers is online; the caterer is busy until 15:30')
    expect(body.usuallyBack).toEqual([])
  })

  it('asks the port only about members whose history the viewer may use', async () => {
    const asked: string[] = []
    const { call } = await team({
      availability: {
        timeZone: LONDON,
        usuallyBack: () => async (userId, timeZone, now) => {
          asked.push(`${userId} ${timeZone} ${now === NOW}`)
          return local(13, 13, 30)
        },
      },
    })
    const body = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(body.summary).toBe(
      '1 of 3 suppliers is online; the caterer is busy until 15:30; the florist is usually back by 13:30',
    )
    expect(asked).toEqual(['u-caterer Europe/London true', 'u-florist Europe/London true'])
    asked.length = 0
    await call('u-florist', 'PUT', '/presence/settings', { showLastSeen: false })
    const hidden = await (await call('u-venue', 'GET', '/presence/teams/w1/availability')).json()
    expect(hidden.usuallyBack).toEqual([])
    expect(asked).toEqual(['u-caterer Europe/London true'])
  })

  it('refuses an unknown time zone, and the options that moved to presence-coordination', async () => {
    const { call } = await team()
    const bad = await call('u-venue', 'GET', '/presence/teams/w1/availability?timeZone=Mars/Base')
    expect(bad.status).toBe(400)
    expect(() => testServer({ availability: { historyDays: 28 } as never })).toThrow(
      /availability\.historyDays moved to @wedsync\/presence-coordination/,
    )
  })
})
