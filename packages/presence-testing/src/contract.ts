/**
 * The transport contract: what every `PresenceTransport` must do, run against the memory hub and
 * against Supabase over a real server. Tests wait for events, never for time, so they hold on any
 * latency; each room id is fresh, and each membership stays well inside Supabase's presence limit.
 */
import {
  type PresenceError,
  type PresenceState,
  type PresenceTransport,
  systemClock,
  systemScheduler,
  type TransportMeta,
} from '@wedsync/presence-core'
import { createSessionTrust } from '@wedsync/presence-core/trust'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTestIssuer } from './credential-issuer.js'
import { type ProbeEntry, probeRoom, type RoomProbe } from './room-probe.js'
import { canonicalJson, toWire } from './wire.js'

export interface TransportContractContext {
  /**
   * A new connection (socket) named `label`, unique within the context, for the user `key`: every
   * room the contract opens on it uses that presence key (a verified transport is one user's).
   */
  connect(label: string, key: string): PresenceTransport
  /** Closes what the context opened; called after every test. */
  cleanup(): Promise<void>
  /** Cuts `label`'s connection and lets it reconnect; its rooms must rejoin. */
  reconnect(label: string): Promise<void> | void
}

export interface TransportContractOptions {
  /** Names the describe block: "transport contract: <name>". */
  readonly name: string
  makeContext(): Promise<TransportContractContext>
  /** When a wait for an event gives up (a failure bound, not a timing assertion). Default 5000. */
  readonly waitFailAfterMs?: number
  /** vitest timeout of each test. Default 20000. */
  readonly testTimeoutMs?: number
}

const MESSAGES = ['note', 'reply'] as const

export function runTransportContract(options: TransportContractOptions): void {
  const failAfterMs = options.waitFailAfterMs ?? 5_000
  const timeout = options.testTimeoutMs ?? 20_000

  describe(`transport contract: ${options.name}`, () => {
    let ctx: TransportContractContext
    let probes: RoomProbe[] = []
    const connections = new Map<string, PresenceTransport>()

    beforeEach(async () => {
      ctx = await options.makeContext()
    })

    afterEach(async () => {
      for (const probe of probes) probe.stop()
      await Promise.allSettled(probes.map((probe) => probe.room.close()))
      probes = []
      connections.clear()
      await ctx.cleanup()
    })

    function connection(label: string, key: string): PresenceTransport {
      let transport = connections.get(label)
      if (!transport) {
        transport = ctx.connect(label, key)
        connections.set(label, transport)
      }
      return transport
    }

    /** Opens `roomId` on `label`'s connection and waits for its first sync. */
    async function join(label: string, roomId: string, key: string): Promise<RoomProbe> {
      const probe = open(label, roomId, key)
      await syncAfter(probe, 0)
      return probe
    }

    function open(label: string, roomId: string, key: string): RoomProbe {
      const room = connection(label, key).openRoom(roomId, { key })
      const probe = probeRoom(room, { messages: MESSAGES, failAfterMs })
      probes.push(probe)
      return probe
    }

    const test = (name: string, body: () => Promise<void>) => it(name, body, timeout)

    test('reports joined, then a sync of the full state (empty for a new room)', async () => {
      const a = open('a', freshRoom(), 'user-a')
      const sync = await syncAfter(a, 0)
      const joined = a.log.findIndex((e) => e.kind === 'status' && e.status === 'joined')
      expect(joined).toBeGreaterThanOrEqual(0)
      expect(joined).toBeLessThan(sync.index)
      expect(a.log.slice(0, joined).every((e) => e.kind === 'status')).toBe(true)
      expect(sync.state).toEqual({})
    })

    test('echoes its own track as a join with a ref and the meta as sent', async () => {
      const a = await join('a', freshRoom(), 'user-a')
      const meta = { name: 'Ana', tags: ['planner'], nested: { n: 1 } }
      await a.room.track(meta)
      const own = await pick(a, 0, 'its own join', (e) =>
        e.kind === 'presence' && e.event.type === 'join' && e.event.key === 'user-a'
          ? e.event.metas
          : undefined,
      )
      expect(own).toHaveLength(1)
      expect(typeof own[0]!.ref).toBe('string')
      expect(own[0]!.ref.length).toBeGreaterThan(0)
      expect(own[0]!.meta).toEqual(meta)
      expect(own[0]!.meta).not.toBe(meta)
    })

    test("two connections see each other's track", async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      const b = await join('b', roomId, 'user-b')
      await a.room.track({ who: 'a' })
      await b.room.track({ who: 'b' })
      await until(a, 'b in a', () => holdsExactly(a.state(), 'user-b', [{ who: 'b' }]))
      await until(b, 'a in b', () => holdsExactly(b.state(), 'user-a', [{ who: 'a' }]))
      await until(a, 'a in a', () => holdsExactly(a.state(), 'user-a', [{ who: 'a' }]))
      await until(b, 'b in b', () => holdsExactly(b.state(), 'user-b', [{ who: 'b' }]))
      expect(Object.keys(a.state()).sort()).toEqual(['user-a', 'user-b'])
      expect(Object.keys(b.state()).sort()).toEqual(['user-a', 'user-b'])
    })

    test('a re-track replaces the meta: one meta with the new payload, refs unique', async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      const b = await join('b', roomId, 'user-b')
      await a.room.track({ step: 1 })
      await until(b, 'step 1 in b', () => holdsExactly(b.state(), 'user-a', [{ step: 1 }]))
      const firstRef = b.state()['user-a']![0]!.ref
      await a.room.track({ step: 2 })
      await until(b, 'only step 2 in b', () => holdsExactly(b.state(), 'user-a', [{ step: 2 }]))
      await until(a, 'only step 2 in a', () => holdsExactly(a.state(), 'user-a', [{ step: 2 }]))
      expect(b.state()['user-a']![0]!.ref).not.toBe(firstRef)
      const joinedRefs = b.log.flatMap((e) =>
        e.kind === 'presence' && e.event.type === 'join' ? e.event.metas.map((m) => m.ref) : [],
      )
      expect(new Set(joinedRefs).size).toBe(joinedRefs.length)
    })

    test('untrack makes the others see a leave', async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      const b = await join('b', roomId, 'user-b')
      await a.room.track({ here: true })
      await until(b, 'a in b', () => holdsExactly(b.state(), 'user-a', [{ here: true }]))
      const ref = b.state()['user-a']![0]!.ref
      await a.room.untrack()
      await pick(b, 0, "a's leave", (e) =>
        e.kind === 'presence' &&
        e.event.type === 'leave' &&
        e.event.key === 'user-a' &&
        e.event.metas.some((m) => m.ref === ref)
          ? true
          : undefined,
      )
      await until(b, 'a gone from b', () => b.state()['user-a'] === undefined)
      await until(a, 'a gone from a', () => a.state()['user-a'] === undefined)
    })

    test('three sessions under one key: when one leaves, two metas remain', async () => {
      const roomId = freshRoom()
      const observer = await join('observer', roomId, 'observer')
      const tabs = await Promise.all([1, 2, 3].map((n) => join(`tab-${n}`, roomId, 'shared')))
      await Promise.all(tabs.map((tab, i) => tab.room.track({ tab: i + 1 })))
      await until(observer, 'three metas', () => tabsOf(observer.state()).join() === '1,2,3')
      await tabs[1]!.room.close()
      await until(observer, 'tabs 1 and 3', () => tabsOf(observer.state()).join() === '1,3')
      expect(observer.state().shared).toHaveLength(2)
    })

    test('close: the others see a leave and the room reports closed', async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      const b = await join('b', roomId, 'user-b')
      await a.room.track({ bye: false })
      await until(b, 'a in b', () => holdsExactly(b.state(), 'user-a', [{ bye: false }]))
      await a.room.close()
      await until(a, 'closed status', () => a.status() === 'closed')
      await until(b, 'a gone from b', () => b.state()['user-a'] === undefined)
      expect(b.log.some((e) => e.kind === 'presence' && e.event.type === 'leave')).toBe(true)
    })

    test("a late joiner's first sync holds the members already there", async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      await a.room.track({ early: true })
      await until(a, 'own echo', () => holdsExactly(a.state(), 'user-a', [{ early: true }]))
      const late = open('late', roomId, 'user-late')
      const first = await syncAfter(late, 0)
      expect(holdsExactly(first.state, 'user-a', [{ early: true }])).toBe(true)
    })

    test('broadcast reaches the others but not the sender', async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      const b = await join('b', roomId, 'user-b')
      await a.room.send('note', { text: 'ceremony moved to 4 PM' })
      const got = await pick(b, 0, 'the note in b', (e) =>
        e.kind === 'message' && e.event === 'note' ? { payload: e.payload } : undefined,
      )
      expect(got.payload).toEqual({ text: 'ceremony moved to 4 PM' })
      // b answers only after it got the note: had a's note been echoed, it would be in a by now.
      await b.room.send('reply', { ok: true })
      await pick(
        a,
        0,
        'the reply in a',
        (e) => (e.kind === 'message' && e.event === 'reply') || undefined,
      )
      expect(payloadsOf(a, 'note')).toEqual([])
    })

    test('unsubscribe functions stop delivery', async () => {
      const roomId = freshRoom()
      const a = await join('a', roomId, 'user-a')
      const b = await join('b', roomId, 'user-b')
      const heard = { presence: 0, note: 0, status: 0 }
      const offPresence = b.room.onPresence(() => heard.presence++)
      const offNote = b.room.onMessage('note', () => heard.note++)
      const offStatus = b.room.onStatus(() => heard.status++)
      await a.room.track({ round: 1 })
      await a.room.send('note', { round: 1 })
      await until(b, 'round 1 in b', () => holdsExactly(b.state(), 'user-a', [{ round: 1 }]))
      await messageIn(b, { round: 1 })
      expect(heard.presence).toBeGreaterThan(0)
      expect(heard.note).toBe(1)
      offPresence()
      offNote()
      offStatus()
      const before = { ...heard }
      await a.room.track({ round: 2 })
      await a.room.send('note', { round: 2 })
      await until(b, 'round 2 in b', () => holdsExactly(b.state(), 'user-a', [{ round: 2 }]))
      await messageIn(b, { round: 2 })
      await b.room.close()
      await until(b, 'b closed', () => b.status() === 'closed')
      expect(heard).toEqual(before)
    })

    test('two rooms are independent', async () => {
      const [one, two] = [freshRoom(), freshRoom()]
      const a1 = await join('a', one, 'user-a')
      const a2 = await join('a', two, 'user-a')
      const b1 = await join('b', one, 'user-b')
      const b2 = await join('b', two, 'user-b')
      await b1.room.track({ room: 1 })
      await until(a1, 'b in room one', () => holdsExactly(a1.state(), 'user-b', [{ room: 1 }]))
      await b1.room.send('note', { room: 1 })
      await messageIn(a1, { room: 1 })
      await b2.room.track({ room: 2 })
      await until(a2, 'b in room two', () => holdsExactly(a2.state(), 'user-b', [{ room: 2 }]))
      await b2.room.send('note', { room: 2 })
      await messageIn(a2, { room: 2 })
      // What happened in room one reached room one before room two's traffic started.
      expect(holdsExactly(a1.state(), 'user-b', [{ room: 1 }])).toBe(true)
      expect(payloadsOf(a2, 'note')).toEqual([{ room: 2 }])
      expect(payloadsOf(a1, 'note')).toEqual([{ room: 1 }])
    })

    it(
      'after a reconnect the room reports joined again and gets a fresh sync',
      async () => {
        const reconnect = ctx.reconnect.bind(ctx)
        const roomId = freshRoom()
        const a = await join('a', roomId, 'user-a')
        const b = await join('b', roomId, 'user-b')
        await b.room.track({ stays: true })
        await until(a, 'b in a', () => holdsExactly(a.state(), 'user-b', [{ stays: true }]))
        const from = a.log.length
        await reconnect('a')
        const joined = await pick(a, from, 'joined after the reconnect', (e) =>
          e.kind === 'status' && e.status === 'joined' ? e.index : undefined,
        )
        const sync = await syncAfter(a, joined + 1)
        expect(holdsExactly(sync.state, 'user-b', [{ stays: true }])).toBe(true)
        expect(a.status()).toBe('joined')
      },
      timeout,
    )
  })
}

/**
 * The contract's context in the verified trust mode: each connection of `base` wrapped by a
 * session trust of the user the contract names, with a credential from a test issuer. Anything a
 * connection drops or fails to verify fails the test at cleanup: honest traffic must all verify.
 */
export async function verifiedContractContext(
  base: Omit<TransportContractContext, 'connect'> & { connect(label: string): PresenceTransport },
): Promise<TransportContractContext> {
  const issuer = await createTestIssuer(systemClock)
  const reported: PresenceError[] = []
  const trusts: { dispose(): void }[] = []
  return {
    connect(label, key) {
      const trust = createSessionTrust({
        credentials: issuer.source(),
        keys: { jwks: issuer.jwks },
      })
      trusts.push(trust)
      return trust.wrap(base.connect(label), {
        userId: key,
        sessionId: `session-${label}`,
        clock: systemClock,
        scheduler: systemScheduler,
        report: (error) => reported.push(error),
      })
    },
    reconnect: (label) => base.reconnect(label),
    async cleanup() {
      for (const trust of trusts.splice(0)) trust.dispose()
      await base.cleanup()
      const problems = reported.splice(0)
      if (problems.length > 0)
        throw new Error(`honest traffic was reported: ${problems.map((e) => e.message).join('; ')}`)
    },
  }
}

let roomCounter = 0

/** A room id no earlier test used, so a shared server never mixes tests. */
function freshRoom(): string {
  roomCounter++
  const random = Math.random().toString(36).slice(2, 10)
  return `contract-${Date.now().toString(36)}-${random}-${roomCounter}`
}

function pick<T>(
  probe: RoomProbe,
  from: number,
  description: string,
  select: (entry: ProbeEntry) => T | undefined,
): Promise<NonNullable<T>> {
  return probe.until(() => {
    for (let i = from; i < probe.log.length; i++) {
      const value = select(probe.log[i]!)
      if (value !== undefined && value !== null) return value
    }
    return undefined
  }, description)
}

function until(probe: RoomProbe, description: string, check: () => boolean): Promise<true> {
  return probe.until(() => check() || undefined, description)
}

function syncAfter(
  probe: RoomProbe,
  from: number,
): Promise<{ index: number; state: PresenceState }> {
  return pick(probe, from, 'a sync', (e) =>
    e.kind === 'presence' && e.event.type === 'sync'
      ? { index: e.index, state: e.event.state }
      : undefined,
  )
}

function messageIn(probe: RoomProbe, payload: unknown): Promise<true> {
  return pick(probe, 0, `the note ${JSON.stringify(payload)}`, (e) =>
    e.kind === 'message' && sameJson(e.payload, payload) ? true : undefined,
  )
}

/** True when `key` holds exactly these payloads (in any order). */
function holdsExactly(state: PresenceState, key: string, payloads: readonly unknown[]): boolean {
  const metas: readonly TransportMeta[] = state[key] ?? []
  if (metas.length !== payloads.length) return false
  const have = metas.map((m) => canonicalJson(toWire(m.meta))).sort()
  const want = payloads.map((p) => canonicalJson(toWire(p))).sort()
  return have.every((value, i) => value === want[i])
}

function payloadsOf(probe: RoomProbe, event: string): unknown[] {
  return probe.log.flatMap((e) => (e.kind === 'message' && e.event === event ? [e.payload] : []))
}

function tabsOf(state: PresenceState): number[] {
  return (state.shared ?? []).map((m) => (m.meta as { tab: number }).tab).sort()
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(toWire(a)) === canonicalJson(toWire(b))
}
