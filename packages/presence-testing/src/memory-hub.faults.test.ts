import { describe, expect, it } from 'vitest'
import { createFakeClock } from './fake-clock.js'
import type { HubFaults } from './fault-plan.js'
import { TRACK_REFUSED_REASON, type TrackRequest } from './hub-engine.js'
import { createMemoryHub, type MemoryHubOptions } from './memory-hub.js'
import { type ProbeEntry, probeRoom } from './room-probe.js'

type HubSettings = Omit<MemoryHubOptions, 'clock' | 'scheduler'>

async function setup(options: HubSettings = {}, labels = ['a', 'b', 'c']) {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock, presenceLimit: false, ...options })
  const rooms = labels.map((label) =>
    probeRoom(hub.connect(label).openRoom('wedding:123', { key: label }), { messages: ['note'] }),
  )
  await clock.flush()
  return { clock, hub, rooms }
}

const notes = (log: readonly ProbeEntry[]) =>
  log.flatMap((e) => (e.kind === 'message' ? [e.payload] : []))
const syncs = (log: readonly ProbeEntry[]) =>
  log.filter((e) => e.kind === 'presence' && e.event.type === 'sync').length

/** Sends 40 numbered notes from a to b under `faults` and returns what b received, in order. */
async function deliveredUnder(faults: HubFaults, seed: number): Promise<unknown[]> {
  const { clock, hub, rooms } = await setup({ seed }, ['a', 'b'])
  hub.setFaults(faults)
  for (let n = 0; n < 40; n++) await rooms[0]!.room.send('note', n)
  await clock.advance(1_000)
  return notes(rooms[1]!.log)
}

describe('memory hub: partitions', () => {
  it('drops presence and broadcasts between the pair both ways; the hub state still moves', async () => {
    const { clock, hub, rooms } = await setup()
    const [a, b, c] = rooms as [(typeof rooms)[0], (typeof rooms)[0], (typeof rooms)[0]]
    hub.partition('a', 'b')
    await a.room.track({ who: 'a' })
    await b.room.track({ who: 'b' })
    await a.room.send('note', 'from a')
    await b.room.send('note', 'from b')
    await clock.flush()
    expect(Object.keys(a.state())).toEqual(['a'])
    expect(Object.keys(b.state())).toEqual(['b'])
    expect(Object.keys(c.state()).sort()).toEqual(['a', 'b'])
    expect(notes(a.log)).toEqual([])
    expect(notes(b.log)).toEqual([])
    expect(notes(c.log).sort()).toEqual(['from a', 'from b'])
    expect(Object.keys(hub.state('wedding:123')).sort()).toEqual(['a', 'b'])
    expect(hub.stats().dropped).toBe(4)
  })

  it('heal sends each partitioned connection a fresh sync of its rooms', async () => {
    const { clock, hub, rooms } = await setup()
    const [a, b, c] = rooms as [(typeof rooms)[0], (typeof rooms)[0], (typeof rooms)[0]]
    hub.partition('a', 'b')
    await a.room.track({ who: 'a' })
    await b.room.track({ who: 'b' })
    await clock.flush()
    const before = { a: syncs(a.log), b: syncs(b.log), c: syncs(c.log) }
    hub.heal()
    await clock.flush()
    expect({ a: syncs(a.log), b: syncs(b.log), c: syncs(c.log) }).toEqual({
      a: before.a + 1,
      b: before.b + 1,
      c: before.c,
    })
    expect(Object.keys(a.state()).sort()).toEqual(['a', 'b'])
    expect(Object.keys(b.state()).sort()).toEqual(['a', 'b'])
    await a.room.send('note', 'healed')
    await clock.flush()
    expect(notes(b.log)).toEqual(['healed'])
  })

  it('refuses unknown labels and a connection partitioned from itself', async () => {
    const { hub } = await setup()
    expect(() => hub.partition('a', 'nobody')).toThrow(/no connection/)
    expect(() => hub.partition('a', 'a')).toThrow(/itself/)
  })
})

describe('memory hub: track policy', () => {
  it('refuses the tracks of a refused membership, asking once per membership until it rejoins', async () => {
    const { clock, hub, rooms } = await setup()
    const [a, b, c] = rooms as [(typeof rooms)[0], (typeof rooms)[0], (typeof rooms)[0]]
    const asked: TrackRequest[] = []
    hub.setTrackPolicy((request) => {
      asked.push(request)
      return request.label !== 'b'
    })
    await a.room.track({ who: 'a' })
    await expect(b.room.track({ who: 'b' })).rejects.toThrow(TRACK_REFUSED_REASON)
    await expect(b.room.track({ who: 'b', again: true })).rejects.toThrow(TRACK_REFUSED_REASON)
    await clock.flush()
    expect(Object.keys(c.state())).toEqual(['a'])
    expect(b.status()).toBe('joined')
    expect(asked).toEqual([
      { label: 'a', roomId: 'wedding:123', private: false, key: 'a' },
      { label: 'b', roomId: 'wedding:123', private: false, key: 'b' },
    ])

    // Lifting the policy does not revive a refused membership; its rejoin is a new one.
    hub.setTrackPolicy(undefined)
    await expect(b.room.track({ who: 'b' })).rejects.toThrow(TRACK_REFUSED_REASON)
    await b.room.untrack()
    hub.reconnect('b')
    await clock.flush()
    await b.room.track({ who: 'b' })
    await clock.flush()
    expect(Object.keys(c.state()).sort()).toEqual(['a', 'b'])
    expect(hub.stats().tracks).toBe(2)
  })
})

describe('memory hub: seeded faults', () => {
  it('drops the same deliveries for the same seed, and different ones for another', async () => {
    const faults = { dropRate: 0.5 }
    const first = await deliveredUnder(faults, 7)
    const again = await deliveredUnder(faults, 7)
    const other = await deliveredUnder(faults, 8)
    expect(again).toEqual(first)
    expect(other).not.toEqual(first)
    expect(first.length).toBeGreaterThan(5)
    expect(first.length).toBeLessThan(35)
  })

  it('drops everything at rate 1, but never a sync or a status', async () => {
    const { clock, hub, rooms } = await setup()
    hub.setFaults({ dropRate: 1 })
    await rooms[0]!.room.track({ who: 'a' })
    await rooms[0]!.room.send('note', 'lost')
    await clock.flush()
    expect(rooms[1]!.state()).toEqual({})
    expect(notes(rooms[1]!.log)).toEqual([])
    const late = probeRoom(hub.connect('late').openRoom('wedding:123', { key: 'late' }))
    await clock.flush()
    expect(late.status()).toBe('joined')
    expect(Object.keys(late.state())).toEqual(['a'])
    expect(hub.stats().dropped).toBe(3 + 2)
  })

  it('duplicates deliveries at rate 1', async () => {
    expect(await deliveredUnder({ duplicateRate: 1 }, 1)).toEqual(
      Array.from({ length: 40 }, (_, n) => [n, n]).flat(),
    )
  })

  it('reorders within the window, the same way for the same seed, losing nothing', async () => {
    const faults = { reorderWindowMs: 100 }
    const first = await deliveredUnder(faults, 3)
    expect(first).not.toEqual(Array.from({ length: 40 }, (_, n) => n))
    expect([...first].sort((x, y) => (x as number) - (y as number))).toEqual(
      Array.from({ length: 40 }, (_, n) => n),
    )
    expect(await deliveredUnder(faults, 3)).toEqual(first)
  })

  it('delays every delivery by the latency, syncs and statuses included', async () => {
    const { clock, hub, rooms } = await setup()
    hub.setFaults({ latencyMs: 50 })
    await rooms[0]!.room.send('note', 'slow')
    const late = probeRoom(hub.connect('late').openRoom('wedding:123', { key: 'late' }))
    await clock.advance(49)
    expect(notes(rooms[1]!.log)).toEqual([])
    expect(late.status()).toBe('connecting')
    await clock.advance(1)
    expect(notes(rooms[1]!.log)).toEqual(['slow'])
    expect(late.status()).toBe('joined')
    expect(syncs(late.log)).toBe(1)
  })

  it('clears faults with setFaults({}) and refuses out-of-range values', async () => {
    const { clock, hub, rooms } = await setup()
    hub.setFaults({ dropRate: 1 })
    hub.setFaults({})
    await rooms[0]!.room.send('note', 'through')
    await clock.flush()
    expect(notes(rooms[1]!.log)).toEqual(['through'])
    expect(() => hub.setFaults({ dropRate: 1.5 })).toThrow(RangeError)
    expect(() => hub.setFaults({ duplicateRate: -0.1 })).toThrow(RangeError)
    expect(() => hub.setFaults({ latencyMs: Number.NaN })).toThrow(RangeError)
    expect(() => hub.setFaults({ reorderWindowMs: -1 })).toThrow(RangeError)
  })
})
