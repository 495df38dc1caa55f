import type { Activity, CustomStatus, Status } from '@wedsync/presence-core'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PRESENCE_SETTINGS,
  type PresenceSettings,
  VISIBILITIES,
} from '../validation/schemas.js'
import {
  canViewPresence,
  type PresenceRecord,
  type PrivacyContext,
  redactPresence,
} from './privacy-checker.js'

const record: PresenceRecord = {
  userId: 'u-florist',
  status: 'idle',
  lastSeenAt: 1_000,
  customStatus: { text: 'At the market', emoji: '💐' },
  activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
}

const ctx = (
  settings: Partial<PresenceSettings> = {},
  rel: { isContact?: boolean; sharesTeam?: boolean } = {},
): PrivacyContext => ({
  settings: { ...DEFAULT_PRESENCE_SETTINGS, ...settings },
  isContact: rel.isContact ?? false,
  sharesTeam: rel.sharesTeam ?? false,
})

describe('canViewPresence', () => {
  it.each([
    ['everyone', {}, true],
    ['contacts', {}, false],
    ['contacts', { isContact: true }, true],
    ['contacts', { sharesTeam: true }, false],
    ['team', {}, false],
    ['team', { sharesTeam: true }, true],
    ['team', { isContact: true }, false],
    ['nobody', { isContact: true, sharesTeam: true }, false],
  ] as const)('visibility %s with %o → %s', (visibility, rel, expected) => {
    expect(canViewPresence('u-venue', 'u-florist', ctx({ visibility }, rel))).toBe(expected)
  })

  it('hides a user who appears offline from everyone else, whatever the visibility', () => {
    expect(
      canViewPresence(
        'u-venue',
        'u-florist',
        ctx({ appearOffline: true }, { isContact: true, sharesTeam: true }),
      ),
    ).toBe(false)
  })

  it('always shows a user to themself', () => {
    expect(
      canViewPresence('u-florist', 'u-florist', ctx({ visibility: 'nobody', appearOffline: true })),
    ).toBe(true)
  })
})

describe('redactPresence', () => {
  it('returns everything to a viewer who may see it all', () => {
    expect(redactPresence('u-venue', record, ctx())).toEqual(record)
  })

  it('leaves out last seen without showLastSeen and activity without showActivity', () => {
    expect(
      redactPresence('u-venue', record, ctx({ showLastSeen: false, showActivity: false })),
    ).toEqual({
      userId: 'u-florist',
      status: 'idle',
      customStatus: record.customStatus,
    })
  })

  it('gives a hidden user as offline with nothing else', () => {
    expect(redactPresence('u-venue', record, ctx({ visibility: 'nobody' }))).toEqual({
      userId: 'u-florist',
      status: 'offline',
    })
  })

  it('gives users themselves everything, even with every switch off', () => {
    const off = ctx({
      visibility: 'nobody',
      showLastSeen: false,
      showActivity: false,
      appearOffline: true,
    })
    expect(redactPresence('u-florist', record, off)).toEqual(record)
  })

  it('drops the activity of an offline user', () => {
    expect(
      redactPresence('u-venue', { ...record, status: 'offline' }, ctx()).activity,
    ).toBeUndefined()
  })

  it('copies only known fields (nothing smuggled in the record leaks)', () => {
    const smuggled = {
      ...record,
      email: 'florist@example.com',
      customStatus: { text: 'x', secret: 1 } as CustomStatus,
    }
    const out = redactPresence('u-venue', smuggled, ctx())
    expect(Object.keys(out).sort()).toEqual([
      'activity',
      'customStatus',
      'lastSeenAt',
      'status',
      'userId',
    ])
    expect(out.customStatus).toEqual({ text: 'x' })
  })
})

// Property tests: random users, settings and relationship graphs.
const STATUSES: Status[] = ['online', 'idle', 'away', 'busy', 'offline']
const N = 6
const userId = (i: number) => `u${i}`

const settingsArb = fc.record({
  visibility: fc.constantFrom(...VISIBILITIES),
  showLastSeen: fc.boolean(),
  showActivity: fc.boolean(),
  appearOffline: fc.boolean(),
})
const activityArb: fc.Arbitrary<Activity> = fc.record(
  { action: fc.string({ minLength: 1, maxLength: 8 }), target: fc.string(), page: fc.string() },
  { requiredKeys: ['action'] },
)
const recordArb = (i: number): fc.Arbitrary<PresenceRecord> =>
  fc.record(
    {
      userId: fc.constant(userId(i)),
      status: fc.constantFrom(...STATUSES),
      lastSeenAt: fc.nat(),
      customStatus: fc.record({ text: fc.string() }, { requiredKeys: ['text'] }),
      activity: activityArb,
    },
    { requiredKeys: ['userId', 'status'] },
  )

const worldArb = fc.record({
  settings: fc.array(settingsArb, { minLength: N, maxLength: N }),
  records: fc.tuple(...Array.from({ length: N }, (_, i) => recordArb(i))),
  contacts: fc.array(fc.tuple(fc.nat(N - 1), fc.nat(N - 1)), { maxLength: 15 }),
  teams: fc.array(fc.tuple(fc.nat(3), fc.nat(N - 1)), { maxLength: 12 }),
})

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never

function contextOf(world: World, viewer: number, target: number): PrivacyContext {
  const teamsOf = (u: number) => new Set(world.teams.filter(([, m]) => m === u).map(([t]) => t))
  const mine = teamsOf(viewer)
  return {
    settings: world.settings[target]!,
    isContact: world.contacts.some(([a, b]) => a === target && b === viewer),
    sharesTeam: [...teamsOf(target)].some((t) => mine.has(t)),
  }
}

/** The rules written as a table, independently of the implementation. */
function oracle(world: World, viewer: number, target: number): 'self' | 'hidden' | 'visible' {
  if (viewer === target) return 'self'
  const s = world.settings[target]!
  const c = contextOf(world, viewer, target)
  const allowed = {
    everyone: true,
    contacts: c.isContact,
    team: c.sharesTeam,
    nobody: false,
  }[s.visibility]
  return allowed && !s.appearOffline ? 'visible' : 'hidden'
}

describe('privacy properties (random users, settings and relationship graphs)', () => {
  it('nothing a viewer may not see ever comes out', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        for (let v = 0; v < N; v++)
          for (let t = 0; t < N; t++) {
            const rec = world.records[t]!
            const out = redactPresence(userId(v), rec, contextOf(world, v, t))
            const expected = oracle(world, v, t)
            expect(canViewPresence(userId(v), userId(t), contextOf(world, v, t))).toBe(
              expected !== 'hidden',
            )
            if (expected === 'self') {
              const { activity, ...rest } = rec
              expect(out).toEqual(rec.status === 'offline' ? rest : rec) // offline: no activity
              continue
            }
            if (expected === 'hidden') {
              expect(out).toEqual({ userId: userId(t), status: 'offline' })
              continue
            }
            const s = world.settings[t]!
            expect(out.userId).toBe(rec.userId)
            expect(out.status).toBe(rec.status)
            if (!s.showLastSeen) expect(out).not.toHaveProperty('lastSeenAt')
            else expect(out.lastSeenAt).toBe(rec.lastSeenAt)
            if (!s.showActivity || rec.status === 'offline')
              expect(out).not.toHaveProperty('activity')
            else expect(out.activity).toEqual(rec.activity)
            expect(out.customStatus).toEqual(rec.customStatus)
          }
      }),
      { numRuns: 300 },
    )
  })

  it('a hidden user’s output does not depend on anything stored about them', () => {
    fc.assert(
      fc.property(worldArb, recordArb(1), (world, other) => {
        const c = contextOf(world, 0, 1)
        if (canViewPresence('u0', 'u1', c)) return
        expect(redactPresence('u0', world.records[1]!, c)).toEqual(redactPresence('u0', other, c))
      }),
      { numRuns: 300 },
    )
  })
})
