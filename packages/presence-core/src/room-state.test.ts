import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LEASE_MS, presenceState, sessionMeta, transportMeta } from '../test/test-helpers.js'
import { LAST_ACTIVE_RESOLUTION_MS, sameMember } from './aggregation.js'
import { META_LIMITS, type SessionMeta } from './meta-schema.js'
import type { PresenceEvent, PresenceState, TransportMeta } from './ports.js'
import {
  applyJoin,
  applyLeave,
  applyPresenceEvent,
  applySync,
  createRoomState,
  expireLeases,
  nextDeadline,
  type RoomState,
  type RoomStateOptions,
  type RoomUpdate,
  roomStateFrom,
} from './room-state.js'
import {
  type Activity,
  type MemberPresence,
  type RoomSnapshot,
  STATUSES,
  type Status,
} from './types.js'

const ROOM = 'wedding:123'
const T0 = 1_700_000_000_000
const TIMELINE: Activity = { action: 'viewing', target: 'timeline', weddingId: '123' }

const meta = (session: string, overrides: Partial<SessionMeta> = {}) =>
  sessionMeta({ session, ...overrides })

function join(state: RoomState, key: string, ref: string, m: unknown, now: number): RoomUpdate {
  return applyJoin(state, key, [transportMeta(ref, m)], now)
}

function leave(state: RoomState, key: string, ref: string, now: number): RoomUpdate {
  // Phoenix sends the whole meta with a leave; only the ref matters.
  return applyLeave(state, key, [transportMeta(ref, { phx_ref: ref })], now)
}

function recount(snapshot: RoomSnapshot): Record<Status, number> {
  const counts = { online: 0, idle: 0, away: 0, busy: 0, offline: 0 }
  for (const member of snapshot) counts[member.status]++
  return counts
}

/** Checks what must hold of every snapshot. */
function expectConsistent(snapshot: RoomSnapshot) {
  expect({ ...snapshot.counts }).toEqual(recount(snapshot))
  const array = snapshot.toArray()
  expect(array.length).toBe(snapshot.size)
  expect(Array.from(snapshot.values()).length).toBe(snapshot.size)
  for (let i = 1; i < array.length; i++) expect(array[i - 1]!.userId < array[i]!.userId).toBe(true)
  for (const member of array) {
    expect(snapshot.member(member.userId)).toBe(member)
    expect(snapshot.has(member.userId)).toBe(true)
    expect(member.status === 'offline').toBe(member.sessions.length === 0)
  }
}

/** A state with the given members joined at `now`, one session each. */
function roomWith(
  members: Record<string, Partial<SessionMeta>>,
  now = T0,
  options?: RoomStateOptions,
): RoomState {
  const state: Record<string, readonly (readonly [string, unknown])[]> = {}
  for (const [key, overrides] of Object.entries(members)) {
    state[key] = [[`${key}:r1`, meta(`${key}-s1`, overrides)]]
  }
  return roomStateFrom(ROOM, presenceState(state), now, options)
}

describe('createRoomState', () => {
  it('starts empty at version 0', () => {
    const state = createRoomState(ROOM)
    expect(state.snapshot.roomId).toBe(ROOM)
    expect(state.snapshot.version).toBe(0)
    expect(state.snapshot.size).toBe(0)
    expect(state.snapshot.counts).toEqual({ online: 0, idle: 0, away: 0, busy: 0, offline: 0 })
    expect(state.snapshot.toArray()).toEqual([])
    expect(nextDeadline(state)).toBeUndefined()
    expect(expireLeases(state, T0).state).toBe(state)
  })
})

describe('counts', () => {
  it('are frozen, and a snapshot keeps its own when a later one changes them', () => {
    let state = applySync(
      createRoomState(ROOM),
      presenceState({ ana: [['r1', meta('a1')]], bo: [['r2', meta('b1', { status: 'idle' })]] }),
      T0,
    ).state
    const first = state.snapshot.counts
    expect(state.snapshot.counts).toBe(first)
    expect(Object.isFrozen(first)).toBe(true)
    // A leave makes a new snapshot; the earlier snapshot keeps its counts.
    state = applyLeave(state, 'bo', [transportMeta('r2', meta('b1'))], T0).state
    expect(state.snapshot.counts).toEqual({ online: 1, idle: 0, away: 0, busy: 0, offline: 1 })
    expect(first).toEqual({ online: 1, idle: 1, away: 0, busy: 0, offline: 0 })
    expect(() => {
      ;(state.snapshot.counts as Record<string, number>).online = 9
    }).toThrow(TypeError)
    // A change within a status makes a new snapshot that shares the counts it had.
    const before = state.snapshot
    state = applyJoin(
      state,
      'ana',
      [transportMeta('r9', meta('a1', { activity: TIMELINE }))],
      T0,
    ).state
    expect(state.snapshot.version).toBe(before.version + 1)
    expect(state.snapshot.counts).toBe(before.counts)
  })
})

describe('applySync', () => {
  it('creates members from a full state', () => {
    const { state, changes, rejected } = applySync(
      createRoomState(ROOM),
      presenceState({
        ana: [['r1', meta('a1', { activity: TIMELINE, activeAgo: 1_000 })]],
        bo: [
          ['r2', meta('b1', { status: 'idle' })],
          ['r3', meta('b2', { status: 'away' })],
        ],
      }),
      T0,
    )
    expect(rejected).toEqual([])
    expect(state.snapshot.version).toBe(1)
    expect(changes.joined.map((m) => m.userId).sort()).toEqual(['ana', 'bo'])
    expect(changes.left).toEqual([])
    expect(changes.updated).toEqual([])
    expect(state.snapshot.member('ana')).toEqual({
      userId: 'ana',
      status: 'online',
      activity: TIMELINE,
      lastActiveAt: T0 - 1_000,
      sessions: [{ sessionId: 'a1', status: 'online', activity: TIMELINE }],
    })
    expect(state.snapshot.member('bo')?.status).toBe('idle')
    expect(state.snapshot.member('bo')?.sessions).toHaveLength(2)
    expect(state.snapshot.counts).toEqual({ online: 1, idle: 1, away: 0, busy: 0, offline: 0 })
    expectConsistent(state.snapshot)
  })

  it('returns the very same state for a sync that changes nothing', () => {
    const incoming = presenceState({ ana: [['r1', meta('a1')]], bo: [['r2', meta('b1')]] })
    const first = applySync(createRoomState(ROOM), incoming, T0).state
    const again = applySync(first, incoming, T0 + 5_000)
    expect(again.state).toBe(first)
    expect(again.changes).toEqual({ joined: [], left: [], updated: [] })
    // The same metas in another order change nothing visible either.
    const reordered = applySync(first, { bo: incoming.bo!, ana: incoming.ana! }, T0 + 6_000)
    expect(reordered.state.snapshot).toBe(first.snapshot)
  })

  it('makes members that are no longer in the state leave', () => {
    const first = roomWith({ ana: { activeAgo: 0 }, bo: {} })
    const { state, changes } = applySync(
      first,
      presenceState({ bo: [['bo:r1', meta('bo-s1')]] }),
      T0 + 1_000,
    )
    expect(changes.left.map((m) => m.userId)).toEqual(['ana'])
    expect(state.snapshot.member('ana')).toEqual({
      userId: 'ana',
      status: 'offline',
      sessions: [],
      lastActiveAt: T0,
    })
    expect(state.snapshot.member('bo')).toBe(first.snapshot.member('bo'))
    expectConsistent(state.snapshot)
  })

  it('rejects malformed metas and invalid keys without storing anything of them', () => {
    const { state, rejected } = applySync(
      createRoomState(ROOM),
      {
        ana: [
          transportMeta('r1', meta('a1')),
          transportMeta('r2', { v: 2, session: 'evil' }),
          { meta: meta('no-ref') } as unknown as TransportMeta,
        ],
        mallory: [transportMeta('r3', '<script>alert(1)</script>')],
        empty: [],
        notAnArray: 'metas' as unknown as TransportMeta[],
        ids: [transportMeta('r4', meta('x'))],
        ['x'.repeat(META_LIMITS.idLength + 1)]: [transportMeta('r5', meta('y'))],
      },
      T0,
    )
    expect(state.snapshot.toArray().map((m) => m.userId)).toEqual(['ana'])
    expect(state.snapshot.member('ana')?.sessions.map((s) => s.sessionId)).toEqual(['a1'])
    expect(state.snapshot.size).toBe(1)
    expect(state.snapshot.counts).toEqual({ online: 1, idle: 0, away: 0, busy: 0, offline: 0 })
    expect(rejected.map((r) => [r.key, r.ref])).toEqual(
      expect.arrayContaining([
        ['ana', 'r2'],
        ['ana', undefined],
        ['mallory', 'r3'],
        ['ids', undefined],
      ]),
    )
    expect(rejected.find((r) => r.ref === 'r2')?.reason).toMatch(/v/)
    expect(rejected).toHaveLength(5)
    expectConsistent(state.snapshot)
  })

  it('treats a state that is not an object as empty', () => {
    const first = roomWith({ ana: {} })
    const { state } = applySync(first, null as unknown as PresenceState, T0 + 1)
    expect(state.snapshot.member('ana')?.status).toBe('offline')
  })

  it('keeps one entry per session: the highest seq wins, in any order', () => {
    const older = transportMeta('r1', meta('a1', { seq: 1, status: 'idle' }))
    const newer = transportMeta('r2', meta('a1', { seq: 2, status: 'online' }))
    for (const metas of [
      [older, newer],
      [newer, older],
    ]) {
      const { state } = applySync(createRoomState(ROOM), { ana: metas }, T0)
      expect(state.snapshot.member('ana')?.sessions).toEqual([
        { sessionId: 'a1', status: 'online' },
      ])
    }
  })
})

describe('applyJoin', () => {
  it('adds a member who joins', () => {
    const { state, changes } = join(createRoomState(ROOM), 'ana', 'r1', meta('a1'), T0)
    expect(changes.joined.map((m) => m.userId)).toEqual(['ana'])
    expect(state.snapshot.version).toBe(1)
    expect(state.snapshot.member('ana')?.status).toBe('online')
    expectConsistent(state.snapshot)
  })

  it('is idempotent for a ref it already holds', () => {
    const first = join(createRoomState(ROOM), 'ana', 'r1', meta('a1'), T0).state
    const again = join(first, 'ana', 'r1', meta('a1'), T0 + 1_000)
    expect(again.state).toBe(first)
    expect(again.changes).toEqual({ joined: [], left: [], updated: [] })
  })

  it('adds a second session to a present member as an update', () => {
    const first = join(
      createRoomState(ROOM),
      'ana',
      'r1',
      meta('phone', { status: 'idle' }),
      T0,
    ).state
    const { state, changes } = join(first, 'ana', 'r2', meta('laptop'), T0 + 1)
    expect(changes.joined).toEqual([])
    expect(changes.updated.map((m) => m.userId)).toEqual(['ana'])
    expect(state.snapshot.member('ana')?.status).toBe('online')
    expect(state.snapshot.member('ana')?.sessions.map((s) => s.sessionId)).toEqual([
      'laptop',
      'phone',
    ])
  })

  it('treats an update (join of a new ref, then leave of the old) as one session, never a leave', () => {
    let state = join(createRoomState(ROOM), 'ana', 'r1', meta('a1', { seq: 1 }), T0).state
    const joined = join(state, 'ana', 'r2', meta('a1', { seq: 2, status: 'idle' }), T0 + 10)
    expect(joined.changes.updated.map((m) => m.status)).toEqual(['idle'])
    expect(joined.changes.left).toEqual([])
    expect(joined.state.snapshot.member('ana')?.sessions).toEqual([
      { sessionId: 'a1', status: 'idle' },
    ])
    state = joined.state
    const left = leave(state, 'ana', 'r1', T0 + 20)
    expect(left.changes).toEqual({ joined: [], left: [], updated: [] })
    expect(left.state.snapshot).toBe(state.snapshot)
    expect(left.state.snapshot.member('ana')?.sessions).toHaveLength(1)
    // The new ref is the one held: its leave is the session's leave.
    const gone = leave(left.state, 'ana', 'r2', T0 + 30)
    expect(gone.changes.left.map((m) => m.userId)).toEqual(['ana'])
  })

  it('ends with one session after an update whose leave arrives first', () => {
    let state = join(createRoomState(ROOM), 'ana', 'r1', meta('a1', { seq: 1 }), T0).state
    state = leave(state, 'ana', 'r1', T0 + 10).state
    state = join(state, 'ana', 'r2', meta('a1', { seq: 2 }), T0 + 10).state
    expect(state.snapshot.member('ana')?.status).toBe('online')
    expect(state.snapshot.member('ana')?.sessions).toHaveLength(1)
  })

  it('gives no update for a heartbeat that changes nothing visible, but refreshes the lease', () => {
    const first = join(createRoomState(ROOM), 'ana', 'r1', meta('a1', { seq: 1 }), T0).state
    const beat = join(first, 'ana', 'r2', meta('a1', { seq: 2 }), T0 + 15_000)
    expect(beat.changes).toEqual({ joined: [], left: [], updated: [] })
    expect(beat.state.snapshot).toBe(first.snapshot)
    const after = leave(beat.state, 'ana', 'r1', T0 + 15_000).state
    expect(expireLeases(after, T0 + LEASE_MS).state.snapshot.member('ana')?.status).toBe('online')
  })

  it('ignores a join of an older seq for a known session', () => {
    const first = join(
      createRoomState(ROOM),
      'ana',
      'r2',
      meta('a1', { seq: 5, status: 'idle' }),
      T0,
    ).state
    const stale = join(first, 'ana', 'r1', meta('a1', { seq: 4, status: 'online' }), T0 + 1)
    expect(stale.state.snapshot).toBe(first.snapshot)
    expect(stale.state.snapshot.member('ana')?.status).toBe('idle')
    // Its ref is not held: a leave of it changes nothing.
    expect(leave(stale.state, 'ana', 'r1', T0 + 2).state.snapshot.member('ana')?.status).toBe(
      'idle',
    )
  })

  it('breaks a tie on seq by the larger ref, in either order', () => {
    const a = transportMeta('ra', meta('s', { seq: 3, status: 'idle' }))
    const b = transportMeta('rb', meta('s', { seq: 3, status: 'away' }))
    const ab = applyJoin(applyJoin(createRoomState(ROOM), 'u', [a], T0).state, 'u', [b], T0)
    const ba = applyJoin(applyJoin(createRoomState(ROOM), 'u', [b], T0).state, 'u', [a], T0)
    expect(ab.state.snapshot.member('u')?.status).toBe('away')
    expect(ba.state.snapshot.member('u')?.status).toBe('away')
  })

  it('rejects malformed metas without storing them, and keeps the valid ones', () => {
    const { state, rejected } = applyJoin(
      createRoomState(ROOM),
      'ana',
      [
        transportMeta('r1', { ...meta('a1'), lease: 1 }),
        transportMeta('r2', meta('a2')),
        transportMeta('', meta('a3')),
        null as unknown as TransportMeta,
      ],
      T0,
    )
    expect(state.snapshot.member('ana')?.sessions.map((s) => s.sessionId)).toEqual(['a2'])
    expect(rejected).toHaveLength(3)
    expect(rejected[0]).toMatchObject({ key: 'ana', ref: 'r1' })
    expect(rejected[0]?.reason).toContain('lease')
    expect(rejected[1]).toEqual({ key: 'ana', reason: 'meta without a transport ref' })
  })

  it('creates no member when every meta is malformed', () => {
    const base = roomWith({ bo: {} })
    const update = join(base, 'mallory', 'r9', { v: 1, session: 'x' }, T0 + 1)
    expect(update.state).toBe(base)
    expect(update.state.snapshot.has('mallory')).toBe(false)
    expect(update.rejected).toHaveLength(1)
  })

  it.each([['ids'], ['__proto__'], ['constructor'], [''], ['x'.repeat(129)]])(
    'rejects the invalid key %j',
    (key) => {
      const base = createRoomState(ROOM)
      const update = join(base, key, 'r1', meta('a1'), T0)
      expect(update.state).toBe(base)
      expect(update.rejected).toEqual([{ key: key.slice(0, 64), reason: 'invalid presence key' }])
    },
  )

  it('never throws on a key or metas of the wrong type', () => {
    const base = createRoomState(ROOM)
    for (const key of [Object.create(null), Symbol('k'), 7, null, { toString: () => 'ana' }]) {
      const update = applyJoin(base, key as never, [transportMeta('r1', meta('a1'))], T0)
      expect(update.state).toBe(base)
      expect(update.rejected).toHaveLength(1)
      expect(typeof update.rejected[0]?.key).toBe('string')
    }
    expect(applyJoin(base, 'ana', 'metas' as never, T0).state).toBe(base)
    expect(applyLeave(base, 'ana', { length: 1 } as never, T0).state).toBe(base)
  })
})

describe('applyLeave', () => {
  it('ignores a leave of an unknown ref, or of a ref under another key', () => {
    const first = roomWith({ ana: {} })
    expect(leave(first, 'ana', 'nope', T0).state).toBe(first)
    expect(leave(first, 'bo', 'ana:r1', T0).state).toBe(first)
    expect(leave(first, 'nobody', 'ana:r1', T0).state).toBe(first)
    expect(applyLeave(first, 'ana', [null as unknown as TransportMeta], T0).state).toBe(first)
  })

  it("changes nothing on an update's leave: its join already replaced that ref", () => {
    const first = roomWith({ ana: {} })
    const updated = join(
      first,
      'ana',
      'ana:r2',
      meta('ana-s1', { seq: 2, manual: { status: 'busy', at: T0 } }),
      T0,
    )
    expect(updated.changes.updated.map((m) => m.userId)).toEqual(['ana'])
    const { state, changes, rejected } = leave(updated.state, 'ana', 'ana:r1', T0)
    expect(state).toBe(updated.state)
    expect(changes).toEqual({ joined: [], left: [], updated: [] })
    expect(rejected).toEqual([])
    expect(state.snapshot.member('ana')?.status).toBe('busy')
  })

  it('makes a member whose last session leaves offline, keeping last seen', () => {
    const first = roomWith({ ana: { activeAgo: 3_000, profile: { name: 'Ana' } }, bo: {} })
    const { state, changes } = leave(first, 'ana', 'ana:r1', T0 + 60_000)
    expect(changes.left.map((m) => m.userId)).toEqual(['ana'])
    expect(changes.left[0]).toBe(state.snapshot.member('ana'))
    expect(state.snapshot.member('ana')).toEqual({
      userId: 'ana',
      status: 'offline',
      sessions: [],
      lastActiveAt: T0 - 3_000,
      profile: { name: 'Ana' },
    })
    expect(state.snapshot.size).toBe(2)
    expect(state.snapshot.counts).toEqual({ online: 1, idle: 0, away: 0, busy: 0, offline: 1 })
    expect(state.snapshot.version).toBe(first.snapshot.version + 1)
    // Back again: a join.
    const back = join(state, 'ana', 'ana:r2', meta('ana-s1', { seq: 2 }), T0 + 70_000)
    expect(back.changes.joined.map((m) => m.userId)).toEqual(['ana'])
    expect(back.state.snapshot.counts).toEqual({ online: 2, idle: 0, away: 0, busy: 0, offline: 0 })
  })

  it('forgets members who leave when retainOffline is false', () => {
    const first = roomWith({ ana: {}, bo: {} }, T0, { retainOffline: false })
    const { state, changes } = leave(first, 'ana', 'ana:r1', T0 + 1)
    expect(changes.left.map((m) => m.userId)).toEqual(['ana'])
    expect(changes.left[0]?.status).toBe('offline')
    expect(state.snapshot.has('ana')).toBe(false)
    expect(state.snapshot.size).toBe(1)
    expect(state.snapshot.counts).toEqual({ online: 1, idle: 0, away: 0, busy: 0, offline: 0 })
    expectConsistent(state.snapshot)
  })

  it('updates a member who still has another session', () => {
    let state = join(
      createRoomState(ROOM),
      'ana',
      'r1',
      meta('phone', { status: 'away' }),
      T0,
    ).state
    state = join(state, 'ana', 'r2', meta('laptop'), T0).state
    const { state: after, changes } = leave(state, 'ana', 'r2', T0 + 1)
    expect(changes.updated.map((m) => m.status)).toEqual(['away'])
    expect(after.snapshot.member('ana')?.sessions.map((s) => s.sessionId)).toEqual(['phone'])
  })
})

describe('leases (observer clock)', () => {
  it('makes a silent session offline when its lease runs out, without any leave', () => {
    const first = join(createRoomState(ROOM), 'ana', 'r1', meta('a1'), T0).state
    expect(nextDeadline(first)).toBe(T0 + LEASE_MS)
    const early = expireLeases(first, T0 + LEASE_MS - 1)
    expect(early.state).toBe(first)
    expect(early.changes).toEqual({ joined: [], left: [], updated: [] })
    const { state, changes } = expireLeases(early.state, T0 + LEASE_MS)
    expect(changes.left.map((m) => m.userId)).toEqual(['ana'])
    expect(state.snapshot.member('ana')?.status).toBe('offline')
    expect(nextDeadline(state)).toBeUndefined()
    // The transport's late leave changes nothing more.
    const late = leave(state, 'ana', 'r1', T0 + 40_000)
    expect(late.changes).toEqual({ joined: [], left: [], updated: [] })
    expect(late.state.snapshot).toBe(state.snapshot)
  })

  it('measures the lease from when the observer heard the session, whatever the sender says', () => {
    const skewed = meta('a1', { activeAgo: 0, manual: { status: null, at: T0 + 3_600_000 } })
    const first = join(createRoomState(ROOM), 'ana', 'r1', skewed, T0 + 5_000).state
    expect(first.snapshot.member('ana')?.lastActiveAt).toBe(T0 + 5_000)
    expect(
      expireLeases(first, T0 + 5_000 + LEASE_MS - 1).state.snapshot.member('ana')?.status,
    ).toBe('online')
  })

  it('is refreshed by a join of a new ref (a heartbeat)', () => {
    let state = join(createRoomState(ROOM), 'ana', 'r1', meta('a1', { seq: 1 }), T0).state
    state = join(state, 'ana', 'r2', meta('a1', { seq: 2 }), T0 + 20_000).state
    state = leave(state, 'ana', 'r1', T0 + 20_000).state
    const deadline = nextDeadline(state)!
    expect(deadline).toBeLessThanOrEqual(T0 + 20_000 + LEASE_MS) // may be early, never late
    const atOldLease = expireLeases(state, T0 + LEASE_MS)
    expect(atOldLease.changes).toEqual({ joined: [], left: [], updated: [] })
    state = atOldLease.state
    expect(nextDeadline(state)).toBe(T0 + 20_000 + LEASE_MS)
    expect(expireLeases(state, T0 + 20_000 + LEASE_MS).state.snapshot.member('ana')?.status).toBe(
      'offline',
    )
  })

  it('is not refreshed by a sync that is not fresh', () => {
    const incoming = presenceState({ ana: [['r1', meta('a1')]] })
    let state = applySync(createRoomState(ROOM), incoming, T0).state
    state = applySync(state, incoming, T0 + 25_000).state
    expect(expireLeases(state, T0 + LEASE_MS).state.snapshot.member('ana')?.status).toBe('offline')
  })

  it('is fresh for every session after a fresh sync', () => {
    const incoming = presenceState({ ana: [['r1', meta('a1')]], bo: [['r2', meta('b1')]] })
    let state = applySync(createRoomState(ROOM), incoming, T0).state
    const fresh = applySync(state, incoming, T0 + 25_000, { fresh: true })
    expect(fresh.changes).toEqual({ joined: [], left: [], updated: [] })
    expect(fresh.state.snapshot).toBe(state.snapshot)
    state = expireLeases(fresh.state, T0 + LEASE_MS).state
    expect(state.snapshot.member('ana')?.status).toBe('online')
    state = expireLeases(state, T0 + 25_000 + LEASE_MS).state
    expect(state.snapshot.member('ana')?.status).toBe('offline')
    expect(state.snapshot.member('bo')?.status).toBe('offline')
  })

  it('does not revive an expired ref through a sync in the same connection, only a fresh one', () => {
    const incoming = presenceState({ ana: [['r1', meta('a1')]], bo: [['r2', meta('b1')]] })
    let state = applySync(createRoomState(ROOM), incoming, T0).state
    state = join(state, 'bo', 'r3', meta('b1', { seq: 2 }), T0 + 20_000).state
    state = leave(state, 'bo', 'r2', T0 + 20_000).state
    state = expireLeases(state, T0 + LEASE_MS).state
    expect(state.snapshot.member('ana')?.status).toBe('offline')
    // The server has not noticed the ghost yet: it still lists r1.
    const ghost = presenceState({ ana: [['r1', meta('a1')]], bo: [['r3', meta('b1', { seq: 2 })]] })
    const stale = applySync(state, ghost, T0 + 31_000)
    expect(stale.changes).toEqual({ joined: [], left: [], updated: [] })
    expect(stale.state.snapshot.member('ana')?.status).toBe('offline')
    const again = applyJoin(stale.state, 'ana', [transportMeta('r1', meta('a1'))], T0 + 32_000)
    expect(again.state.snapshot.member('ana')?.status).toBe('offline')
    // After a reconnect the transport's state is the truth again.
    const fresh = applySync(again.state, ghost, T0 + 33_000, { fresh: true })
    expect(fresh.changes.joined.map((m) => m.userId)).toEqual(['ana'])
    expect(fresh.state.snapshot.member('bo')).toBe(again.state.snapshot.member('bo'))
  })

  it('comes back with a new ref after expiring, and forgets the expired ref on its leave', () => {
    let state = join(createRoomState(ROOM), 'ana', 'r1', meta('a1', { seq: 1 }), T0).state
    state = expireLeases(state, T0 + LEASE_MS).state
    const back = join(state, 'ana', 'r2', meta('a1', { seq: 2 }), T0 + 40_000)
    expect(back.changes.joined.map((m) => m.userId)).toEqual(['ana'])
    const gone = leave(back.state, 'ana', 'r1', T0 + 40_000)
    expect(gone.state.snapshot).toBe(back.state.snapshot)
    expect(gone.state.expired.size).toBe(0)
  })

  it('clamps the lease a session asks for to the room bounds', () => {
    const options = { minLeaseMs: 5_000, maxLeaseMs: 60_000 }
    let state = createRoomState(ROOM, options)
    state = join(state, 'short', 'r1', meta('s', { lease: 1_000 }), T0).state
    state = join(state, 'long', 'r2', meta('l', { lease: META_LIMITS.maxLeaseMs }), T0).state
    expect(nextDeadline(state)).toBe(T0 + 5_000)
    state = expireLeases(state, T0 + 5_000).state
    expect(state.snapshot.member('short')?.status).toBe('offline')
    expect(nextDeadline(state)).toBe(T0 + 60_000)
    state = expireLeases(state, T0 + 60_000).state
    expect(state.snapshot.member('long')?.status).toBe('offline')
  })

  it('re-derives a member when a custom status or a calendar window expires', () => {
    let state = join(
      createRoomState(ROOM),
      'ana',
      'r1',
      meta('a1', {
        lease: 3_600_000,
        custom: { status: { text: 'At a venue', expiresAt: T0 + 10_000 }, at: 1 },
        calendar: { text: 'Tasting', until: T0 + 20_000 },
      }),
      T0,
    ).state
    expect(state.snapshot.member('ana')).toMatchObject({
      status: 'busy',
      customStatus: { text: 'At a venue' },
    })
    expect(nextDeadline(state)).toBe(T0 + 10_000)
    const custom = expireLeases(state, T0 + 10_000)
    expect(custom.changes.updated.map((m) => m.customStatus)).toEqual([undefined])
    state = custom.state
    expect(nextDeadline(state)).toBe(T0 + 20_000)
    const calendar = expireLeases(state, T0 + 20_000)
    expect(calendar.changes.updated.map((m) => [m.status, m.calendar])).toEqual([
      ['online', undefined],
    ])
  })
})

describe('snapshots', () => {
  it('increments the version only when something visible changes', () => {
    let state = createRoomState(ROOM)
    const versions: number[] = []
    const step = (update: RoomUpdate) => {
      const changed =
        update.changes.joined.length + update.changes.left.length + update.changes.updated.length
      expect(update.state.snapshot.version).toBe(state.snapshot.version + (changed > 0 ? 1 : 0))
      if (changed === 0) expect(update.state.snapshot).toBe(state.snapshot)
      state = update.state
      versions.push(state.snapshot.version)
    }
    step(join(state, 'ana', 'r1', meta('a1', { seq: 1 }), T0)) // joined
    step(join(state, 'ana', 'r1', meta('a1', { seq: 1 }), T0)) // duplicate
    step(join(state, 'ana', 'r2', meta('a1', { seq: 2 }), T0 + 1)) // heartbeat
    step(leave(state, 'ana', 'r1', T0 + 1)) // its leave
    step(leave(state, 'ana', 'zzz', T0 + 1)) // unknown
    step(join(state, 'ana', 'r3', meta('a1', { seq: 3, status: 'idle' }), T0 + 2)) // updated
    step(expireLeases(state, T0 + 3)) // nothing due
    step(leave(state, 'ana', 'r3', T0 + 4)) // left
    expect(versions).toEqual([1, 1, 1, 1, 1, 2, 2, 3])
  })

  it('sorts toArray by user id, builds it once and freezes it', () => {
    const state = roomWith({ cy: {}, ana: {}, bo: {}, 'user-9rnw': {}, 'user-apba': {} })
    const array = state.snapshot.toArray()
    expect(array.map((m) => m.userId)).toEqual(['ana', 'bo', 'cy', 'user-9rnw', 'user-apba'])
    expect(state.snapshot.toArray()).toBe(array)
    expect(Object.isFrozen(array)).toBe(true)
    const next = join(state, 'di', 'r9', meta('d1'), T0).state
    expect(next.snapshot.toArray()).not.toBe(array)
    expect(next.snapshot.toArray().map((m) => m.userId)).toEqual([
      'ana',
      'bo',
      'cy',
      'di',
      'user-9rnw',
      'user-apba',
    ])
  })

  it('iterates members with values() and for…of', () => {
    const state = roomWith({ ana: {}, bo: {} })
    expect(
      Array.from(state.snapshot)
        .map((m) => m.userId)
        .sort(),
    ).toEqual(['ana', 'bo'])
    expect(state.snapshot.has('cy')).toBe(false)
    expect(state.snapshot.member('cy')).toBeUndefined()
  })

  it('keeps the identity of every member a change does not touch', () => {
    const first = roomWith({ ana: {}, bo: {}, cy: {} })
    const { state } = join(first, 'bo', 'r9', meta('bo-s2', { status: 'idle' }), T0 + 1)
    expect(state.snapshot.member('ana')).toBe(first.snapshot.member('ana'))
    expect(state.snapshot.member('cy')).toBe(first.snapshot.member('cy'))
    expect(state.snapshot.member('bo')).not.toBe(first.snapshot.member('bo'))
  })

  it('shares every untouched member when one join lands in a 5,000-member room', () => {
    const members: Record<string, readonly (readonly [string, unknown])[]> = {}
    for (let i = 0; i < 5_000; i++) members[`user-${i}`] = [[`r${i}`, meta(`s${i}`)]]
    const before = roomStateFrom(ROOM, presenceState(members), T0)
    expect(before.snapshot.size).toBe(5_000)
    const { state, changes } = join(
      before,
      'user-42',
      'r-new',
      meta('second', { status: 'idle' }),
      T0 + 1,
    )
    expect(changes.updated.map((m) => m.userId)).toEqual(['user-42'])
    let shared = 0
    for (const member of before.snapshot.values()) {
      if (state.snapshot.member(member.userId) === member) shared++
    }
    expect(shared).toBe(4_999)
    expect(state.snapshot.member('user-42')?.sessions).toHaveLength(2)
    expect(state.snapshot.counts).toEqual({ online: 5_000, idle: 0, away: 0, busy: 0, offline: 0 })
    // The old snapshot is untouched.
    expect(before.snapshot.member('user-42')?.sessions).toHaveLength(1)
  })
})

describe('applyPresenceEvent', () => {
  it('dispatches sync, join and leave', () => {
    let state = createRoomState(ROOM)
    state = applyPresenceEvent(
      state,
      { type: 'sync', state: presenceState({ ana: [['r1', meta('a1')]] }) },
      T0,
    ).state
    state = applyPresenceEvent(
      state,
      { type: 'join', key: 'bo', metas: [transportMeta('r2', meta('b1'))] },
      T0,
    ).state
    expect(state.snapshot.toArray().map((m) => m.userId)).toEqual(['ana', 'bo'])
    state = applyPresenceEvent(
      state,
      { type: 'leave', key: 'ana', metas: [transportMeta('r1', {})] },
      T0,
    ).state
    expect(state.snapshot.member('ana')?.status).toBe('offline')
    const fresh = applyPresenceEvent(
      state,
      { type: 'sync', state: presenceState({ bo: [['r2', meta('b1')]] }) },
      T0 + 25_000,
      { fresh: true },
    ).state
    expect(expireLeases(fresh, T0 + LEASE_MS).state.snapshot.member('bo')?.status).toBe('online')
  })
})

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const NOW = T0
// 'user-9rnw' and 'user-apba' collide under FNV-1a: the member map must keep them apart.
const USERS = ['ana', 'bo', 'cy', 'user-9rnw', 'user-apba'] as const
const SESSIONS = ['s1', 's2'] as const
const FIELDS: readonly Partial<SessionMeta>[] = [
  { status: 'online', activeAgo: 0, activity: TIMELINE },
  { status: 'idle', activeAgo: 61_000 },
  { status: 'online', activeAgo: 59_000, activity: { action: 'editing', target: 'budget' } },
  { status: 'away', activeAgo: 600_000, manual: { status: 'busy', at: 1 } },
  { status: 'online', custom: { status: { text: 'At a venue' }, at: 2 }, profile: { name: 'Ana' } },
  {
    status: 'online',
    calendar: { text: 'Tasting', until: NOW + 1_000 },
    manual: { status: null, at: 3 },
  },
  { status: 'idle', activeAgo: 1_000, profile: { name: 'Bo', role: 'planner' } },
]
const GARBAGE = { v: 1, session: 'garbage', status: 'online' } // no seq, no lease

type Cell = null | 'garbage' | { readonly fields: number; readonly bump: boolean }
const cellArb: fc.Arbitrary<Cell> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant('garbage' as const) },
  {
    weight: 6,
    arbitrary: fc.record({ fields: fc.nat(FIELDS.length - 1), bump: fc.boolean() }),
  },
)
const CELLS = USERS.length * SESSIONS.length
const worldArb = fc.array(fc.array(cellArb, { minLength: CELLS, maxLength: CELLS }), {
  minLength: 1,
  maxLength: 8,
})

/**
 * Turns a sequence of worlds into the transport states a Supabase-like server would hold: a meta
 * keeps its ref while it is unchanged; a change (or a heartbeat, `bump`) gives a new ref and seq.
 */
function transportStates(world: readonly (readonly Cell[])[]): PresenceState[] {
  const current = new Map<string, { ref: string; seq: number; signature: string }>()
  const seqs = new Map<string, number>()
  let counter = 0
  return world.map((cells) => {
    const state: Record<string, TransportMeta[]> = {}
    cells.forEach((cell, i) => {
      const user = USERS[Math.floor(i / SESSIONS.length)]!
      const session = SESSIONS[i % SESSIONS.length]!
      const id = `${user}/${session}`
      if (cell === null) {
        current.delete(id)
        return
      }
      const signature = cell === 'garbage' ? 'garbage' : String(cell.fields)
      let held = current.get(id)
      if (!held || held.signature !== signature || (cell !== 'garbage' && cell.bump)) {
        const seq = (seqs.get(id) ?? 0) + 1
        seqs.set(id, seq)
        held = { ref: `ref-${++counter}`, seq, signature }
        current.set(id, held)
      }
      const m =
        cell === 'garbage' ? GARBAGE : meta(session, { ...FIELDS[cell.fields], seq: held.seq })
      const list = state[user] ?? []
      list.push(transportMeta(held.ref, m))
      state[user] = list
    })
    return state
  })
}

/** The events a server emits between two states: per key, a join of new refs, then a leave of old. */
function diffEvents(
  prev: PresenceState,
  next: PresenceState,
  reverseKeys: boolean,
): PresenceEvent[] {
  const keys = Array.from(new Set([...Object.keys(prev), ...Object.keys(next)]))
  if (reverseKeys) keys.reverse()
  const events: PresenceEvent[] = []
  for (const key of keys) {
    const before = prev[key] ?? []
    const after = next[key] ?? []
    const beforeRefs = new Set(before.map((m) => m.ref))
    const afterRefs = new Set(after.map((m) => m.ref))
    const joins = after.filter((m) => !beforeRefs.has(m.ref))
    const leaves = before.filter((m) => !afterRefs.has(m.ref))
    if (joins.length > 0) events.push({ type: 'join', key, metas: joins })
    if (leaves.length > 0) events.push({ type: 'leave', key, metas: leaves })
  }
  return events
}

/** Members as a person sees them, with lastActiveAt compared at its resolution. */
function expectSameMembers(actual: readonly MemberPresence[], expected: readonly MemberPresence[]) {
  expect(actual.map((m) => m.userId)).toEqual(expected.map((m) => m.userId))
  actual.forEach((a, i) => {
    const e = expected[i]!
    const { lastActiveAt: la, ...restA } = a
    const { lastActiveAt: le, ...restE } = e
    expect(restA).toEqual(restE)
    expect(la === undefined).toBe(le === undefined)
    if (la !== undefined && le !== undefined) {
      expect(Math.abs(la - le)).toBeLessThan(LAST_ACTIVE_RESOLUTION_MS)
    }
  })
}

// Property runs are CPU-bound; a generous timeout keeps them stable on a busy machine.
describe('room state properties', { timeout: 30_000 }, () => {
  it('(a) applying the events between transport states gives the state built from the last one', () => {
    fc.assert(
      fc.property(
        worldArb,
        fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 8, maxLength: 8 }),
        fc.boolean(),
        (world, flags, retainOffline) => {
          const states = transportStates(world)
          const options = { retainOffline }
          let state = applySync(createRoomState(ROOM, options), states[0]!, NOW, {
            fresh: true,
          }).state
          for (let i = 1; i < states.length; i++) {
            const [reverseKeys, syncAfter] = flags[i]!
            for (const event of diffEvents(states[i - 1]!, states[i]!, reverseKeys)) {
              state = applyPresenceEvent(state, event, NOW).state
            }
            // realtime-js follows every diff with a sync of the whole state.
            if (syncAfter) {
              const synced = applySync(state, states[i]!, NOW)
              expect(synced.changes).toEqual({ joined: [], left: [], updated: [] })
              state = synced.state
            }
          }
          expectConsistent(state.snapshot)
          const last = states[states.length - 1]!
          const reference = roomStateFrom(ROOM, last, NOW, options)
          const present = (s: RoomState) =>
            s.snapshot.toArray().filter((m) => m.status !== 'offline')
          expectSameMembers(present(state), present(reference))
          if (!retainOffline) {
            expectSameMembers(state.snapshot.toArray(), reference.snapshot.toArray())
            expect(state.snapshot.counts).toEqual(reference.snapshot.counts)
          }
          for (const member of state.snapshot.values()) {
            if (member.status === 'offline')
              expect(reference.snapshot.member(member.userId)).toBeUndefined()
          }
        },
      ),
      { numRuns: 400 },
    )
  })

  it('(b) a session past its lease is never shown present, and a live one never shown offline', () => {
    type Op =
      | { kind: 'join'; user: number; session: number; lease: number }
      | { kind: 'beat'; user: number; session: number }
      | { kind: 'leave'; user: number; session: number }
      | { kind: 'expire' }
      | { kind: 'sync'; fresh: boolean }
    const target = { user: fc.nat(USERS.length - 1), session: fc.nat(SESSIONS.length - 1) }
    const opArb: fc.Arbitrary<Op> = fc.oneof(
      fc.record({
        kind: fc.constant('join' as const),
        ...target,
        lease: fc.constantFrom(1_000, 5_000, 30_000),
      }),
      fc.record({ kind: fc.constant('beat' as const), ...target }),
      fc.record({ kind: fc.constant('leave' as const), ...target }),
      fc.record({ kind: fc.constant('expire' as const) }),
      fc.record({ kind: fc.constant('sync' as const), fresh: fc.boolean() }),
    )
    fc.assert(
      fc.property(
        fc.array(fc.tuple(opArb, fc.nat(12_000)), { maxLength: 60 }),
        fc.nat(120_000),
        (ops, finalGap) => {
          // The server's view: what it still holds. The observer's model: what it heard and when.
          interface Held {
            ref: string
            key: string
            session: string
            seq: number
            lease: number
          }
          const server = new Map<string, Held>()
          const heard = new Map<string, { key: string; heardAt: number; lease: number }>()
          let seq = 0
          let now = NOW
          let state = createRoomState(ROOM)
          const serverState = (): PresenceState => {
            const out: Record<string, TransportMeta[]> = {}
            for (const h of server.values()) {
              const list = out[h.key] ?? []
              list.push(transportMeta(h.ref, meta(h.session, { seq: h.seq, lease: h.lease })))
              out[h.key] = list
            }
            return out
          }
          const liveUntil = (key: string) =>
            Math.max(
              Number.NEGATIVE_INFINITY,
              ...Array.from(heard.values())
                .filter((h) => h.key === key)
                .map((h) => h.heardAt + h.lease),
            )
          const check = () => {
            state = expireLeases(state, now).state
            for (const [ref, h] of heard) if (h.heardAt + h.lease <= now) heard.delete(ref)
            for (const user of USERS) {
              const shown = state.snapshot.member(user)
              const present = !!shown && shown.status !== 'offline'
              expect(present, `${user} at +${now - NOW}`).toBe(liveUntil(user) > now)
            }
            const deadline = nextDeadline(state)
            const earliest = Math.min(...Array.from(heard.values()).map((h) => h.heardAt + h.lease))
            if (Number.isFinite(earliest)) {
              expect(deadline).toBeDefined()
              expect(deadline!).toBeLessThanOrEqual(earliest)
            }
          }
          for (const [op, gap] of ops) {
            now += gap
            check()
            if (op.kind === 'expire') continue
            if (op.kind === 'sync') {
              state = applySync(state, serverState(), now, { fresh: op.fresh }).state
              // A sync is authoritative for what left; a fresh one also resets every lease.
              const held = new Set(Array.from(server.values(), (h) => h.ref))
              for (const [ref] of heard) if (!held.has(ref)) heard.delete(ref)
              if (op.fresh) {
                heard.clear()
                for (const h of server.values())
                  heard.set(h.ref, { key: h.key, heardAt: now, lease: h.lease })
              }
              continue
            }
            const key = USERS[op.user]!
            const session = SESSIONS[op.session]!
            const id = `${key}/${session}`
            const old = server.get(id)
            if (op.kind === 'leave') {
              if (!old) continue
              server.delete(id)
              heard.delete(old.ref)
              state = applyLeave(state, key, [transportMeta(old.ref, {})], now).state
              continue
            }
            if (op.kind === 'beat' && !old) continue
            const lease = op.kind === 'join' ? op.lease : old!.lease
            const next: Held = { ref: `ref-${++seq}`, key, session, seq, lease }
            server.set(id, next)
            heard.set(next.ref, { key, heardAt: now, lease })
            state = applyJoin(
              state,
              key,
              [transportMeta(next.ref, meta(session, { seq, lease }))],
              now,
            ).state
            if (old) {
              heard.delete(old.ref)
              state = applyLeave(state, key, [transportMeta(old.ref, {})], now).state
            }
          }
          now += finalGap
          check()
        },
      ),
      { numRuns: 300 },
    )
  })

  describe('under any stream of events, garbage included', () => {
    const keyArb = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...USERS) },
      { weight: 1, arbitrary: fc.constantFrom('ids', '__proto__', '', 'garbage-key') },
    )
    const validMetaArb = fc
      .record({
        session: fc.constantFrom('s1', 's2', 's3'),
        seq: fc.nat(4),
        fields: fc.nat(FIELDS.length - 1),
        lease: fc.constantFrom(1_000, 30_000),
      })
      .map(({ session, seq, fields, lease }) => meta(session, { ...FIELDS[fields], seq, lease }))
    const garbageArb = fc.oneof(
      fc.anything({ withNullPrototype: true, withBigInt: true }),
      validMetaArb.map((m) => ({ ...m, v: 2 })),
      validMetaArb.map((m) => ({ ...m, lease: -1 })),
      validMetaArb.map((m) => ({ ...m, profile: { avatarUrl: 'javascript:alert(1)' } })),
    )
    const itemArb = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          ref: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'),
          meta: validMetaArb,
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          ref: fc.constantFrom('g1', 'g2', 'r1'),
          meta: garbageArb,
          garbage: fc.constant(true),
        }),
      },
      { weight: 1, arbitrary: fc.anything() },
    )
    const metasArb = fc.oneof(
      { weight: 9, arbitrary: fc.array(itemArb, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.anything() },
    )
    type Step =
      | { kind: 'join' | 'leave'; key: string; metas: unknown }
      | { kind: 'sync'; state: unknown; fresh: boolean }
      | { kind: 'expire' }
    const stepArb: fc.Arbitrary<Step> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({ kind: fc.constant('join' as const), key: keyArb, metas: metasArb }),
      },
      {
        weight: 3,
        arbitrary: fc.record({ kind: fc.constant('leave' as const), key: keyArb, metas: metasArb }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('sync' as const),
          state: fc.oneof(
            { weight: 9, arbitrary: fc.dictionary(keyArb, metasArb, { maxKeys: 4 }) },
            { weight: 1, arbitrary: fc.anything() },
          ),
          fresh: fc.boolean(),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const) }) },
    )
    const streamArb = fc.tuple(
      fc.array(fc.tuple(stepArb, fc.nat(20_000)), { maxLength: 40 }),
      fc.boolean(),
    )

    function run(
      steps: readonly (readonly [Step, number])[],
      retainOffline: boolean,
      check: (before: RoomState, update: RoomUpdate, step: Step, sent: Set<string>) => void,
    ) {
      let state = createRoomState(ROOM, { retainOffline })
      let now = NOW
      // Every (key, session) a valid meta was sent for.
      const sent = new Set<string>()
      const note = (key: unknown, metas: unknown) => {
        if (!Array.isArray(metas)) return
        for (const item of metas) {
          const m = (item as { meta?: unknown; garbage?: boolean } | null)?.meta as
            | SessionMeta
            | undefined
          if (
            item &&
            !(item as { garbage?: boolean }).garbage &&
            m &&
            typeof m.session === 'string'
          ) {
            sent.add(`${String(key)}/${m.session}`)
          }
        }
      }
      for (const [step, gap] of steps) {
        now += gap
        let update: RoomUpdate
        if (step.kind === 'join') {
          note(step.key, step.metas)
          update = applyJoin(state, step.key, step.metas as TransportMeta[], now)
        } else if (step.kind === 'leave') {
          update = applyLeave(state, step.key, step.metas as TransportMeta[], now)
        } else if (step.kind === 'sync') {
          if (step.state && typeof step.state === 'object') {
            for (const [key, metas] of Object.entries(step.state)) note(key, metas)
          }
          update = applySync(state, step.state as PresenceState, now, { fresh: step.fresh })
        } else {
          update = expireLeases(state, now)
        }
        check(state, update, step, sent)
        state = update.state
      }
    }

    it('(c) members untouched by a change keep their identity', () => {
      fc.assert(
        fc.property(streamArb, ([steps, retainOffline]) => {
          run(steps, retainOffline, (before, { state, changes }, step) => {
            const touched = new Set(
              [...changes.joined, ...changes.left, ...changes.updated].map((m) => m.userId),
            )
            for (const member of before.snapshot.values()) {
              const after = state.snapshot.member(member.userId)
              if (!touched.has(member.userId)) expect(after).toBe(member)
              else if (after && sameMember(after, member)) expect(after).toBe(member)
            }
            if (step.kind === 'join' || step.kind === 'leave') {
              for (const id of touched) expect(id).toBe(step.key)
            }
            for (const m of [...changes.joined, ...changes.updated]) {
              expect(state.snapshot.member(m.userId)).toBe(m)
              expect(m.status).not.toBe('offline')
            }
            for (const m of changes.left) {
              expect(m.status).toBe('offline')
              expect(state.snapshot.member(m.userId)).toBe(retainOffline ? m : undefined)
            }
            const count = changes.joined.length + changes.left.length + changes.updated.length
            expect(state.snapshot.version).toBe(before.snapshot.version + (count > 0 ? 1 : 0))
            if (count === 0) expect(state.snapshot).toBe(before.snapshot)
          })
        }),
        { numRuns: 300 },
      )
    })

    it('(d) counts always equal a recount of the members', () => {
      fc.assert(
        fc.property(streamArb, ([steps, retainOffline]) => {
          run(steps, retainOffline, (_before, { state }) => {
            expectConsistent(state.snapshot)
            if (!retainOffline) expect(state.snapshot.counts.offline).toBe(0)
            for (const status of STATUSES)
              expect(state.snapshot.counts[status]).toBeGreaterThanOrEqual(0)
          })
        }),
        { numRuns: 300 },
      )
    })

    it('(e) garbage never throws and never appears in the snapshot', () => {
      fc.assert(
        fc.property(streamArb, ([steps, retainOffline]) => {
          run(steps, retainOffline, (_before, { state, rejected }, _step, sent) => {
            for (const r of rejected) {
              expect(typeof r.key).toBe('string')
              expect(typeof r.reason).toBe('string')
            }
            for (const member of state.snapshot.values()) {
              // A member exists only for a key some valid meta was sent under.
              expect(Array.from(sent).some((s) => s.startsWith(`${member.userId}/`))).toBe(true)
              for (const session of member.sessions) {
                expect(sent.has(`${member.userId}/${session.sessionId}`)).toBe(true)
              }
            }
          })
        }),
        { numRuns: 300 },
      )
    })
  })
})
