/**
 * The automatic status is computed once per change of a client: the published view, the client's
 * own presence and its next timer share one computation, and rooms (coalesced publishes,
 * heartbeats, presence events) compute none. Counted by wrapping `automaticStatus` where other
 * modules import it; the probes inside `nextAutomaticChangeAt` (the status at the future
 * thresholds, within status-policy.ts) are not counted.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createWorld, MINUTE, ROOM } from '../test/test-world.js'
import { automaticStatus } from './status-policy.js'

vi.mock(import('./status-policy.js'), async (importOriginal) => {
  const original = await importOriginal()
  return { ...original, automaticStatus: vi.fn(original.automaticStatus) }
})

const computed = vi.mocked(automaticStatus)

describe('the automatic status', () => {
  beforeEach(() => {
    computed.mockClear()
  })

  it('is computed once per change of a client in two rooms, and never by the rooms', async () => {
    const { clock, supplier } = createWorld()
    const photo = supplier('u-photo')
    const board = photo.client.enter(ROOM)
    photo.client.enter('wedding:456', { activity: { action: 'viewing' } })
    await clock.advance(1_000)

    // A change: computed once, and sent to both rooms (and echoed back) without computing it again.
    computed.mockClear()
    photo.client.setStatus('busy')
    expect(computed).toHaveBeenCalledTimes(1)
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('busy')
    expect(computed).toHaveBeenCalledTimes(1)

    // Ten minutes of heartbeats in both rooms with input every minute: once per input, no more.
    computed.mockClear()
    for (let minute = 0; minute < 10; minute++) {
      photo.activity.input()
      await clock.advance(MINUTE)
    }
    expect(computed).toHaveBeenCalledTimes(10)

    // No input: the client's own timer turns it idle, once; the rooms' heartbeats compute nothing.
    computed.mockClear()
    await clock.advance(4 * MINUTE)
    expect(computed).toHaveBeenCalledTimes(1)
    expect(photo.client.me().automaticStatus).toBe('idle')
  })
})
