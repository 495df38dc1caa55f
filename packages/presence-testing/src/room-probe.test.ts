import { describe, expect, it } from 'vitest'
import { createFakeClock } from './fake-clock.js'
import { createMemoryHub } from './memory-hub.js'
import { probeRoom } from './room-probe.js'

async function setup(failAfterMs = 5_000) {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const a = probeRoom(hub.connect('a').openRoom('r', { key: 'a' }), {
    messages: ['note'],
    failAfterMs,
  })
  const b = probeRoom(hub.connect('b').openRoom('r', { key: 'b' }), {
    messages: ['note'],
    failAfterMs,
  })
  await clock.flush()
  return { clock, hub, a, b }
}

describe('probeRoom', () => {
  it('records statuses, presence and messages in arrival order', async () => {
    const { clock, a, b } = await setup()
    await a.room.track({ n: 1 })
    await a.room.send('note', 'hi')
    await clock.flush()
    expect(b.log.map((e) => e.kind)).toEqual([
      'status',
      'status',
      'presence',
      'presence',
      'message',
    ])
    expect(b.log.map((e) => e.index)).toEqual([0, 1, 2, 3, 4])
    expect(b.status()).toBe('joined')
  })

  it('builds the state from sync, join and leave like a client', async () => {
    const { clock, hub, a, b } = await setup()
    await a.room.track({ n: 1 })
    await b.room.track({ n: 2 })
    await clock.flush()
    expect(b.state()).toEqual(hub.state('r'))
    await a.room.track({ n: 3 })
    await clock.flush()
    expect(b.state()).toEqual(hub.state('r'))
    await a.room.untrack()
    await clock.flush()
    expect(b.state()).toEqual(hub.state('r'))
    expect(Object.keys(b.state())).toEqual(['b'])
  })

  it('ignores a repeated join of a known ref', async () => {
    const { clock, hub, a, b } = await setup()
    hub.setFaults({ duplicateRate: 1 })
    await a.room.track({ n: 1 })
    await clock.flush()
    expect(b.state().a).toHaveLength(1)
  })

  it('resolves a wait as soon as its check holds, immediately if it already does', async () => {
    const { clock, a, b } = await setup()
    await expect(b.until(() => b.status(), 'a status')).resolves.toBe('joined')
    const waiting = b.next((e) => e.kind === 'message', 'a note')
    await a.room.send('note', 'hello')
    await clock.flush()
    await expect(waiting).resolves.toMatchObject({ kind: 'message', payload: 'hello' })
  })

  it('rejects a wait that never comes true once its bound passes, with what it saw', async () => {
    const { b } = await setup(20)
    await expect(b.until(() => false, 'something that never happens')).rejects.toThrow(
      /gave up after 20 ms waiting for something that never happens\nlast entries/,
    )
  })

  it('stops recording and rejects pending and later waits when stopped', async () => {
    const { clock, a, b } = await setup()
    const pending = b.next((e) => e.kind === 'message', 'a note')
    b.stop()
    await expect(pending).rejects.toThrow('the probe was stopped')
    await expect(b.until(() => false, 'anything')).rejects.toThrow(/stopped before anything/)
    const length = b.log.length
    await a.room.send('note', 'unheard')
    await clock.flush()
    expect(b.log.length).toBe(length)
  })

  it('reports nothing received and no status on a fresh room', async () => {
    const clock = createFakeClock()
    const hub = createMemoryHub({ clock })
    const probe = probeRoom(hub.connect('a').openRoom('r', { key: 'a' }), { failAfterMs: 1 })
    expect(probe.status()).toBeUndefined()
    await expect(probe.until(() => false, 'x')).rejects.toThrow(/nothing was received/)
  })
})
