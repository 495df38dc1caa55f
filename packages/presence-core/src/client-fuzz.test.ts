import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createWorld, ROOM } from '../test/test-world.js'
import { createPresenceClient } from './client.js'
import type { PresenceEvent, PresenceTransport, TransportRoom } from './ports.js'

/** A transport whose room hands its listeners to the test, so the test can play a hostile server. */
function scriptedTransport() {
  const presence: Array<(e: PresenceEvent) => void> = []
  const room: TransportRoom = {
    track: async () => {},
    untrack: async () => {},
    onPresence: (cb) => {
      presence.push(cb)
      return () => {}
    },
    send: async () => {},
    onMessage: () => () => {},
    onStatus: () => () => {},
    close: async () => {},
  }
  const transport: PresenceTransport = { openRoom: () => room }
  const emit = (e: PresenceEvent) => {
    for (const cb of presence) cb(e)
  }
  return { transport, emit }
}

const validMeta = { v: 1, session: 's1', status: 'online', seq: 1, lease: 30_000 }

/** Near-misses of a valid meta: each field broken in one way, plus arbitrary JSON. */
const malformedMeta = fc.oneof(
  fc.anything(),
  fc.record({
    v: fc.oneof(fc.constant(2), fc.constant('1'), fc.constant(null)),
    session: fc.string(),
    status: fc.string(),
    seq: fc.double(),
    lease: fc.integer(),
  }),
  fc.constantFrom<unknown>(
    { ...validMeta, status: 'busy' },
    { ...validMeta, lease: 10 },
    { ...validMeta, seq: -1 },
    { ...validMeta, session: '' },
    { ...validMeta, session: 'x'.repeat(200) },
    { ...validMeta, activity: { action: '' } },
    { ...validMeta, profile: { avatarUrl: 'javascript:alert(1)' } },
    { ...validMeta, custom: { status: { text: 'x'.repeat(500) }, at: 1 } },
    { ...validMeta, manual: { status: 'online', at: 1 } },
    { ...validMeta, v: undefined },
  ),
)

describe('malformed presence from other clients', () => {
  it('10,000 fuzzed malformed metas are dropped with error events; nothing throws, nothing is stored', () => {
    const { clock } = createWorld()
    const { transport, emit } = scriptedTransport()
    const client = createPresenceClient({ transport, userId: 'u-venue', clock })
    const room = client.enter(ROOM)
    let errors = 0
    client.on('error', (e) => {
      expect(e.code).toBe('PRESENCE_PAYLOAD_INVALID')
      errors++
    })
    const samples = fc.sample(
      fc.tuple(fc.constantFrom('u-a', 'u-b', 'ids', '__proto__', ''), malformedMeta),
      {
        numRuns: 10_000,
        seed: 4242,
      },
    )
    let i = 0
    for (const [key, meta] of samples) {
      const metas = [{ ref: `r${i++}`, meta }]
      expect(() => emit({ type: 'join', key, metas })).not.toThrow()
      if (i % 1000 === 0)
        expect(() => emit({ type: 'sync', state: { [key]: metas } })).not.toThrow()
    }
    expect(errors).toBeGreaterThanOrEqual(10_000)
    expect(room.getSnapshot().size).toBe(0)
    expect(room.getSnapshot().version).toBe(0)
  })

  it('garbage in place of whole events is reported, never thrown into the transport', () => {
    const { clock } = createWorld()
    const { transport, emit } = scriptedTransport()
    const client = createPresenceClient({ transport, userId: 'u-venue', clock })
    const room = client.enter(ROOM)
    const errors: string[] = []
    client.on('error', (e) => errors.push(e.code))
    const junk: unknown[] = [
      { type: 'join', key: 'u-a', metas: null },
      { type: 'join', key: 'u-a', metas: [null, 1, 'x', { ref: 5 }] },
      { type: 'leave', key: 'u-a', metas: [null, { ref: {} }] },
      { type: 'sync', state: null },
      { type: 'sync', state: { 'u-a': 'nope', 'u-b': [{ ref: 'r', meta: validMeta }] } },
    ]
    for (const e of junk) expect(() => emit(e as PresenceEvent)).not.toThrow()
    expect(room.member('u-b')?.status).toBe('online')
    expect(room.member('u-a')).toBeUndefined()
    expect(errors.every((c) => c === 'PRESENCE_PAYLOAD_INVALID')).toBe(true)
  })

  it('malformed metas tracked through the hub reach nobody', async () => {
    const { clock, hub, supplier } = createWorld({ presenceLimit: false })
    const coordinator = supplier('u-venue')
    const board = coordinator.client.enter(ROOM)
    const rogue = hub.connect('rogue').openRoom(ROOM, { key: 'u-rogue' })
    for (const meta of [
      { v: 1 },
      { ...validMeta, v: 2 },
      { ...validMeta, lease: 'x' },
      { session: 's' },
      { ...validMeta, status: '<script>' },
    ]) {
      // The reply comes through the fake clock, so the call is not awaited before the clock moves.
      const tracked = rogue.track(meta)
      await clock.flush()
      await tracked
    }
    await expect(rogue.track('not a map')).rejects.toThrow(/map/)
    expect(board.member('u-rogue')).toBeUndefined()
    expect(coordinator.errors.length).toBeGreaterThanOrEqual(5)
  })
})
