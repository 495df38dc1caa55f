import { describe, expect, it } from 'vitest'
import { createFakeClock } from './fake-clock.js'
import { PRESENCE_LIMIT_REASON } from './hub-engine.js'
import { createMemoryHub, type MemoryHubOptions } from './memory-hub.js'
import { type ProbeEntry, probeRoom } from './room-probe.js'

type HubSettings = Omit<MemoryHubOptions, 'clock' | 'scheduler'>

async function setup(options: HubSettings = {}) {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock, ...options })
  const a = probeRoom(hub.connect('a').openRoom('wedding:123', { key: 'a' }))
  const b = probeRoom(hub.connect('b').openRoom('wedding:123', { key: 'b' }))
  await clock.flush()
  return { clock, hub, a, b }
}

const statusEntries = (log: readonly ProbeEntry[]) =>
  log.flatMap((e) => (e.kind === 'status' ? [{ status: e.status, detail: e.detail }] : []))

describe('memory hub: presence-call limit', () => {
  it('allows 5 calls per 30 s; the 6th closes the room like Supabase', async () => {
    const { clock, hub, a, b } = await setup()
    for (let i = 1; i <= 5; i++) await a.room.track({ i })
    await clock.flush()
    expect(b.state().a!.map((m) => m.meta)).toEqual([{ i: 5 }])
    await expect(a.room.track({ i: 6 })).rejects.toThrow(PRESENCE_LIMIT_REASON)
    await clock.flush()
    expect(statusEntries(a.log).slice(-3)).toEqual([
      { status: 'joined', detail: undefined },
      { status: 'error', detail: { reason: 'Client presence rate limit exceeded' } },
      { status: 'closed', detail: undefined },
    ])
    expect(b.state().a).toBeUndefined()
    expect(hub.state('wedding:123').a).toBeUndefined()
    expect(hub.stats().presenceLimitHits).toBe(1)
  })

  it('never rejoins after the limit closed the room', async () => {
    const { clock, hub, a } = await setup()
    for (let i = 1; i <= 5; i++) await a.room.untrack()
    await expect(a.room.untrack()).rejects.toThrow(PRESENCE_LIMIT_REASON)
    await clock.advance(10 * 60_000)
    hub.reconnect('a')
    await clock.flush()
    expect(a.status()).toBe('closed')
    await expect(a.room.track({ again: true })).rejects.toThrow(/closed/)
  })

  it('counts identical re-tracks and untracks alike', async () => {
    const { a } = await setup()
    await a.room.track({ same: true })
    await a.room.track({ same: true })
    await a.room.untrack()
    await a.room.untrack()
    await a.room.track({ same: true })
    await expect(a.room.track({ same: true })).rejects.toThrow(PRESENCE_LIMIT_REASON)
  })

  it('slides: a call stops counting exactly windowMs after it was made', async () => {
    const { clock, a } = await setup()
    await a.room.track({ n: 0 }) // t = 0
    await clock.advance(1_000)
    for (let n = 1; n <= 4; n++) await a.room.track({ n }) // t = 1 s
    await clock.advance(28_999) // t = 29.999 s: all five still count
    const early = a.room.track({ n: 5 })
    await expect(early).rejects.toThrow(PRESENCE_LIMIT_REASON)

    const fresh = await setup()
    await fresh.a.room.track({ n: 0 })
    await fresh.clock.advance(1_000)
    for (let n = 1; n <= 4; n++) await fresh.a.room.track({ n })
    await fresh.clock.advance(29_000) // t = 30 s: the first call has left the window
    await fresh.a.room.track({ n: 5 })
    await expect(fresh.a.room.track({ n: 6 })).rejects.toThrow(PRESENCE_LIMIT_REASON)
  })

  it('starts a fresh count on every join', async () => {
    const { clock, hub, a } = await setup()
    for (let n = 1; n <= 5; n++) await a.room.track({ n })
    hub.reconnect('a')
    await clock.flush()
    for (let n = 1; n <= 5; n++) await a.room.track({ n: n + 10 })
    expect(a.status()).toBe('joined')
  })

  it('counts buffered calls when they reach the hub', async () => {
    const clock = createFakeClock()
    const hub = createMemoryHub({ clock })
    const a = probeRoom(hub.connect('a').openRoom('r', { key: 'a' }))
    const calls = Array.from({ length: 7 }, (_, n) =>
      a.room.track({ n }).catch((e: Error) => e.message),
    )
    await clock.flush()
    expect(await Promise.all(calls)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      PRESENCE_LIMIT_REASON,
      'the room is closed',
    ])
    await clock.flush()
    expect(a.status()).toBe('closed')
  })

  it('takes a custom limit, or none', async () => {
    const custom = await setup({ presenceLimit: { calls: 2, windowMs: 1_000 } })
    await custom.a.room.track({ n: 1 })
    await custom.a.room.track({ n: 2 })
    await expect(custom.a.room.track({ n: 3 })).rejects.toThrow(PRESENCE_LIMIT_REASON)

    const none = await setup({ presenceLimit: false })
    for (let n = 0; n < 50; n++) await none.a.room.track({ n })
    await none.clock.flush()
    expect(none.b.state().a!.map((m) => m.meta)).toEqual([{ n: 49 }])
    expect(none.hub.stats().presenceLimitHits).toBe(0)
  })
})
