import { PresenceError } from '@wedsync/presence-core'
import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { type PendingCall, PendingCalls } from './pending-calls.js'

type Channel = { readonly name: string; readonly log: string[] }

function call(
  kind: PendingCall<Channel>['kind'],
  what: string,
  answer = 'ok',
): PendingCall<Channel> {
  return {
    kind,
    what,
    request: async (channel) => {
      channel.log.push(what)
      return answer
    },
  }
}

const runner = async (channel: Channel, pending: PendingCall<Channel>) => {
  const response = await pending.request(channel)
  if (response !== 'ok')
    throw new PresenceError('PRESENCE_TRANSPORT_FAILED', `${pending.what}: ${response}`)
}

/** Settles `promise` into a value a test can compare. */
const outcome = (promise: Promise<void>) =>
  promise.then(
    () => 'ok',
    (error: PresenceError) => error.message,
  )

describe('PendingCalls', () => {
  it('holds calls until the join; presence calls collapse into the last one', async () => {
    const clock = createFakeClock()
    const calls = new PendingCalls<Channel>(clock, 10_000, 'w1')
    const results = [
      outcome(calls.add(call('presence', 'track 1'))),
      outcome(calls.add(call('broadcast', 'note'))),
      outcome(calls.add(call('presence', 'untrack'))),
      outcome(calls.add(call('presence', 'track 2'))),
    ]
    const channel: Channel = { name: 'c', log: [] }
    calls.flush(channel, runner)
    expect(await Promise.all(results)).toEqual(['ok', 'ok', 'ok', 'ok'])
    // One presence call reached the channel, not three: each one counts against the server limit.
    expect(channel.log).toEqual(['note', 'track 2'])
  })

  it('superseded calls share the outcome of the call that replaced them', async () => {
    const calls = new PendingCalls<Channel>(createFakeClock(), 10_000, 'w1')
    const first = outcome(calls.add(call('presence', 'track 1')))
    const last = outcome(calls.add(call('presence', 'track 2', 'error')))
    calls.flush({ name: 'c', log: [] }, runner)
    expect(await Promise.all([first, last])).toEqual(['track 2: error', 'track 2: error'])
  })

  it('a call that waits longer than the join wait fails, on the clock it was given', async () => {
    const clock = createFakeClock()
    const calls = new PendingCalls<Channel>(clock, 10_000, 'w1')
    let settled: string | undefined
    void outcome(calls.add(call('presence', 'track'))).then((result) => {
      settled = result
    })
    await clock.advance(9_999)
    expect(settled).toBeUndefined()
    await clock.advance(1)
    expect(settled).toBe('track in w1: not joined within 10000 ms')
    const channel: Channel = { name: 'c', log: [] }
    calls.flush(channel, runner)
    expect(channel.log).toEqual([]) // the timed-out call is not sent later
  })

  it('fails calls in flight when their channel goes away, and ignores their late replies', async () => {
    const calls = new PendingCalls<Channel>(createFakeClock(), 10_000, 'w1')
    let reply: (answer: string) => void = () => {}
    const hanging: PendingCall<Channel> = {
      kind: 'presence',
      what: 'track',
      request: () => new Promise((resolve) => (reply = resolve)),
    }
    const result = outcome(calls.add(hanging))
    calls.flush({ name: 'c', log: [] }, runner)
    calls.failInFlight(new PresenceError('PRESENCE_TRANSPORT_FAILED', 'the server closed w1'))
    expect(await result).toBe('the server closed w1')
    reply('ok') // too late: nothing left to settle, nothing thrown
  })

  it('start runs a call at once, arms no timer, and still fails it when the channel goes', async () => {
    const clock = createFakeClock()
    const calls = new PendingCalls<Channel>(clock, 10_000, 'w1')
    const channel: Channel = { name: 'c', log: [] }
    expect(await outcome(calls.start(channel, call('broadcast', 'note'), runner))).toBe('ok')
    expect(channel.log).toEqual(['note'])
    const hanging = outcome(
      calls.start(
        channel,
        { kind: 'presence', what: 'track', request: () => new Promise(() => {}) },
        runner,
      ),
    )
    expect(clock.pending()).toBe(0)
    calls.failInFlight(new PresenceError('PRESENCE_TRANSPORT_FAILED', 'gone'))
    expect(await hanging).toBe('gone')
  })

  it('failAll fails waiting and in-flight calls and cancels their timers', async () => {
    const clock = createFakeClock()
    const calls = new PendingCalls<Channel>(clock, 10_000, 'w1')
    const waiting = outcome(calls.add(call('broadcast', 'note')))
    calls.failAll(new PresenceError('PRESENCE_ROOM_LEFT', 'w1 was closed'))
    expect(await waiting).toBe('w1 was closed')
    expect(clock.pending()).toBe(0)
  })

  describe('one presence call in flight on a joined channel', () => {
    /** A presence call that hangs until the test answers it. */
    function hanging(what: string) {
      let answer: (response: string) => void = () => {}
      const pending: PendingCall<Channel> = {
        kind: 'presence',
        what,
        request: (channel) => {
          channel.log.push(what)
          return new Promise((resolve) => (answer = resolve))
        },
      }
      return { pending, answer: (response: string) => answer(response) }
    }

    it('holds presence calls behind an unanswered one; they go out as the last', async () => {
      const calls = new PendingCalls<Channel>(createFakeClock(), 10_000, 'w1')
      const channel: Channel = { name: 'c', log: [] }
      const first = hanging('track 1')
      const results = [
        outcome(calls.start(channel, first.pending, runner)),
        outcome(calls.start(channel, call('presence', 'track 2'), runner)),
        outcome(calls.start(channel, call('presence', 'untrack'), runner)),
        outcome(calls.start(channel, call('broadcast', 'note'), runner)),
        outcome(calls.start(channel, call('presence', 'track 3'), runner)),
      ]
      // A broadcast is no presence call: it never waits.
      expect(channel.log).toEqual(['track 1', 'note'])
      first.answer('ok')
      expect(await Promise.all(results)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
      // After a silent stall the server gets two calls, not one per heartbeat of the stall.
      expect(channel.log).toEqual(['track 1', 'note', 'track 3'])
    })

    it('a call that timed out lets the held ones go, which keep their own outcome', async () => {
      const calls = new PendingCalls<Channel>(createFakeClock(), 10_000, 'w1')
      const channel: Channel = { name: 'c', log: [] }
      const first = hanging('track 1')
      const stalled = outcome(calls.start(channel, first.pending, runner))
      const next = outcome(calls.start(channel, call('presence', 'track 2'), runner))
      first.answer('timed out')
      expect(await Promise.all([stalled, next])).toEqual(['track 1: timed out', 'ok'])
      expect(channel.log).toEqual(['track 1', 'track 2'])
    })

    it('a rejoin is not held up by a call from the old join, whose late answer starts nothing', async () => {
      const calls = new PendingCalls<Channel>(createFakeClock(), 10_000, 'w1')
      const old: Channel = { name: 'old', log: [] }
      const first = hanging('track 1')
      void outcome(calls.start(old, first.pending, runner))
      const held = outcome(calls.start(old, call('presence', 'track 2'), runner))
      const rejoined: Channel = { name: 'new', log: [] }
      calls.flush(rejoined, runner)
      expect(await held).toBe('ok')
      expect(rejoined.log).toEqual(['track 2'])
      // The new join's calls go out at once.
      expect(await outcome(calls.start(rejoined, call('presence', 'track 3'), runner))).toBe('ok')
      first.answer('ok')
      expect(old.log).toEqual(['track 1'])
      expect(rejoined.log).toEqual(['track 2', 'track 3'])
    })

    it('held calls fail with the ones in flight when the channel goes away', async () => {
      const calls = new PendingCalls<Channel>(createFakeClock(), 10_000, 'w1')
      const channel: Channel = { name: 'c', log: [] }
      const first = hanging('track 1')
      const results = [
        outcome(calls.start(channel, first.pending, runner)),
        outcome(calls.start(channel, call('presence', 'track 2'), runner)),
      ]
      calls.failInFlight(new PresenceError('PRESENCE_TRANSPORT_FAILED', 'gone'))
      expect(await Promise.all(results)).toEqual(['gone', 'gone'])
      first.answer('ok')
      expect(channel.log).toEqual(['track 1'])
    })
  })
})
