import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { PresenceError } from './errors.js'
import { DEFAULT_HEARTBEAT_POLICY } from './heartbeat-policy.js'
import { createLocalState, reduceLocal } from './local-state.js'
import { publishedView } from './published-view.js'
import { createPublisher } from './room-publisher.js'
import { createRoomState } from './room-state.js'
import { DEFAULT_STATUS_POLICY } from './status-policy.js'

/** A publisher on a fake clock whose track calls stay pending until the test settles them. */
function setup(options: { isPrivate?: boolean } = {}) {
  const clock = createFakeClock()
  const calls: { kind: 'track' | 'untrack'; meta?: unknown; settle: (ok: boolean) => void }[] = []
  const errors: string[] = []
  const call = (kind: 'track' | 'untrack', meta?: unknown) =>
    new Promise<void>((resolve, reject) => {
      calls.push({ kind, meta, settle: (ok) => (ok ? resolve() : reject(new Error('no'))) })
    })
  const state = createRoomState('r')
  const view = (local = createLocalState(0)) =>
    publishedView(local, clock.now(), DEFAULT_STATUS_POLICY)
  const publisher = createPublisher(
    {
      roomId: 'r',
      isPrivate: options.isPrivate ?? false,
      sessionId: 's',
      clock,
      scheduler: clock,
      policy: DEFAULT_HEARTBEAT_POLICY,
      snapshot: () => state.snapshot,
      track: (meta) => call('track', meta),
      untrack: () => call('untrack'),
      transportError: (action) => new PresenceError('PRESENCE_TRANSPORT_FAILED', action),
      report: (error) => errors.push(error.message),
    },
    view(),
  )
  return { clock, calls, errors, publisher, view }
}

describe('createPublisher', () => {
  it('tracks once a membership starts, coalesces changes and keeps within the call budget', async () => {
    const { clock, calls, publisher } = setup()
    publisher.setActivity({ action: 'viewing' })
    expect(calls).toHaveLength(0)
    publisher.membership(true)
    expect(calls.map((c) => c.kind)).toEqual(['track'])
    for (let i = 0; i < 20; i++) {
      publisher.setActivity({ action: `a${i}` })
      await clock.advance(DEFAULT_HEARTBEAT_POLICY.coalesceMs)
    }
    const { callLimit, callWindowMs } = DEFAULT_HEARTBEAT_POLICY
    expect(calls).toHaveLength(callLimit)
    await clock.advance(callWindowMs * 2)
    expect(calls.at(-1)?.meta).toMatchObject({ activity: { action: 'a19' } })
  })

  it('counts only the latest track for confirmation, and an ended membership unconfirms', async () => {
    const { clock, calls, errors, publisher } = setup()
    publisher.membership(true)
    expect(publisher.confirmed()).toBe(false)
    publisher.setActivity({ action: 'editing' })
    await clock.advance(DEFAULT_HEARTBEAT_POLICY.coalesceMs)
    expect(calls).toHaveLength(2)
    calls[1]?.settle(true)
    calls[0]?.settle(false)
    await clock.advance(0)
    expect(publisher.confirmed()).toBe(true)
    expect(errors).toEqual([])
    publisher.membership(false)
    expect(publisher.confirmed()).toBe(false)
  })

  it('untracks once when hidden and reports a visibility too narrow for a public room', async () => {
    const { clock, calls, errors, publisher, view } = setup()
    publisher.membership(true)
    calls[0]?.settle(true)
    await clock.advance(0)
    const friends = reduceLocal(
      createLocalState(0),
      { type: 'set-privacy', privacy: { visibility: 'team' } },
      0,
    )
    expect(publisher.setView(view(friends))).toBe(true)
    publisher.sendChanges()
    await clock.advance(DEFAULT_HEARTBEAT_POLICY.coalesceMs)
    expect(calls.map((c) => c.kind)).toEqual(['track', 'untrack'])
    expect(publisher.confirmed()).toBe(false)
    expect(errors).toEqual([expect.stringContaining('r is not private')])
    await clock.advance(DEFAULT_HEARTBEAT_POLICY.intervalMs * 4)
    expect(calls).toHaveLength(2)
  })
})
