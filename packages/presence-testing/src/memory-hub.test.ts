import {
  type PresenceEvent,
  type Scheduler,
  systemClock,
  type TransportRoom,
} from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import { createFakeClock } from './fake-clock.js'
import { createMemoryHub, type MemoryHubOptions } from './memory-hub.js'
import { type ProbeEntry, probeRoom } from './room-probe.js'

type HubSettings = Omit<MemoryHubOptions, 'clock' | 'scheduler'>

function setup(options: HubSettings = {}) {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock, ...options })
  const open = (label: string, roomId = 'wedding:123', key = label, isPrivate = false) => {
    const transport = hub.connections().includes(label)
      ? transports.get(label)!
      : hub.connect(label)
    transports.set(label, transport)
    const room = transport.openRoom(roomId, isPrivate ? { key, private: true } : { key })
    return probeRoom(room, { messages: ['note'] })
  }
  const transports = new Map<string, ReturnType<typeof hub.connect>>()
  return { clock, hub, open }
}

const presence = (log: readonly ProbeEntry[]): PresenceEvent[] =>
  log.flatMap((e) => (e.kind === 'presence' ? [e.event] : []))
const statuses = (log: readonly ProbeEntry[]) =>
  log.flatMap((e) => (e.kind === 'status' ? [e.status] : []))
const kinds = (log: readonly ProbeEntry[]) =>
  log.map((e) => (e.kind === 'status' ? e.status : e.kind === 'presence' ? e.event.type : e.event))

describe('createMemoryHub: joining', () => {
  it('reports connecting, then joined, then a sync of the full state, all asynchronously', async () => {
    const { clock, open } = setup()
    const a = open('a')
    expect(a.log).toEqual([])
    await clock.flush()
    expect(kinds(a.log)).toEqual(['connecting', 'joined', 'sync'])
    expect(presence(a.log)[0]).toEqual({ type: 'sync', state: {} })
  })

  it('gives a late joiner the members already there in its first sync', async () => {
    const { clock, open } = setup()
    const a = open('a')
    await clock.flush()
    await a.room.track({ n: 1 })
    await clock.flush()
    const b = open('b')
    await clock.flush()
    const sync = presence(b.log)[0]
    expect(sync).toEqual({
      type: 'sync',
      state: { a: [{ ref: expect.any(String), meta: { n: 1 } }] },
    })
  })

  it('keeps private and public rooms with the same id apart', async () => {
    const { clock, hub, open } = setup()
    const pub = open('a', 'room')
    const priv = open('b', 'room', 'b', true)
    await clock.flush()
    await pub.room.track({ where: 'public' })
    await priv.room.track({ where: 'private' })
    await clock.flush()
    expect(Object.keys(pub.state())).toEqual(['a'])
    expect(Object.keys(priv.state())).toEqual(['b'])
    expect(hub.state('room')).toEqual({
      a: [{ ref: expect.any(String), meta: { where: 'public' } }],
    })
    expect(hub.state('room', { private: true })).toEqual({
      b: [{ ref: expect.any(String), meta: { where: 'private' } }],
    })
    expect(hub.state('nowhere')).toEqual({})
  })

  it('buffers a track made before joined and applies it after the join', async () => {
    const { clock, open } = setup()
    const a = open('a')
    const tracked = a.room.track({ early: true })
    await clock.flush()
    await tracked
    expect(kinds(a.log)).toEqual(['connecting', 'joined', 'sync', 'join'])
    expect(presence(a.log)[0]).toEqual({ type: 'sync', state: {} })
    expect(a.state().a?.[0]?.meta).toEqual({ early: true })
  })

  it('replaces the first room when one connection opens the same room again', async () => {
    const { clock, hub, open } = setup()
    const observer = open('observer')
    const first = open('a')
    await clock.flush()
    await first.room.track({ copy: 1 })
    await clock.flush()
    const second = open('a')
    await clock.flush()
    expect(first.status()).toBe('closed')
    expect(second.status()).toBe('joined')
    expect(observer.state().a).toBeUndefined()
    expect(hub.state('wedding:123').a).toBeUndefined()
  })

  it('refuses an empty room id or key, and a label used twice', () => {
    const { hub } = setup()
    const transport = hub.connect('a')
    expect(() => transport.openRoom('', { key: 'a' })).toThrow(TypeError)
    expect(() => transport.openRoom('room', { key: '' })).toThrow(TypeError)
    expect(() => hub.connect('a')).toThrow(/already exists/)
    expect(hub.connections()).toEqual(['a'])
    expect(transport.label).toBe('a')
  })

  it('needs a scheduler when the clock cannot schedule', () => {
    const options = { clock: systemClock } as unknown as MemoryHubOptions
    expect(() => createMemoryHub(options)).toThrow(TypeError)
    const scheduled: number[] = []
    const scheduler: Scheduler = {
      schedule(delayMs) {
        scheduled.push(delayMs)
        return () => undefined
      },
    }
    createMemoryHub({ clock: systemClock, scheduler }).connect('a').openRoom('r', { key: 'a' })
    expect(scheduled).toEqual([0, 0])
  })
})

describe('createMemoryHub: presence', () => {
  it('echoes a first track to the tracker and sends it to every other member', async () => {
    const { clock, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    const meta = { status: 'online' }
    await a.room.track(meta)
    expect(presence(a.log)).toHaveLength(1) // nothing synchronous
    await clock.flush()
    const own = presence(a.log).at(-1)
    const seen = presence(b.log).at(-1)
    expect(own).toEqual({ type: 'join', key: 'a', metas: [{ ref: expect.any(String), meta }] })
    expect(seen).toEqual(own)
    expect(own).not.toBe(seen)
  })

  it('copies metas so sender, hub and receivers never share objects', async () => {
    const { clock, hub, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    const meta = { activity: { page: 'timeline' } }
    await a.room.track(meta)
    meta.activity.page = 'changed after track'
    await clock.flush()
    const inA = a.state().a![0]!.meta as { activity: { page: string } }
    const inB = b.state().a![0]!.meta as { activity: { page: string } }
    expect(inB.activity.page).toBe('timeline')
    expect(inA).not.toBe(inB)
    inA.activity.page = 'mutated by a receiver'
    expect(inB.activity.page).toBe('timeline')
    expect(hub.state('wedding:123').a![0]!.meta).toEqual({ activity: { page: 'timeline' } })
  })

  it('sends an update as a join of the new ref then a leave of the old one, in one tick', async () => {
    const { clock, hub, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    await a.room.track({ status: 'online' })
    await clock.flush()
    const before = b.log.length
    const firstRef = b.state().a![0]!.ref
    await a.room.track({ status: 'idle' })
    await clock.flush()
    const events = presence(b.log.slice(before))
    expect(events).toEqual([
      { type: 'join', key: 'a', metas: [{ ref: expect.any(String), meta: { status: 'idle' } }] },
      { type: 'leave', key: 'a', metas: [{ ref: firstRef, meta: { status: 'online' } }] },
    ])
    expect(b.state().a).toHaveLength(1)
    expect(b.state().a![0]!.ref).not.toBe(firstRef)
    expect(hub.state('wedding:123').a).toEqual([b.state().a![0]])
    expect(hub.stats().tracks).toBe(2)
  })

  it('ignores a re-track with an identical payload, whatever its key order', async () => {
    const { clock, hub, open } = setup()
    const a = open('a')
    await clock.flush()
    await a.room.track({ x: 1, y: { p: 1, q: [1, 2] } })
    await clock.flush()
    const before = a.log.length
    await a.room.track({ y: { q: [1, 2], p: 1 }, x: 1 })
    await clock.flush()
    expect(a.log.length).toBe(before)
    expect(hub.stats().tracks).toBe(2)
  })

  it('sends a leave on untrack, and nothing when there was nothing tracked', async () => {
    const { clock, hub, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    await a.room.untrack()
    await clock.flush()
    expect(presence(b.log)).toHaveLength(1)
    await a.room.track({ here: true })
    await clock.flush()
    await a.room.untrack()
    await clock.flush()
    expect(presence(b.log).at(-1)).toEqual({
      type: 'leave',
      key: 'a',
      metas: [{ ref: expect.any(String), meta: { here: true } }],
    })
    expect(b.state()).toEqual({})
    expect(a.state()).toEqual({})
    expect(hub.stats().untracks).toBe(2)
  })

  it('holds one meta per session under a shared key', async () => {
    const { clock, hub, open } = setup()
    const tabs = [1, 2, 3].map((n) => open(`tab-${n}`, 'wedding:123', 'user-1'))
    await clock.flush()
    await Promise.all(tabs.map((tab, i) => tab.room.track({ tab: i + 1 })))
    await clock.flush()
    expect(hub.state('wedding:123')['user-1']).toHaveLength(3)
    await tabs[1]!.room.close()
    await clock.flush()
    expect(tabs[0]!.state()['user-1']!.map((m) => m.meta)).toEqual([{ tab: 1 }, { tab: 3 }])
  })

  it('on close: the others get a leave, the room reports closed, later calls reject', async () => {
    const { clock, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    await a.room.track({ n: 1 })
    await clock.flush()
    await a.room.close()
    await a.room.close()
    await clock.flush()
    expect(statuses(a.log).at(-1)).toBe('closed')
    expect(statuses(a.log).filter((s) => s === 'closed')).toHaveLength(1)
    expect(b.state()).toEqual({})
    await expect(a.room.track({ n: 2 })).rejects.toThrow(/closed/)
    await expect(a.room.send('note', 1)).rejects.toThrow(/closed/)
  })

  it('closing before the join cancels it and rejects what was buffered', async () => {
    const { clock, open } = setup()
    const a = open('a')
    const tracked = a.room.track({ n: 1 })
    await a.room.close()
    await expect(tracked).rejects.toThrow(/closed/)
    await clock.flush()
    expect(statuses(a.log)).toEqual(['connecting', 'closed'])
  })

  it('refuses payloads a socket cannot carry', async () => {
    const { clock, open } = setup()
    const a = open('a')
    await clock.flush()
    await expect(a.room.track('online')).rejects.toThrow('Presence track payload must be a map')
    await expect(a.room.track([1])).rejects.toThrow(TypeError)
    await expect(a.room.track({ big: 1n })).rejects.toThrow(/JSON/)
    await expect(a.room.send('note', { big: 1n })).rejects.toThrow(/JSON/)
  })
})

describe('createMemoryHub: broadcast', () => {
  it('delivers to every other connection in the room, not to the sender', async () => {
    const { clock, hub, open } = setup()
    const a = open('a')
    const b = open('b')
    const c = open('c')
    const elsewhere = open('d', 'wedding:999')
    await clock.flush()
    const payload = { text: 'ceremony at 4 PM' }
    await a.room.send('note', payload)
    await clock.flush()
    const notes = (log: readonly ProbeEntry[]) =>
      log.flatMap((e) => (e.kind === 'message' ? [e.payload] : []))
    expect(notes(b.log)).toEqual([payload])
    expect(notes(c.log)).toEqual([payload])
    expect(notes(b.log)[0]).not.toBe(payload)
    expect(notes(a.log)).toEqual([])
    expect(notes(elsewhere.log)).toEqual([])
    expect(hub.stats().broadcasts).toBe(1)
  })

  it('echoes to the sender with echoBroadcast, and carries an absent payload', async () => {
    const { clock, open } = setup({ echoBroadcast: true })
    const a = open('a')
    await clock.flush()
    await a.room.send('note', undefined)
    await clock.flush()
    expect(a.log.filter((e) => e.kind === 'message')).toEqual([
      { kind: 'message', index: expect.any(Number), event: 'note', payload: undefined },
    ])
  })

  it('stops delivering to a listener once it unsubscribes', async () => {
    const { clock, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    const got: unknown[] = []
    const off = b.room.onMessage('note', (p) => got.push(p))
    const offOther = b.room.onMessage('other', (p) => got.push(p))
    await a.room.send('note', 1)
    await clock.flush()
    off()
    offOther()
    await a.room.send('note', 2)
    await a.room.send('other', 3)
    await clock.flush()
    expect(got).toEqual([1])
  })
})

describe('createMemoryHub: listeners', () => {
  it('reports a throwing listener and still calls the others', async () => {
    const errors: unknown[] = []
    const { clock, hub } = setup({ onListenerError: (e) => errors.push(e) })
    const room: TransportRoom = hub.connect('a').openRoom('r', { key: 'a' })
    const seen: string[] = []
    room.onStatus(() => {
      throw new Error('bad listener')
    })
    room.onStatus((s) => seen.push(s))
    await clock.flush()
    expect(seen).toEqual(['connecting', 'joined'])
    expect(errors).toHaveLength(2)
  })

  it('rethrows a listener error from a microtask when no handler is given', async () => {
    const { clock, hub } = setup()
    const room = hub.connect('a').openRoom('r', { key: 'a' })
    room.onStatus(() => {
      throw new Error('bad listener')
    })
    const caught: unknown[] = []
    const original = globalThis.queueMicrotask
    globalThis.queueMicrotask = (task) => {
      try {
        task()
      } catch (error) {
        caught.push(error)
      }
    }
    try {
      await clock.flush()
    } finally {
      globalThis.queueMicrotask = original
    }
    expect(caught.map((e) => (e as Error).message)).toEqual(['bad listener', 'bad listener'])
  })
})

describe('createMemoryHub: bookkeeping', () => {
  it('counts deliveries and cancels everything on dispose', async () => {
    const { clock, hub, open } = setup()
    const a = open('a')
    const b = open('b')
    await clock.flush()
    expect(hub.stats().deliveries).toBe(2) // two syncs
    await a.room.track({ n: 1 })
    await a.room.send('note', 1)
    expect(clock.pending()).toBeGreaterThan(0)
    hub.dispose()
    expect(clock.pending()).toBe(0)
    await clock.flush()
    expect(b.state()).toEqual({})
    expect(() => hub.connect('c').openRoom('r', { key: 'c' })).toThrow(/disposed/)
    expect(hub.stats()).toEqual({
      tracks: 1,
      untracks: 0,
      broadcasts: 1,
      deliveries: 2,
      presenceLimitHits: 0,
      dropped: 0,
    })
  })
})
