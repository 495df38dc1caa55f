/**
 * Room state is a value (DESIGN rule 5): applying changes to an older state never alters what a
 * newer one, or another branch, does. Also: the deadlines each update reports, kept in the room's
 * timer heap, agree with the deadlines the state holds.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LEASE_MS, sessionMeta, transportMeta } from '../test/test-helpers.js'
import { DeadlineQueue } from './deadline-queue.js'
import type { PresenceState, TransportMeta } from './ports.js'
import {
  applyJoin,
  applyLeave,
  applySync,
  createRoomState,
  expireLeases,
  nextDeadline,
  type RoomState,
  type RoomUpdate,
} from './room-state.js'

const ROOM = 'wedding:123'
const T0 = 1_700_000_000_000
const USERS = ['ana', 'bo', 'cy'] as const
const SESSIONS = ['s1', 's2'] as const

/** A session's meta as sent: its lease, and a custom status that expires `customFor` ms after it. */
interface Sent {
  readonly user: number
  readonly ref: number
  readonly session: number
  readonly seq: number
  readonly lease: number
  readonly customFor: number | null
}

type Op =
  | ({ readonly kind: 'join' } & Sent)
  | { readonly kind: 'leave'; readonly user: number; readonly ref: number }
  | { readonly kind: 'sync'; readonly fresh: boolean; readonly metas: readonly Sent[] }
  | { readonly kind: 'expire' }

const sentArb: fc.Arbitrary<Sent> = fc.record({
  user: fc.nat(USERS.length - 1),
  ref: fc.nat(5),
  session: fc.nat(SESSIONS.length - 1),
  seq: fc.nat(4),
  lease: fc.constantFrom(1_000, 5_000, LEASE_MS),
  customFor: fc.option(fc.constantFrom(500, 3_000, 20_000)),
})

const opArb: fc.Arbitrary<Op> = fc.oneof(
  sentArb.map((sent) => ({ kind: 'join' as const, ...sent })),
  fc.record({
    kind: fc.constant('leave' as const),
    user: fc.nat(USERS.length - 1),
    ref: fc.nat(5),
  }),
  fc.record({
    kind: fc.constant('sync' as const),
    fresh: fc.boolean(),
    metas: fc.array(sentArb, { maxLength: 4 }),
  }),
  fc.constant({ kind: 'expire' as const }),
)

/** Operations with the time that passes before each. */
const stepsArb = (maxLength: number) => fc.array(fc.tuple(opArb, fc.nat(8_000)), { maxLength })

function wire(sent: Sent, now: number): TransportMeta {
  const custom =
    sent.customFor === null
      ? undefined
      : { status: { text: 'At a venue', expiresAt: now + sent.customFor }, at: 1 }
  const meta = sessionMeta({
    session: SESSIONS[sent.session]!,
    seq: sent.seq,
    lease: sent.lease,
    ...(custom ? { custom } : {}),
  })
  return transportMeta(`${USERS[sent.user]}:r${sent.ref}`, meta)
}

function apply(state: RoomState, op: Op, now: number): RoomUpdate {
  switch (op.kind) {
    case 'join':
      return applyJoin(state, USERS[op.user]!, [wire(op, now)], now)
    case 'leave':
      return applyLeave(
        state,
        USERS[op.user]!,
        [transportMeta(`${USERS[op.user]}:r${op.ref}`, {})],
        now,
      )
    case 'sync': {
      const incoming: Record<string, TransportMeta[]> = {}
      for (const sent of op.metas) {
        const key = USERS[sent.user]!
        incoming[key] = [...(incoming[key] ?? []), wire(sent, now)]
      }
      return applySync(state, incoming as PresenceState, now, { fresh: op.fresh })
    }
    case 'expire':
      return expireLeases(state, now)
  }
}

/** Everything an update says, as plain data. */
function observe(update: RoomUpdate) {
  const { snapshot } = update.state
  return {
    version: snapshot.version,
    counts: { ...snapshot.counts },
    members: snapshot.toArray(),
    changes: update.changes,
    rejected: update.rejected,
    deadlines: update.deadlines,
    next: nextDeadline(update.state),
  }
}

/** What an update says, with its lists in one order. */
function sameOrder(seen: ReturnType<typeof observe>) {
  const byUser = (list: readonly { userId: string }[]) =>
    [...list].sort((a, b) => a.userId.localeCompare(b.userId))
  const { joined, left, updated } = seen.changes
  return {
    ...seen,
    changes: { joined: byUser(joined), left: byUser(left), updated: byUser(updated) },
    deadlines: [...seen.deadlines].sort((a, b) => a.key.localeCompare(b.key)),
  }
}

type Steps = readonly (readonly [Op, number])[]

/** Applies `steps` from `state` at `now`; returns the last state and time, and what each said. */
function run(state: RoomState, now: number, steps: Steps) {
  const seen: ReturnType<typeof observe>[] = []
  for (const [op, gap] of steps) {
    now += gap
    const update = apply(state, op, now)
    seen.push(observe(update))
    state = update.state
  }
  return { state, now, seen }
}

describe('room state branching (property)', () => {
  it('applying a branch to an older state never changes what continues from it', () => {
    fc.assert(
      fc.property(
        stepsArb(25),
        stepsArb(10),
        stepsArb(25),
        fc.boolean(),
        (prefix, branch, continuation, retainOffline) => {
          const start = createRoomState(ROOM, { retainOffline })
          const middle = run(start, T0, prefix)
          // A branch from the middle state, its results dropped, then the original goes on.
          run(middle.state, middle.now, branch)
          const after = run(middle.state, middle.now, continuation)
          // The same continuation from scratch, with no branch ever taken.
          const fresh = run(createRoomState(ROOM, { retainOffline }), T0, prefix)
          const reference = run(fresh.state, fresh.now, continuation)
          expect(after.seen).toEqual(reference.seen)
        },
      ),
      { numRuns: 300 },
    )
  })

  it("a timer heap fed each update's deadlines agrees with the state's own", () => {
    fc.assert(
      fc.property(stepsArb(60), fc.boolean(), (steps, retainOffline) => {
        let state = createRoomState(ROOM, { retainOffline })
        let now = T0
        const heap = new DeadlineQueue()
        const feed = (update: RoomUpdate) => {
          for (const { key, at } of update.deadlines)
            if (at === undefined) heap.cancel(key)
            else heap.schedule(key, at)
          state = update.state
        }
        for (const [op, gap] of steps) {
          now += gap
          if (op.kind === 'expire') {
            // The shell's way (the keys its heap says are due) does what reading the state does.
            const byState = expireLeases(state, now)
            const byHeap = expireLeases(state, now, heap.takeDue(now))
            // The same members change; their order is the heap's (by deadline) or the state's.
            expect(sameOrder(observe(byHeap))).toEqual(sameOrder(observe(byState)))
            feed(byHeap)
          } else feed(apply(state, op, now))
          expect(heap.peek()).toBe(nextDeadline(state))
        }
      }),
      { numRuns: 300 },
    )
  })
})

describe('room state branching (the bugs a shared deadline queue had)', () => {
  const join = (state: RoomState, key: string, lease: number) =>
    applyJoin(state, key, [transportMeta(`${key}:r1`, sessionMeta({ lease }))], T0)

  it('two joins applied to the same state each report their own deadline', () => {
    const base = createRoomState(ROOM)
    const ana = join(base, 'ana', LEASE_MS)
    const bo = join(base, 'bo', 5_000)
    expect(nextDeadline(ana.state)).toBe(T0 + LEASE_MS)
    expect(nextDeadline(bo.state)).toBe(T0 + 5_000)
    expect(ana.deadlines).toEqual([{ key: 'ana', at: T0 + LEASE_MS }])
    expect(bo.deadlines).toEqual([{ key: 'bo', at: T0 + 5_000 }])
  })

  it('expiring leases on one state leaves another that shares its past to expire its own', () => {
    const state = join(createRoomState(ROOM), 'ana', LEASE_MS).state
    const first = expireLeases(state, T0 + LEASE_MS)
    const second = expireLeases(state, T0 + LEASE_MS)
    expect(first.state.snapshot.member('ana')?.status).toBe('offline')
    expect(second.state.snapshot.member('ana')?.status).toBe('offline')
    expect(second.changes.left.map((m) => m.userId)).toEqual(['ana'])
    expect(nextDeadline(state)).toBe(T0 + LEASE_MS)
  })
})
