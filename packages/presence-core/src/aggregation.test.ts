import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sessionEntry, sessionMeta } from '../test/test-helpers.js'
import {
  aggregateMember,
  LAST_ACTIVE_RESOLUTION_MS,
  latestCustom,
  latestManual,
  nextMemberChangeAt,
  type SessionEntry,
  sameMember,
} from './aggregation.js'
import type { SessionMeta } from './meta-schema.js'
import type { Activity, MemberPresence } from './types.js'

const NOW = 1_000_000
const TIMELINE: Activity = { action: 'viewing', target: 'timeline', weddingId: '123' }
const BUDGET: Activity = { action: 'editing', target: 'budget', weddingId: '123' }

/** A session entry heard at NOW unless said otherwise. */
function session(overrides: Partial<SessionMeta>, heardAt = NOW): SessionEntry {
  return sessionEntry(sessionMeta(overrides), { heardAt })
}

function member(entries: readonly SessionEntry[], previous?: MemberPresence): MemberPresence {
  return aggregateMember('u1', entries, NOW, previous)
}

describe('aggregateMember', () => {
  it('derives a member from one session', () => {
    expect(member([session({ session: 'a', activeAgo: 5_000, activity: TIMELINE })])).toEqual({
      userId: 'u1',
      status: 'online',
      lastActiveAt: NOW - 5_000,
      activity: TIMELINE,
      sessions: [{ sessionId: 'a', status: 'online', activity: TIMELINE }],
    })
  })

  it.each<[string, SessionEntry[], Partial<MemberPresence>]>([
    [
      'the latest manual status wins across sessions',
      [
        session({ session: 'a', manual: { status: 'busy', at: 10 } }),
        session({ session: 'b', manual: { status: 'away', at: 20 } }),
      ],
      { status: 'away', manualStatus: 'away' },
    ],
    [
      'a later manual null clears an earlier manual status',
      [
        session({ session: 'a', manual: { status: 'busy', at: 10 } }),
        session({ session: 'b', manual: { status: null, at: 20 } }),
      ],
      { status: 'online' },
    ],
    [
      'an earlier manual null does not clear a later manual status',
      [
        session({ session: 'a', manual: { status: 'busy', at: 20 } }),
        session({ session: 'b', manual: { status: null, at: 10 } }),
      ],
      { status: 'busy', manualStatus: 'busy' },
    ],
    [
      'a manual status on an idle session applies to the whole member',
      [
        session({ session: 'a', status: 'online' }),
        session({ session: 'b', status: 'idle', manual: { status: 'busy', at: 1 } }),
      ],
      { status: 'busy', manualStatus: 'busy' },
    ],
    [
      'calendar busy beats online',
      [session({ session: 'a', calendar: { text: 'Tasting', until: NOW + 1 } })],
      { status: 'busy', calendar: { text: 'Tasting', until: NOW + 1 } },
    ],
    [
      'an ended calendar window is ignored',
      [session({ session: 'a', calendar: { text: 'Tasting', until: NOW } })],
      { status: 'online' },
    ],
    [
      'manual away beats calendar busy',
      [
        session({
          session: 'a',
          manual: { status: 'away', at: 1 },
          calendar: { text: 'Tasting', until: NOW + 1 },
        }),
      ],
      { status: 'away', manualStatus: 'away', calendar: { text: 'Tasting', until: NOW + 1 } },
    ],
    [
      'the busy window that ends last is shown',
      [
        session({ session: 'a', calendar: { text: 'Long', until: NOW + 100 } }),
        session({ session: 'b', calendar: { text: 'Short', until: NOW + 10 } }),
      ],
      { status: 'busy', calendar: { text: 'Long', until: NOW + 100 } },
    ],
    [
      'online beats idle',
      [session({ session: 'a', status: 'idle' }), session({ session: 'b', status: 'online' })],
      { status: 'online' },
    ],
    [
      'idle beats away',
      [session({ session: 'a', status: 'away' }), session({ session: 'b', status: 'idle' })],
      { status: 'idle' },
    ],
    ['away alone is away', [session({ session: 'a', status: 'away' })], { status: 'away' }],
    [
      'the latest custom status wins, and is shown while active',
      [
        session({ session: 'a', custom: { status: { text: 'Old' }, at: 1 } }),
        session({ session: 'b', custom: { status: { text: 'New', expiresAt: NOW + 1 }, at: 2 } }),
      ],
      { customStatus: { text: 'New', expiresAt: NOW + 1 } },
    ],
    [
      'a later custom null clears an earlier custom status',
      [
        session({ session: 'a', custom: { status: { text: 'Old' }, at: 1 } }),
        session({ session: 'b', custom: { status: null, at: 2 } }),
      ],
      { status: 'online' },
    ],
    [
      'an expired custom status is not shown (and an older one does not come back)',
      [
        session({ session: 'a', custom: { status: { text: 'Old' }, at: 1 } }),
        session({ session: 'b', custom: { status: { text: 'New', expiresAt: NOW }, at: 2 } }),
      ],
      { status: 'online' },
    ],
    [
      'the activity of the most recently active session',
      [
        session({ session: 'a', activeAgo: 10_000, activity: TIMELINE }),
        session({ session: 'b', activeAgo: 1_000, activity: BUDGET }),
      ],
      { activity: BUDGET, lastActiveAt: NOW - 1_000 },
    ],
    [
      'recency is measured on the observer clock (heardAt - activeAgo)',
      [
        session({ session: 'a', activeAgo: 0, activity: TIMELINE }, NOW - 50_000),
        session({ session: 'b', activeAgo: 20_000, activity: BUDGET }, NOW),
      ],
      { activity: BUDGET, lastActiveAt: NOW - 20_000 },
    ],
    [
      'no activity when the most recently active session has none',
      [
        session({ session: 'a', activeAgo: 600_000, activity: TIMELINE }),
        session({ session: 'b', activeAgo: 1_000 }),
      ],
      { lastActiveAt: NOW - 1_000 },
    ],
    [
      'a session that does not say when it was active ranks last for activity',
      [
        session({ session: 'a', activity: TIMELINE }),
        session({ session: 'b', activeAgo: 600_000, activity: BUDGET }),
      ],
      { activity: BUDGET, lastActiveAt: NOW - 600_000 },
    ],
    [
      'among sessions of unknown recency, one with an activity is preferred',
      [session({ session: 'a', activity: TIMELINE }), session({ session: 'b' })],
      { activity: TIMELINE },
    ],
    [
      'no lastActiveAt when no session tells it',
      [session({ session: 'a' }), session({ session: 'b' })],
      { status: 'online' },
    ],
    [
      'the profile of the most recently heard session',
      [
        session({ session: 'a', profile: { name: 'New name' } }, NOW),
        session({ session: 'b', profile: { name: 'Old name' } }, NOW - 1),
        session({ session: 'c' }, NOW),
      ],
      { profile: { name: 'New name' } },
    ],
  ])('%s', (_name, entries, expected) => {
    const result = member(entries)
    for (const key of [
      'status',
      'manualStatus',
      'customStatus',
      'calendar',
      'activity',
      'profile',
      'lastActiveAt',
    ] as const) {
      expect(result[key], key).toEqual(
        key in expected ? expected[key] : key === 'status' ? 'online' : undefined,
      )
    }
    // The same whatever the order of the sessions.
    expect(member([...entries].reverse())).toEqual(result)
  })

  it('lists sessions sorted by id, with their own status and activity', () => {
    const result = member([
      session({ session: 'c', status: 'away' }),
      session({ session: 'a', status: 'idle', activity: TIMELINE }),
      session({ session: 'b' }),
    ])
    expect(result.sessions).toEqual([
      { sessionId: 'a', status: 'idle', activity: TIMELINE },
      { sessionId: 'b', status: 'online' },
      { sessionId: 'c', status: 'away' },
    ])
  })

  it('is offline without sessions', () => {
    expect(member([])).toEqual({ userId: 'u1', status: 'offline', sessions: [] })
  })

  it('keeps the last-seen time and profile, and nothing else, when the last session goes', () => {
    const online = member([
      session({
        session: 'a',
        activeAgo: 2_000,
        manual: { status: 'busy', at: 1 },
        custom: { status: { text: 'At a venue' }, at: 1 },
        calendar: { text: 'Tasting', until: NOW + 10 },
        activity: TIMELINE,
        profile: { name: 'Ana' },
      }),
    ])
    expect(online.status).toBe('busy')
    const offline = aggregateMember('u1', [], NOW + 60_000, online)
    expect(offline).toEqual({
      userId: 'u1',
      status: 'offline',
      sessions: [],
      lastActiveAt: NOW - 2_000,
      profile: { name: 'Ana' },
    })
    expect(offline.profile).toBe(online.profile)
  })

  describe('lastActiveAt resolution', () => {
    const previous = member([session({ session: 'a', activeAgo: 0 })])

    it.each<[string, Partial<SessionMeta>, number, number]>([
      [
        'moves by less than the resolution: kept',
        { activeAgo: 0 },
        LAST_ACTIVE_RESOLUTION_MS - 1,
        NOW,
      ],
      ['moves back by less than the resolution: kept', { activeAgo: 30_000 }, 0, NOW],
      [
        'moves by the resolution: updated',
        { activeAgo: 0 },
        LAST_ACTIVE_RESOLUTION_MS,
        NOW + LAST_ACTIVE_RESOLUTION_MS,
      ],
      ['status changed: updated', { activeAgo: 0, status: 'idle' }, 1_000, NOW + 1_000],
    ])('%s', (_name, overrides, later, expected) => {
      const next = aggregateMember(
        'u1',
        [sessionEntry(sessionMeta({ session: 'a', ...overrides }), { heardAt: NOW + later })],
        NOW + later,
        previous,
      )
      expect(next.lastActiveAt).toBe(expected)
    })

    it('a member whose last-active moved within the resolution is the same member', () => {
      const next = aggregateMember(
        'u1',
        [
          sessionEntry(sessionMeta({ session: 'a', activeAgo: 0, seq: 2 }), {
            heardAt: NOW + 15_000,
          }),
        ],
        NOW + 15_000,
        previous,
      )
      expect(sameMember(previous, next)).toBe(true)
    })
  })
})

describe('latestManual / latestCustom', () => {
  it('give undefined without settings, null when cleared last, the value otherwise', () => {
    expect(latestManual([session({ session: 'a' })])).toBeUndefined()
    expect(
      latestManual([
        session({ session: 'a', manual: { status: 'busy', at: 1 } }),
        session({ session: 'b', manual: { status: null, at: 2 } }),
      ]),
    ).toBeNull()
    expect(
      latestCustom([
        session({ session: 'a', custom: { status: { text: 'x' }, at: 3 } }),
        session({ session: 'b', custom: { status: null, at: 2 } }),
      ]),
    ).toEqual({ text: 'x' })
  })

  it('break ties on `at` by session id, whatever the order', () => {
    const a = session({ session: 'a', manual: { status: 'busy', at: 5 } })
    const b = session({ session: 'b', manual: { status: 'away', at: 5 } })
    expect(latestManual([a, b])).toBe('away')
    expect(latestManual([b, a])).toBe('away')
  })
})

describe('nextMemberChangeAt', () => {
  it.each<[string, SessionEntry[], number | undefined]>([
    ['nothing expires', [session({ session: 'a' })], undefined],
    [
      'a calendar window ends',
      [session({ session: 'a', calendar: { text: 'x', until: NOW + 5 } })],
      NOW + 5,
    ],
    [
      'an ended calendar window',
      [session({ session: 'a', calendar: { text: 'x', until: NOW } })],
      undefined,
    ],
    [
      'the earliest of several',
      [
        session({ session: 'a', calendar: { text: 'x', until: NOW + 50 } }),
        session({ session: 'b', custom: { status: { text: 'y', expiresAt: NOW + 20 }, at: 1 } }),
      ],
      NOW + 20,
    ],
    [
      'only the latest custom status counts',
      [
        session({ session: 'a', custom: { status: { text: 'y', expiresAt: NOW + 20 }, at: 1 } }),
        session({ session: 'b', custom: { status: { text: 'z' }, at: 2 } }),
      ],
      undefined,
    ],
  ])('%s', (_name, entries, expected) => {
    expect(nextMemberChangeAt(entries, NOW)).toBe(expected)
  })
})

// ---- properties ----

const SESSIONS = ['s1', 's2', 's3', 's4'] as const

const metaFields = fc.record(
  {
    status: fc.constantFrom('online', 'idle', 'away'),
    seq: fc.nat(5),
    activeAgo: fc.constantFrom(0, 1_000, 59_000, 61_000, 600_000),
    manual: fc.record({ status: fc.constantFrom('busy', 'away', null), at: fc.nat(3) }),
    custom: fc.record({
      status: fc.option(
        fc.record(
          {
            text: fc.constantFrom('', 'At a venue'),
            emoji: fc.constantFrom('💒'),
            expiresAt: fc.constantFrom(NOW, NOW + 9),
          },
          { requiredKeys: ['text'] },
        ),
        { nil: null },
      ),
      at: fc.nat(3),
    }),
    calendar: fc.record({
      text: fc.constantFrom('Tasting', 'Call'),
      until: fc.constantFrom(NOW, NOW + 7),
    }),
    activity: fc.constantFrom(TIMELINE, BUDGET, { action: 'viewing' }),
    profile: fc.constantFrom({ name: 'Ana' }, { name: 'Bo', role: 'planner' }, {}),
  },
  { requiredKeys: ['status', 'seq'] },
)

const entriesArb = fc
  .uniqueArray(
    fc.record({
      session: fc.constantFrom(...SESSIONS),
      fields: metaFields,
      heardAt: fc.constantFrom(NOW - 120_000, NOW - 30_000, NOW),
    }),
    { selector: (e) => e.session, maxLength: SESSIONS.length },
  )
  .map((list) =>
    list.map(({ session: id, fields, heardAt }) =>
      sessionEntry(sessionMeta({ ...(fields as Partial<SessionMeta>), session: id }), { heardAt }),
    ),
  )

describe('aggregation properties', () => {
  it('does not depend on the order of sessions', () => {
    fc.assert(
      fc.property(
        entriesArb.chain((entries) =>
          fc.tuple(
            fc.constant(entries),
            fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
          ),
        ),
        fc.option(entriesArb, { nil: undefined }),
        ([entries, shuffled], previousEntries) => {
          const previous = previousEntries && member(previousEntries)
          expect(member(shuffled, previous)).toEqual(member(entries, previous))
          expect(nextMemberChangeAt(shuffled, NOW)).toBe(nextMemberChangeAt(entries, NOW))
        },
      ),
      { numRuns: 500 },
    )
  })

  it('sameMember is structural equality of what a person sees', () => {
    fc.assert(
      fc.property(entriesArb, entriesArb, (x, y) => {
        const a = member(x)
        const b = member(y)
        expect(sameMember(a, b)).toBe(isDeepStrictEqual(a, b))
        expect(sameMember(a, structuredClone(a))).toBe(true)
        expect(sameMember(b, a)).toBe(sameMember(a, b))
      }),
      { numRuns: 500 },
    )
  })

  it('shows a member online exactly when a session is online and nothing overrides it', () => {
    fc.assert(
      fc.property(entriesArb, (entries) => {
        const result = member(entries)
        if (entries.length === 0) {
          expect(result.status).toBe('offline')
          return
        }
        expect(result.status).not.toBe('offline')
        if (result.status === 'online') {
          expect(entries.some((e) => e.meta.status === 'online')).toBe(true)
          expect(result.manualStatus).toBeUndefined()
        }
        const lastActive = entries
          .filter((e) => e.meta.activeAgo !== undefined)
          .map((e) => e.heardAt - e.meta.activeAgo!)
        if (lastActive.length > 0) expect(result.lastActiveAt).toBe(Math.max(...lastActive))
        else expect(result.lastActiveAt).toBeUndefined()
      }),
      { numRuns: 500 },
    )
  })
})
