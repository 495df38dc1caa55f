/**
 * The session-change planner on its own (no store): what it plans to write for reports,
 * heartbeats, leaves and sweeps, that it is pure, the retry driver, the per-user queue and the
 * sweep's tally. The stores' contract tests run it through real databases.
 */
import { describe, expect, it } from 'vitest'
import type { StoredPresence } from './presence-store.js'
import { SESSION_GRACE_MS, type StoredSession } from './session-aggregate.js'
import {
  createUserQueue,
  endSessionChange,
  heartbeatLease,
  heartbeatReviveChange,
  planSessionChange,
  reportChange,
  runSessionChange,
  type SessionChangeResult,
  type SessionSnapshot,
  sessionsFromJson,
  sweepClaimed,
} from './session-change.js'

const T = 1_000_000_000_000
const never: SessionSnapshot<null> = { previous: undefined, sessions: [], version: null }
const onlineRow: StoredPresence = {
  userId: 'u',
  status: 'online',
  lastSeenAt: T - 5_000,
  statusChangedAt: T - 60_000,
}
const session = (id: string, leaseUntil: number, over: Partial<StoredSession> = {}) =>
  ({
    sessionId: id,
    inputs: { automatic: 'online' },
    reportedAt: leaseUntil - 30_000,
    leaseUntil,
    ...over,
  }) as StoredSession

describe('planSessionChange', () => {
  it("a never-seen user's first report: the session, the row and a transition from null", () => {
    const plan = planSessionChange(
      never,
      reportChange({ userId: 'u', status: 'busy', at: T, sessionId: 's1' }),
    )
    const w = plan.write!
    expect(w.version).toBeNull()
    expect(w.put).toMatchObject({ sessionId: 's1', leaseUntil: T + 30_000, reportedAt: T })
    expect(w.end).toBeUndefined()
    expect(w.row).toEqual({ userId: 'u', status: 'busy', lastSeenAt: T, statusChangedAt: T })
    expect(w.record).toBe(true)
    expect(w.from).toBeNull()
    expect(w.sweepAt).toBe(T + 30_000)
    expect(w.graceBefore).toBe(T - SESSION_GRACE_MS)
    expect(w.result).toEqual({
      presence: w.row,
      transition: { userId: 'u', from: null, to: 'busy', at: T },
      expired: 0,
    })
  })

  it('passes the snapshot version through and records no transition when the status stays', () => {
    const plan = planSessionChange(
      { previous: onlineRow, sessions: [session('', T + 10_000)], version: 7 },
      reportChange({ userId: 'u', status: 'online', at: T }),
    )
    expect(plan.write?.version).toBe(7)
    expect(plan.write?.record).toBe(false)
    expect(plan.write?.row.statusChangedAt).toBe(T - 60_000)
    expect(plan.write?.row.lastSeenAt).toBe(T)
    expect(plan.write?.result.transition).toBeUndefined()
  })

  it('ending a session the store does not hold plans no write', () => {
    const gone = planSessionChange(never, endSessionChange('u', 'nope', T))
    expect(gone.write).toBeUndefined()
    expect(gone.result).toEqual({
      presence: { userId: 'u', status: 'offline', lastSeenAt: T, statusChangedAt: T },
      expired: 0,
    })
    const kept = planSessionChange(
      { previous: onlineRow, sessions: [], version: 1 },
      endSessionChange('u', 'nope', T),
    )
    expect(kept.result).toEqual({ presence: onlineRow, expired: 0 })
  })

  it('ending the last live session: offline, last seen unmoved, transition from online', () => {
    const plan = planSessionChange(
      { previous: onlineRow, sessions: [session('a', T + 10_000)], version: 3 },
      endSessionChange('u', 'a', T),
    )
    expect(plan.write?.end).toBe('a')
    expect(plan.write?.put).toBeUndefined()
    expect(plan.write?.row).toMatchObject({ status: 'offline', lastSeenAt: T - 5_000 })
    expect(plan.write?.result.transition).toEqual({
      userId: 'u',
      from: 'online',
      to: 'offline',
      at: T,
    })
  })

  it('removes sessions past the grace (not the one put), and counts them', () => {
    const old = session('old', T - SESSION_GRACE_MS - 1)
    const lapsed = session('lapsed', T - 1_000) // past its lease, within the grace: kept
    const plan = planSessionChange(
      { previous: onlineRow, sessions: [old, lapsed], version: 2 },
      { userId: 'u', at: T },
    )
    expect(plan.write?.expired).toEqual(['old'])
    expect(plan.write?.result.expired).toBe(1)
    // Neither is live: the sweep takes the user offline.
    expect(plan.write?.row.status).toBe('offline')
    expect(plan.write?.record).toBe(true)
    const revived = planSessionChange(
      { previous: onlineRow, sessions: [old], version: 2 },
      heartbeatReviveChange('u', T, { sessionId: 'old', leaseUntil: T + 30_000 }),
    )
    expect(revived.write?.expired).toEqual([])
    expect(revived.write?.put).toEqual({ ...old, leaseUntil: T + 30_000 })
  })

  it("a first heartbeat stores online quietly; a lapsed session's revives with its inputs", () => {
    const first = planSessionChange(
      never,
      heartbeatReviveChange('u', T, heartbeatLease(T, { sessionId: 'h' })),
    )
    expect(first.write?.put).toEqual({
      sessionId: 'h',
      inputs: { automatic: 'online' },
      reportedAt: T,
      leaseUntil: T + 30_000,
    })
    expect(first.write?.row.status).toBe('online')
    expect(first.write?.record).toBe(false)
    expect(first.write?.result.transition).toBeUndefined()

    const busy = session('h', T - 1_000, {
      inputs: { automatic: 'online', manual: { status: 'busy', at: T - 9_000 } },
    })
    const back = planSessionChange(
      { previous: { ...onlineRow, status: 'offline' }, sessions: [busy], version: 4 },
      heartbeatReviveChange('u', T, heartbeatLease(T, { sessionId: 'h', leaseUntil: T + 5_000 })),
    )
    expect(back.write?.put).toEqual({ ...busy, leaseUntil: T + 5_000 })
    expect(back.write?.result.transition).toEqual({
      userId: 'u',
      from: 'offline',
      to: 'busy',
      at: T,
    })
  })

  it('is pure: the same snapshot and change give the same plan, the snapshot untouched', () => {
    const sessions = [session('a', T + 10_000), session('old', T - SESSION_GRACE_MS - 1)]
    const snapshot = { previous: onlineRow, sessions, version: 9 }
    const copy = structuredClone(sessions)
    const change = reportChange({ userId: 'u', status: 'idle', at: T, sessionId: 'a' })
    const one = planSessionChange(snapshot, change)
    expect(planSessionChange(snapshot, change)).toEqual(one)
    expect(sessions).toEqual(copy)
  })
})

describe('runSessionChange', () => {
  it('plans again from a fresh snapshot when the write lost the race', async () => {
    const versions: number[] = []
    let reads = 0
    const result = await runSessionChange(reportChange({ userId: 'u', status: 'busy', at: T }), {
      read: async () => ({
        previous: reads++ === 0 ? undefined : onlineRow,
        sessions: [],
        version: reads,
      }),
      write: async (w) => {
        versions.push(w.version)
        return versions.length === 2
      },
      tooManyWriters: () => new Error('too many'),
    })
    expect(versions).toEqual([1, 2])
    // The transition is the second snapshot's: from the status another writer stored.
    expect(result.transition).toEqual({ userId: 'u', from: 'online', to: 'busy', at: T })
  })

  it('answers without writing when there is nothing to do, and gives up after 50 lost races', async () => {
    let writes = 0
    const io = {
      read: async () => never,
      write: async () => {
        writes++
        return false
      },
      tooManyWriters: () => new Error('too many'),
    }
    await expect(runSessionChange(endSessionChange('u', 'x', T), io)).resolves.toMatchObject({
      expired: 0,
    })
    expect(writes).toBe(0)
    await expect(runSessionChange({ userId: 'u', at: T }, io)).rejects.toThrow('too many')
    expect(writes).toBe(50)
  })
})

describe('createUserQueue', () => {
  it("runs one user's work in order, past a failure, and other users' alongside", async () => {
    const queued = createUserQueue()
    const log: string[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => {
      release = r
    })
    const a1 = queued('a', async () => {
      await gate
      log.push('a1')
      throw new Error('boom')
    })
    const a2 = queued('a', async () => {
      log.push('a2')
      return 2
    })
    const b1 = queued('b', async () => {
      log.push('b1')
      return 1
    })
    await b1
    expect(log).toEqual(['b1']) // b did not wait for a
    release()
    await expect(a1).rejects.toThrow('boom')
    await expect(a2).resolves.toBe(2)
    expect(log).toEqual(['b1', 'a1', 'a2'])
  })
})

describe('sweepClaimed', () => {
  it('recomputes every claimed user, then removes the rest, and tallies in claim order', async () => {
    const results: Record<string, SessionChangeResult> = {
      a: { presence: onlineRow, expired: 1 },
      b: {
        presence: onlineRow,
        transition: { userId: 'b', from: 'online', to: 'offline', at: T },
        customStatusChanged: true,
        expired: 2,
      },
    }
    const order: string[] = []
    const swept = await sweepClaimed(
      ['a', 'b'],
      async (id) => {
        order.push(id)
        return results[id]!
      },
      async () => {
        order.push('remove')
        return 4
      },
    )
    expect(order.at(-1)).toBe('remove')
    expect(swept).toEqual({
      expired: 7,
      users: 2,
      transitions: [{ userId: 'b', from: 'online', to: 'offline', at: T }],
      customStatusChanged: ['b'],
    })
  })
})

describe('sessionsFromJson', () => {
  it('reads the JSON list, as text or parsed, with numbers from text and flags only when set', () => {
    const list = [
      {
        id: 's',
        inputs: '{"automatic":"idle"}',
        activity: null,
        hidden: false,
        reportedAt: '5',
        leaseUntil: 9,
      },
    ]
    const expected = [
      { sessionId: 's', inputs: { automatic: 'idle' }, reportedAt: 5, leaseUntil: 9 },
    ]
    expect(sessionsFromJson(list)).toEqual(expected)
    expect(sessionsFromJson(JSON.stringify(list))).toEqual(expected)
    expect(sessionsFromJson(null)).toEqual([])
  })
})
