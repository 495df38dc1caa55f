import type { PresenceEvent } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import { createFakeClock } from './fake-clock.js'
import { createMemoryHub, type MemoryHubOptions, type MemoryTransport } from './memory-hub.js'
import { type ProbeEntry, probeRoom } from './room-probe.js'

type HubSettings = Omit<MemoryHubOptions, 'clock' | 'scheduler'>

function setup(options: HubSettings = {}) {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock, ...options })
  const transports = new Map<string, MemoryTransport>()
  const open = (label: string, roomId = 'wedding:123') => {
    const transport = transports.get(label) ?? hub.connect(label)
    transports.set(label, transport)
    return probeRoom(transport.openRoom(roomId, { key: label }), { messages: ['note'] })
  }
  /** a, b and c joined, each tracking `{ who }`. */
  const trio = async () => {
    const rooms = ['a', 'b', 'c'].map((label) => open(label))
    await clock.flush()
    await Promise.all(rooms.map((r, i) => r.room.track({ who: i })))
    await clock.flush()
    const [a, b, c] = rooms as [(typeof rooms)[0], (typeof rooms)[0], (typeof rooms)[0]]
    return { a, b, c }
  }
  return { clock, hub, open, trio }
}

const statuses = (log: readonly ProbeEntry[]) =>
  log.flatMap((e) => (e.kind === 'status' ? [e.status] : []))
const presence = (log: readonly ProbeEntry[]): PresenceEvent[] =>
  log.flatMap((e) => (e.kind === 'presence' ? [e.event] : []))
const since = (log: readonly ProbeEntry[], from: number) => log.slice(from)

describe('memory hub: non-silent disconnect', () => {
  it('removes its metas at once and puts its rooms in reconnecting', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    hub.disconnect('a')
    expect(hub.state('wedding:123').a).toBeUndefined()
    await clock.flush()
    expect(b.state().a).toBeUndefined()
    expect(statuses(a.log).at(-1)).toBe('reconnecting')
  })

  it('neither receives nor sends until reconnect; calls made meanwhile wait for the rejoin', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    hub.disconnect('a')
    await clock.flush()
    const mark = a.log.length
    await b.room.track({ who: 'b again' })
    await b.room.send('note', 'to all')
    const sent = a.room.send('note', 'from a')
    await clock.flush()
    expect(since(a.log, mark)).toEqual([])
    expect(b.log.some((e) => e.kind === 'message')).toBe(false)
    hub.reconnect('a')
    await clock.flush()
    await sent
    expect(
      b.log.filter((e) => e.kind === 'message').map((e) => e.kind === 'message' && e.payload),
    ).toEqual(['from a'])
  })

  it('rejects a call that waited longer than the push timeout', async () => {
    const { clock, hub, trio } = setup({ pushTimeoutMs: 1_000 })
    const { a } = await trio()
    hub.disconnect('a')
    const tracked = a.room.track({ who: 'later' })
    const outcome = tracked.catch((e: unknown) => e)
    await clock.advance(1_000)
    expect(await outcome).toEqual(new Error('the push timed out before the room was joined'))
    hub.reconnect('a')
    await clock.flush()
    expect(a.state().a).toBeUndefined()
  })

  it('lets a room opened while disconnected join on reconnect', async () => {
    const { clock, hub, open } = setup()
    open('a')
    await clock.flush()
    hub.disconnect('a')
    const late = open('a', 'wedding:456')
    await clock.advance(10_000)
    expect(statuses(late.log)).toEqual(['connecting'])
    hub.reconnect('a')
    await clock.flush()
    expect(statuses(late.log)).toEqual(['connecting', 'joined'])
  })
})

describe('memory hub: silent disconnect', () => {
  it('tells nobody: the metas stay as a ghost and its own rooms hear nothing', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    const markA = a.log.length
    const markB = b.log.length
    hub.disconnect('a', { silent: true })
    await clock.advance(59_999)
    expect(hub.state('wedding:123').a).toHaveLength(1)
    expect(since(b.log, markB)).toEqual([])
    expect(since(a.log, markA)).toEqual([])
    expect(a.status()).toBe('joined')
  })

  it('drops what it sends and delivers nothing to it', async () => {
    const { clock, hub, trio } = setup({ pushTimeoutMs: 10_000 })
    const { a, b } = await trio()
    hub.disconnect('a', { silent: true })
    const markA = a.log.length
    await a.room.send('note', 'lost')
    const tracked = a.room.track({ who: 'lost' }).catch((e: unknown) => e)
    await b.room.track({ who: 'unseen by a' })
    await b.room.send('note', 'unseen by a')
    await clock.advance(10_000)
    expect(await tracked).toEqual(new Error('the push timed out'))
    expect(b.log.some((e) => e.kind === 'message')).toBe(false)
    expect(hub.state('wedding:123').a![0]!.meta).toEqual({ who: 0 })
    expect(since(a.log, markA)).toEqual([])
    expect(hub.stats().dropped).toBeGreaterThanOrEqual(4)
  })

  it('removes the ghost after serverTimeoutMs, and the others get the leave', async () => {
    const { clock, hub, trio } = setup({ serverTimeoutMs: 30_000 })
    const { a, b, c } = await trio()
    const markA = a.log.length
    hub.disconnect('a', { silent: true })
    await clock.advance(29_999)
    expect(b.state().a).toHaveLength(1)
    await clock.advance(1)
    expect(hub.state('wedding:123').a).toBeUndefined()
    expect(presence(b.log).at(-1)).toEqual({
      type: 'leave',
      key: 'a',
      metas: [{ ref: expect.any(String), meta: { who: 0 } }],
    })
    expect(c.state().a).toBeUndefined()
    expect(since(a.log, markA)).toEqual([])
  })

  it('uses Supabase idle timeout of 60 s by default, and keeps ghosts forever with false', async () => {
    const defaults = setup()
    await defaults.trio()
    defaults.hub.disconnect('a', { silent: true })
    await defaults.clock.advance(59_999)
    expect(defaults.hub.state('wedding:123').a).toHaveLength(1)
    await defaults.clock.advance(1)
    expect(defaults.hub.state('wedding:123').a).toBeUndefined()

    const never = setup({ serverTimeoutMs: false })
    await never.trio()
    never.hub.disconnect('a', { silent: true })
    await never.clock.advance(24 * 3_600_000)
    expect(never.hub.state('wedding:123').a).toHaveLength(1)
  })

  it('keeps a room closed on a silent connection as a ghost until the server notices', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    hub.disconnect('a', { silent: true })
    await a.room.close()
    await clock.flush()
    expect(a.status()).toBe('closed')
    expect(b.state().a).toHaveLength(1)
    hub.reconnect('a')
    await clock.flush()
    expect(b.state().a).toBeUndefined()
    expect(statuses(a.log).at(-1)).toBe('closed')
  })

  it('becomes a normal disconnect when the hub is told later', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    hub.disconnect('a', { silent: true })
    hub.disconnect('a', { silent: true })
    hub.disconnect('a')
    hub.disconnect('a', { silent: true })
    await clock.flush()
    expect(b.state().a).toBeUndefined()
    expect(statuses(a.log).at(-1)).toBe('reconnecting')
    await clock.advance(120_000)
    expect(statuses(a.log).at(-1)).toBe('reconnecting')
  })
})

describe('memory hub: reconnect', () => {
  it('after a silent cut: the ghost leaves first, then reconnecting, joined and a fresh sync', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    hub.disconnect('a', { silent: true })
    await clock.advance(5_000)
    const markA = a.log.length
    const markB = b.log.length
    hub.reconnect('a')
    await clock.flush()
    expect(presence(since(b.log, markB))).toEqual([
      { type: 'leave', key: 'a', metas: [{ ref: expect.any(String), meta: { who: 0 } }] },
    ])
    const seen = since(a.log, markA)
    expect(seen.map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual([
      'reconnecting',
      'joined',
      'presence',
    ])
    const sync = presence(seen)[0]!
    expect(sync.type).toBe('sync')
    expect(sync.type === 'sync' && Object.keys(sync.state).sort()).toEqual(['b', 'c'])
  })

  it('does not restore presence: the client tracks again, as a first track', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    hub.disconnect('a')
    hub.reconnect('a')
    await clock.flush()
    expect(hub.state('wedding:123').a).toBeUndefined()
    const mark = b.log.length
    await a.room.track({ who: 0 }) // the same payload as before the cut
    await clock.flush()
    expect(presence(since(b.log, mark)).map((e) => e.type)).toEqual(['join'])
  })

  it('after a non-silent cut: joined and a fresh sync, with no second reconnecting', async () => {
    const { clock, hub, trio } = setup()
    const { a } = await trio()
    hub.disconnect('a')
    await clock.flush()
    const mark = a.log.length
    hub.reconnect('a')
    await clock.flush()
    expect(since(a.log, mark).map((e) => (e.kind === 'status' ? e.status : e.kind))).toEqual([
      'joined',
      'presence',
    ])
  })

  it('forces a drop and rejoin on a connected label', async () => {
    const { clock, hub, trio } = setup()
    const { a, b } = await trio()
    const mark = a.log.length
    hub.reconnect('a')
    await clock.flush()
    expect(statuses(since(a.log, mark))).toEqual(['reconnecting', 'joined'])
    expect(b.state().a).toBeUndefined()
  })

  it('cancels the server timeout of a silent cut it ends', async () => {
    const { clock, hub, trio } = setup({ serverTimeoutMs: 1_000 })
    const { a, b } = await trio()
    hub.disconnect('a', { silent: true })
    hub.reconnect('a')
    await clock.flush()
    await a.room.track({ who: 'back' })
    await clock.advance(5_000)
    expect(b.state().a!.map((m) => m.meta)).toEqual([{ who: 'back' }])
  })

  it('rejects unknown labels', () => {
    const { hub } = setup()
    expect(() => hub.disconnect('nobody')).toThrow(/no connection/)
    expect(() => hub.reconnect('nobody')).toThrow(/no connection/)
  })
})
