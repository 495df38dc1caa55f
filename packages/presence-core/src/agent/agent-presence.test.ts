/**
 * createAgentPresence on the in-memory hub and the fake clock, seen by an ordinary client in the
 * same room: online (never idle) while its TTL lasts, renew() extends it, expiry leaves every room
 * and says so, the custom status never outlives the lease (even when the agent's process hangs),
 * and bad options are refused with typed errors. With verified presence, a forger under the
 * agent's user id is dropped and never shown as the agent.
 */
import { describe, expect, it } from 'vitest'
import { createWorld, MINUTE, ROOM } from '../../test/test-world.js'
import { createVerifiedWorld, dropReasons } from '../../test/verified-world.js'
import { createAgentPresence, MAX_AGENT_TTL_MS } from '../agent.js'
import { isPresenceError, type PresenceError } from '../errors.js'
import type { PresenceTransport, Scheduler } from '../ports.js'
import { createSessionTrust } from '../trust.js'
import type { AgentExpiry, AgentPresenceOptions } from './agent-presence.js'

const AGENT = 'agent:booking-assistant'
const PROFILE = { name: 'Booking assistant', role: 'assistant' }

/** A world with a coordinator's board open in the room, and an agent on the same hub and clock. */
function agentWorld(start?: number) {
  const world = createWorld(start === undefined ? {} : { start })
  const venue = world.supplier('u-venue')
  const board = venue.client.enter(ROOM)
  const agent = (options: Partial<AgentPresenceOptions> & { ttlMs: number }) => {
    const presence = createAgentPresence({
      transport: world.hub.connect('agent'),
      userId: AGENT,
      profile: PROFILE,
      clock: world.clock,
      ...options,
    })
    const expired: AgentExpiry[] = []
    presence.on('expired', (expiry) => expired.push(expiry))
    return { presence, expired }
  }
  return { ...world, venue, board, agent }
}

/** The error `fn` throws, which must be a PresenceError. */
function thrown(fn: () => unknown): PresenceError {
  try {
    fn()
  } catch (error) {
    if (isPresenceError(error)) return error
    throw error
  }
  throw new Error('expected a PresenceError, nothing was thrown')
}

describe('createAgentPresence: while the TTL lasts', () => {
  it('is online with its profile, status and custom status, and never idles while a person would', async () => {
    const { clock, board, agent, supplier, workFor, venue } = agentWorld()
    const { presence } = agent({
      ttlMs: 2 * 60 * MINUTE,
      customStatus: { text: 'Finding a florist', emoji: '🤖' },
    })
    presence.enter(ROOM, { activity: { action: 'booking', target: 'florist' } })
    // A person who entered at the same time and never touched a key: the control.
    supplier('u-photo').client.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member(AGENT)).toMatchObject({
      status: 'online',
      profile: PROFILE,
      activity: { action: 'booking', target: 'florist' },
      customStatus: { text: 'Finding a florist', emoji: '🤖', expiresAt: presence.expiresAt },
    })
    expect(presence.expiresAt).toBe(clock.now() - 1_000 + 2 * 60 * MINUTE)

    await workFor(6 * MINUTE, [venue])
    expect(board.member('u-photo')?.status).toBe('idle')
    expect(board.member(AGENT)?.status).toBe('online')
    await workFor(25 * MINUTE, [venue])
    expect(board.member('u-photo')?.status).toBe('away')
    expect(board.member(AGENT)?.status).toBe('online')
    expect(presence.me().status).toBe('online')
    // Just before the end of its TTL it is still there, online, with its custom status.
    await workFor(2 * 60 * MINUTE - 31 * MINUTE - 2_000, [venue])
    expect(board.member(AGENT)?.status).toBe('online')
    expect(board.member(AGENT)?.customStatus?.text).toBe('Finding a florist')
    expect(presence.state).toBe('live')
  })

  it('shows a manual status from the start, and passes status and activity changes through', async () => {
    const { clock, board, agent } = agentWorld()
    const { presence } = agent({ ttlMs: 10 * MINUTE, status: 'busy' })
    const room = presence.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member(AGENT)?.status).toBe('busy')
    presence.setStatus(null)
    presence.setActivity({ action: 'waiting', target: 'venue reply' })
    await clock.advance(1_000)
    expect(board.member(AGENT)).toMatchObject({
      status: 'online',
      activity: { action: 'waiting', target: 'venue reply' },
    })
    expect(presence.room(ROOM)).toBe(room)
    expect(room.member('u-venue')?.status).toBe('online') // the agent sees the room too
  })
})

describe('renew', () => {
  it('starts a new lease from now, counts as input and carries the custom status into it', async () => {
    const { clock, board, agent, venue, workFor } = agentWorld()
    const { presence, expired } = agent({
      ttlMs: 10 * MINUTE,
      customStatus: { text: 'Booking the band' },
    })
    presence.enter(ROOM)
    await workFor(9 * MINUTE, [venue])
    const until = presence.renew()
    expect(until).toBe(clock.now() + 10 * MINUTE)
    expect(presence.expiresAt).toBe(until)
    expect(presence.me().lastInputAt).toBe(clock.now())
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus).toEqual({
      text: 'Booking the band',
      expiresAt: until,
    })

    // Past the first lease's end: still there.
    await workFor(5 * MINUTE, [venue])
    expect(board.member(AGENT)?.status).toBe('online')
    expect(expired).toEqual([])

    // renew(ttl) for once: a shorter lease replaces the longer one.
    const short = presence.renew(MINUTE)
    expect(short).toBe(clock.now() + MINUTE)
    await workFor(MINUTE, [venue])
    expect(expired).toEqual([{ userId: AGENT, sessionId: presence.sessionId, expiresAt: short }])
    expect(board.member(AGENT)?.status).toBe('offline')
  })

  it('spends no presence call on the custom status when its own earlier expiry does not move', async () => {
    const { clock, board, agent } = agentWorld()
    const end = clock.now() + 5 * MINUTE
    const { presence } = agent({ ttlMs: 10 * MINUTE })
    presence.enter(ROOM)
    presence.setCustomStatus({ text: 'Quoting until five past', expiresAt: end })
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus?.expiresAt).toBe(end)
    const before = board.getSnapshot().version
    presence.renew()
    await clock.advance(1_000)
    // The renewal is input only: nobody sees a change.
    expect(board.getSnapshot().version).toBe(before)
    // Its own expiry passes: the board drops it, and the next renew does not bring it back.
    await clock.advance(5 * MINUTE)
    expect(board.member(AGENT)?.customStatus).toBeUndefined()
    presence.renew()
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus).toBeUndefined()
    expect(board.member(AGENT)?.status).toBe('online')
  })
})

describe('expiry', () => {
  it('leaves every room at the end of the TTL, observers see it go, and says so once', async () => {
    const { clock, board, agent, supplier } = agentWorld()
    const other = supplier('u-photo').client.enter('wedding:456')
    const { presence, expired } = agent({ ttlMs: 3 * MINUTE, status: 'busy' })
    presence.enter(ROOM)
    presence.enter('wedding:456')
    const left: string[] = []
    board.on('leave', (member) => left.push(member.userId))
    await clock.advance(3 * MINUTE - 1)
    expect(board.member(AGENT)?.status).toBe('busy')
    expect(other.member(AGENT)?.status).toBe('busy')
    expect(expired).toEqual([])

    await clock.advance(1)
    expect(expired).toEqual([
      { userId: AGENT, sessionId: presence.sessionId, expiresAt: presence.expiresAt },
    ])
    expect(presence.state).toBe('expired')
    expect(board.member(AGENT)?.status).toBe('offline')
    expect(other.member(AGENT)?.status).toBe('offline')
    expect(left).toEqual([AGENT])

    // Nothing comes back, and what it is asked to do says why.
    await clock.advance(10 * MINUTE)
    expect(expired).toHaveLength(1)
    expect(board.member(AGENT)?.status).toBe('offline')
    for (const call of [
      () => presence.renew(),
      () => presence.enter(ROOM),
      () => presence.setStatus('busy'),
      () => presence.setCustomStatus({ text: 'back' }),
      () => presence.setActivity(null),
    ]) {
      const error = thrown(call)
      expect(error.code).toBe('PRESENCE_CLIENT_DESTROYED')
      expect(error.message).toMatch(/expired/)
    }
    presence.destroy() // idempotent, and no second event
    expect(expired).toHaveLength(1)
  })

  it('a renew after the lease ended, with its timer late, expires instead of reviving it', async () => {
    const { clock, board, agent } = agentWorld()
    let late: (() => void) | undefined
    // A scheduler that holds the lease's timer back: the process was busy when it was due.
    const scheduler: Scheduler = {
      schedule(delay, task) {
        if (delay < MINUTE) return clock.schedule(delay, task)
        late = task
        return () => {}
      },
    }
    const { presence, expired } = agent({ ttlMs: MINUTE, scheduler })
    presence.enter(ROOM)
    await clock.advance(MINUTE + 1_000)
    expect(late).toBeDefined()
    expect(thrown(() => presence.renew()).code).toBe('PRESENCE_CLIENT_DESTROYED')
    expect(expired).toHaveLength(1)
    await clock.advance(0) // the hub delivers the leave
    expect(board.member(AGENT)?.status).toBe('offline')
    late?.() // the late timer finally runs: nothing more happens
    expect(expired).toHaveLength(1)
  })

  it('destroy() leaves at once, with no expired event', async () => {
    const { clock, board, agent } = agentWorld()
    const { presence, expired } = agent({ ttlMs: 10 * MINUTE })
    presence.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member(AGENT)?.status).toBe('online')
    presence.destroy()
    await clock.advance(0)
    expect(presence.state).toBe('destroyed')
    expect(board.member(AGENT)?.status).toBe('offline')
    await clock.advance(20 * MINUTE)
    expect(expired).toEqual([])
    expect(thrown(() => presence.renew()).message).toMatch(/destroyed/)
  })
})

describe('the custom status never outlives the lease', () => {
  it('observers drop it at the TTL on their own clock, and the agent at its room lease, when its process hangs', async () => {
    const { clock, board, agent } = agentWorld()
    let hung = false
    // The agent's timers stop running: its event loop is stuck (the socket, in the hub, stays open).
    const scheduler: Scheduler = {
      schedule: (delay, task) =>
        clock.schedule(delay, () => {
          if (!hung) task()
        }),
    }
    const { presence, expired } = agent({
      ttlMs: 10_000,
      scheduler,
      customStatus: { text: 'Holding your table', emoji: '🍽️' },
    })
    presence.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus?.expiresAt).toBe(presence.expiresAt)
    hung = true

    await clock.advance(9_000) // the TTL's end: the board drops the custom status by itself
    expect(board.member(AGENT)?.status).toBe('online')
    expect(board.member(AGENT)?.customStatus).toBeUndefined()
    expect(expired).toEqual([]) // the agent never noticed: its timer did not run

    await clock.advance(30_000) // the room lease (30 s) drops the agent itself
    expect(board.member(AGENT)?.status).toBe('offline')
  })

  it('setCustomStatus keeps an earlier expiry of its own, and clears with null', async () => {
    const { clock, board, agent } = agentWorld()
    const { presence } = agent({ ttlMs: 10 * MINUTE })
    presence.enter(ROOM)
    presence.setCustomStatus({ text: 'Later than the lease', expiresAt: clock.now() + 60 * MINUTE })
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus?.expiresAt).toBe(presence.expiresAt)
    presence.setCustomStatus(null)
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus).toBeUndefined()
    presence.renew()
    await clock.advance(1_000)
    expect(board.member(AGENT)?.customStatus).toBeUndefined()
  })
})

describe('options', () => {
  const transport: PresenceTransport = { openRoom: () => ({}) as never }
  const base = { transport, userId: AGENT, ttlMs: MINUTE }
  const cases: [string, unknown, RegExp][] = [
    ['no options', undefined, /needs options/],
    ['no ttlMs', { transport, userId: AGENT }, /ttlMs must be a positive number/],
    ['ttlMs 0', { ...base, ttlMs: 0 }, /positive/],
    ['ttlMs negative', { ...base, ttlMs: -5 }, /positive/],
    ['ttlMs NaN', { ...base, ttlMs: Number.NaN }, /positive/],
    ['ttlMs Infinity', { ...base, ttlMs: Number.POSITIVE_INFINITY }, /positive/],
    ['ttlMs a string', { ...base, ttlMs: '60000' }, /positive/],
    ['ttlMs over a day', { ...base, ttlMs: MAX_AGENT_TTL_MS + 1 }, /at most .*renew/],
    ['an activity source', { ...base, activity: { subscribe: () => () => {} } }, /activity.*renew/],
    ['idleAfterMs', { ...base, idleAfterMs: 1 }, /idleAfterMs.*status/],
    ['awayAfterMs', { ...base, awayAfterMs: 1 }, /awayAfterMs/],
    ['hiddenIdleAfterMs', { ...base, hiddenIdleAfterMs: 1 }, /hiddenIdleAfterMs/],
    ['a status people cannot set', { ...base, status: 'online' }, /setStatus argument/],
    ['a custom status without text', { ...base, customStatus: { emoji: 1 } }, /custom status/],
    ['no transport', { userId: AGENT, ttlMs: MINUTE }, /transport/],
    ['a bad user id', { ...base, userId: '' }, /userId/],
  ]
  it.each(cases)('refuses %s with PRESENCE_INVALID_ARGUMENT', (_what, options, message) => {
    const error = thrown(() => createAgentPresence(options as AgentPresenceOptions))
    expect(error.code).toBe('PRESENCE_INVALID_ARGUMENT')
    expect(error.message).toMatch(message)
  })

  it('refuses a custom status already past, publishing nothing', async () => {
    const { clock, hub, agent } = agentWorld()
    const error = thrown(() =>
      agent({ ttlMs: MINUTE, customStatus: { text: 'Gone', expiresAt: clock.now() - 1 } }),
    )
    expect(error.code).toBe('PRESENCE_INVALID_ARGUMENT')
    await clock.advance(MINUTE)
    expect(hub.state(ROOM)[AGENT]).toBeUndefined()
  })

  it('refuses a bad renew TTL and keeps the lease it had', async () => {
    const { clock, agent } = agentWorld()
    const { presence } = agent({ ttlMs: MINUTE })
    const until = presence.expiresAt
    for (const ttl of [0, -1, Number.NaN, MAX_AGENT_TTL_MS + 1])
      expect(thrown(() => presence.renew(ttl)).code).toBe('PRESENCE_INVALID_ARGUMENT')
    expect(presence.expiresAt).toBe(until)
    expect(presence.renew(MAX_AGENT_TTL_MS)).toBe(clock.now() + MAX_AGENT_TTL_MS)
    presence.destroy()
  })
})

describe('verified: the agent under a credential of its own', () => {
  it('appears verified; a forger under its user id is dropped and never shown as the agent', async () => {
    const world = await createVerifiedWorld()
    const { board, venue } = await world.coordinator()
    const source = world.issuer.source()
    const presence = createAgentPresence({
      transport: world.hub.connect('agent'),
      userId: AGENT,
      profile: PROFILE,
      clock: world.clock,
      ttlMs: 5 * MINUTE,
      customStatus: { text: 'Booking the florist' },
      trust: createSessionTrust({ credentials: source, keys: { jwks: world.issuer.jwks } }),
    })
    expect(presence.trust).toBe('verified')
    presence.enter(ROOM)
    await world.until(
      () => board.member(AGENT)?.customStatus?.text === 'Booking the florist',
      'the agent verified on the board',
    )
    // Its credential was asked for its own user id and session.
    expect(source.requests.map((r) => [r.userId, r.sessionId])).toEqual([
      [AGENT, presence.sessionId],
    ])

    // Mallory: unsigned under the agent's key, then signed with her own credential.
    const raw = world.raw('mallory', AGENT)
    const meta = (session: string) => ({
      v: 1,
      session,
      status: 'online',
      seq: 1,
      lease: 30_000,
      custom: { status: { text: 'Booking cancelled' }, at: world.clock.now() },
    })
    await world.settle(raw.track(meta('s-forged')), 'the unsigned track')
    const mallory = await world.signer('u-mallory')
    const raw2 = world.raw('mallory-2', AGENT)
    const scope = { roomId: ROOM, private: false }
    const signed = await mallory.sign(
      scope,
      { kind: 'presence', key: AGENT },
      meta(mallory.sessionId),
    )
    await world.settle(raw2.track(signed), 'the signed track')
    await world.until(
      () =>
        dropReasons(venue.errors).includes('missing-proof') &&
        dropReasons(venue.errors).includes('wrong-user'),
      'both forgeries dropped',
    )
    expect(board.member(AGENT)?.customStatus?.text).toBe('Booking the florist')
    expect(board.member(AGENT)?.sessions.map((s) => s.sessionId)).toEqual([presence.sessionId])
    presence.destroy()
  })
})
