import { createFakeActivity, createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { scriptedTransport } from '../test/scripted-transport.js'
import { createWorld, MINUTE, ROOM } from '../test/test-world.js'
import { createPresenceClient } from './client.js'
import { PresenceError } from './errors.js'
import { MAX_CLOCK_SKEW_MS, type SessionMeta } from './meta-schema.js'

const timeline = { action: 'viewing', target: 'timeline', weddingId: '123' }

describe('the SPEC story on the memory hub', () => {
  it('shows the photographer online on the timeline, the florist idle 5 min, the caterer offline with last seen', async () => {
    // Yesterday evening the caterer works until 18:40 and signs off.
    const { clock, supplier, workFor } = createWorld({ start: Date.UTC(2026, 5, 11, 18, 0) })
    const coordinator = supplier('u-venue')
    const board = coordinator.client.enter(ROOM)
    const caterer = supplier('u-caterer', { profile: { name: 'Oskar', role: 'caterer' } })
    caterer.client.enter(ROOM, { activity: { action: 'editing', target: 'menu' } })
    await workFor(40 * MINUTE, [caterer, coordinator])
    const signedOffAt = clock.now()
    caterer.client.destroy()
    await clock.flush()

    await clock.set(Date.UTC(2026, 5, 12, 9, 0))
    const photographer = supplier('u-photo', { profile: { name: 'Priya', role: 'photographer' } })
    photographer.client.enter(ROOM, { activity: timeline })
    const florist = supplier('u-florist')
    florist.client.enter(ROOM)
    const floristLastInput = clock.now()
    await workFor(5 * MINUTE + 1_000, [photographer, coordinator])

    const snapshot = board.getSnapshot()
    const p = snapshot.member('u-photo')!
    expect(p.status).toBe('online')
    expect(p.activity).toEqual(timeline)
    expect(p.profile).toEqual({ name: 'Priya', role: 'photographer' })

    const f = snapshot.member('u-florist')!
    expect(f.status).toBe('idle')
    // "active 5 minutes ago", measured on the coordinator's clock.
    expect(clock.now() - f.lastActiveAt!).toBeGreaterThanOrEqual(5 * MINUTE)
    expect(clock.now() - f.lastActiveAt!).toBeLessThan(6 * MINUTE)
    expect(f.lastActiveAt! - floristLastInput).toBeLessThan(1_000)

    const c = snapshot.member('u-caterer')!
    expect(c.status).toBe('offline')
    expect(c.sessions).toEqual([])
    expect(signedOffAt - c.lastActiveAt!).toBeLessThan(MINUTE + 1)
    expect(snapshot.counts).toMatchObject({ online: 2, idle: 1, offline: 1 })
  })
})

describe('several sessions of one user are one member', () => {
  it('three tabs: one closes ⇒ still online; all close ⇒ offline', async () => {
    const { clock, supplier } = createWorld()
    const observer = supplier('u-venue')
    const board = observer.client.enter(ROOM)
    const tabs = [1, 2, 3].map(() => supplier('u-photo'))
    for (const tab of tabs) tab.client.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member('u-photo')?.sessions).toHaveLength(3)
    expect(board.getSnapshot().counts.online).toBe(2)

    const leaves: string[] = []
    board.on('leave', (m) => leaves.push(m.userId))
    tabs[0]!.client.destroy()
    await clock.flush()
    expect(board.member('u-photo')?.status).toBe('online')
    expect(board.member('u-photo')?.sessions).toHaveLength(2)
    expect(leaves).toEqual([])

    tabs[1]!.client.destroy()
    tabs[2]!.client.destroy()
    await clock.flush()
    expect(board.member('u-photo')?.status).toBe('offline')
    expect(leaves).toEqual(['u-photo'])
  })

  it('busy set on the phone shows on the laptop too, and stays when the phone leaves', async () => {
    const { clock, supplier } = createWorld()
    const observer = supplier('u-venue')
    const board = observer.client.enter(ROOM)
    const laptop = supplier('u-photo')
    laptop.client.enter(ROOM)
    const phone = supplier('u-photo')
    phone.client.enter(ROOM)
    await clock.advance(1_000)

    const statuses: string[] = []
    laptop.client.on('status', (me) => statuses.push(me.status))
    phone.client.setStatus('busy')
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('busy')
    expect(laptop.client.me().status).toBe('busy')
    expect(laptop.client.me().manualStatus).toBe('busy')
    expect(statuses).toContain('busy')

    phone.client.destroy()
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('busy')

    laptop.client.setStatus(null)
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('online')
  })

  it('the latest manual status wins across devices', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const a = supplier('u-photo')
    const b = supplier('u-photo')
    a.client.enter(ROOM)
    b.client.enter(ROOM)
    await clock.advance(1_000)
    a.client.setStatus('busy')
    await clock.advance(1_000)
    b.client.setStatus('away')
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('away')
    expect(a.client.me().manualStatus).toBe('away')
  })
})

describe('adopted settings cannot come from the future', () => {
  it('a teammate under my key stamping MAX_SAFE_INTEGER cannot make my own next change invalid', async () => {
    const { clock, hub, supplier, suppliers } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const victim = supplier('u-photo')
    victim.client.enter(ROOM)
    await clock.advance(1_000)
    const attacker = hub.connect('attacker').openRoom(ROOM, { key: 'u-photo' })
    await clock.flush()
    await attacker.track({
      v: 1,
      session: 's-attacker',
      status: 'online',
      seq: clock.now(),
      lease: 30_000,
      manual: { status: 'busy', at: Number.MAX_SAFE_INTEGER },
    })
    const tracks = hub.stats().tracks
    await clock.advance(1_000)
    expect(victim.client.me().manualStatus).toBe('busy')
    const victimMeta = () =>
      hub.state(ROOM)['u-photo']!.find((m) => (m.meta as SessionMeta).session !== 's-attacker')!
        .meta as SessionMeta
    const stamped = victimMeta().manual!.at
    expect(stamped).toBeLessThanOrEqual(clock.now() + MAX_CLOCK_SKEW_MS)
    // Holding the clamped setting, the victim does not re-stamp it as time passes: each new stamp
    // would be an update, echoed back and adopted again, a presence call on every echo.
    await clock.advance(20_000)
    expect(victimMeta().manual!.at).toBe(stamped)
    // The victim's update with the adopted status and one heartbeat each of the victim and the board.
    expect(hub.stats().tracks - tracks).toBe(3)
    await attacker.close()
    await clock.advance(1_000)

    victim.client.setStatus('away')
    await clock.advance(1_000)
    const [raw] = hub.state(ROOM)['u-photo']!
    const stamp = (raw!.meta as { manual: { at: number } }).manual.at
    expect(Number.isSafeInteger(stamp)).toBe(true)
    expect(board.member('u-photo')?.status).toBe('away')
    victim.client.setStatus(null)
    await clock.advance(1_000)
    expect(board.member('u-photo')?.status).toBe('online')
    // Nobody dropped a meta of the victim's as invalid.
    for (const s of suppliers) expect(s.errors).toEqual([])
  })
})

describe('status over time', () => {
  it('goes idle after 5 min and away after 30 min without input, online again on input', async () => {
    const { clock, supplier } = createWorld()
    const observer = supplier('u-venue')
    const board = observer.client.enter(ROOM)
    const florist = supplier('u-florist')
    florist.client.enter(ROOM)
    await clock.advance(5 * MINUTE - 1_000)
    expect(board.member('u-florist')?.status).toBe('online')
    await clock.advance(2_000)
    expect(florist.client.me().status).toBe('idle')
    expect(board.member('u-florist')?.status).toBe('idle')
    await clock.advance(25 * MINUTE)
    expect(board.member('u-florist')?.status).toBe('away')
    florist.activity.input()
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
  })

  it('a hidden page is idle after a minute; coming back is input', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const florist = supplier('u-florist')
    florist.client.enter(ROOM)
    await clock.advance(1_000)
    florist.activity.hide()
    await clock.advance(MINUTE + 1_000)
    expect(board.member('u-florist')?.status).toBe('idle')
    expect(florist.client.me().hidden).toBe(true)
    florist.activity.show()
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
  })

  it('a custom status expires on every observer at its expiry time', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo')
    photographer.client.enter(ROOM)
    const expiresAt = clock.now() + 10 * MINUTE
    photographer.client.setCustomStatus({ text: '  At a venue\u202e ', emoji: '📸', expiresAt })
    await clock.advance(1_000)
    expect(board.member('u-photo')?.customStatus).toEqual({
      text: 'At a venue',
      emoji: '📸',
      expiresAt,
    })
    expect(photographer.client.me().customStatus?.text).toBe('At a venue')
    await clock.advance(10 * MINUTE)
    expect(board.member('u-photo')?.customStatus).toBeUndefined()
    expect(photographer.client.me().customStatus).toBeUndefined()
  })

  it('a custom status whose expiry is already past is a typed error, and changes nothing', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo')
    photographer.client.enter(ROOM)
    photographer.client.setCustomStatus({ text: 'On a shoot' })
    await clock.advance(1_000)
    for (const expiresAt of [clock.now(), clock.now() - MINUTE, 1_700_000_000]) {
      expect(() => photographer.client.setCustomStatus({ text: 'At a venue', expiresAt })).toThrow(
        expect.objectContaining({
          code: 'PRESENCE_INVALID_ARGUMENT',
          message: expect.stringMatching(/already past/),
        }),
      )
    }
    await clock.advance(1_000)
    expect(photographer.client.me().customStatus?.text).toBe('On a shoot')
    expect(board.member('u-photo')?.customStatus?.text).toBe('On a shoot')
  })
})

describe('liveness', () => {
  it('a silent disconnect disappears within the lease, before the server notices', async () => {
    const { clock, hub, supplier } = createWorld({ serverTimeoutMs: 60_000 })
    const board = supplier('u-venue').client.enter(ROOM)
    const florist = supplier('u-florist', { label: 'florist-laptop' })
    florist.client.enter(ROOM)
    await clock.advance(20_000)
    hub.disconnect('florist-laptop', { silent: true })
    const cutAt = clock.now()
    let goneAt: number | undefined
    board.on('leave', (m) => {
      if (m.userId === 'u-florist') goneAt ??= clock.now()
    })
    await clock.advance(30_000)
    expect(goneAt).toBeDefined()
    expect(goneAt! - cutAt).toBeLessThanOrEqual(30_000)
    expect(board.member('u-florist')?.status).toBe('offline')
    // The hub still holds the ghost: the observer's lease, not the server, removed it.
    expect(hub.state(ROOM)['u-florist']).toHaveLength(1)
  })

  it('reconnect re-tracks with no duplicate member', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo', { label: 'photo' })
    const room = photographer.client.enter(ROOM, { activity: timeline })
    await clock.advance(1_000)
    const connections: string[] = []
    room.on('connection', (s) => connections.push(s))

    hub.disconnect('photo')
    await clock.flush()
    expect(room.connection).toBe('reconnecting')
    expect(board.member('u-photo')?.status).toBe('offline')

    hub.reconnect('photo')
    await clock.advance(1_000)
    expect(connections).toEqual(['reconnecting', 'joined'])
    expect(board.member('u-photo')?.status).toBe('online')
    expect(board.member('u-photo')?.sessions).toHaveLength(1)
    expect(hub.state(ROOM)['u-photo']).toHaveLength(1)
    // The reconnected session sees the room again, itself included.
    expect(room.getSnapshot().member('u-venue')?.status).toBe('online')
    expect(room.getSnapshot().member('u-photo')?.status).toBe('online')
  })

  it('after a silent drop and reconnect the old ghost is replaced, never doubled', async () => {
    const { clock, hub, supplier } = createWorld({ serverTimeoutMs: false })
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo', { label: 'photo' })
    photographer.client.enter(ROOM)
    await clock.advance(1_000)
    hub.disconnect('photo', { silent: true })
    await clock.advance(5_000)
    hub.reconnect('photo')
    await clock.advance(1_000)
    expect(board.member('u-photo')?.sessions).toHaveLength(1)
    expect(board.member('u-photo')?.status).toBe('online')
  })

  it('heartbeats keep a quiet but connected session online past many leases', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    supplier('u-photo').client.enter(ROOM)
    await clock.advance(4 * MINUTE)
    expect(board.member('u-photo')?.status).toBe('online')
  })

  it('a hidden page whose timers run once a minute (browser throttling) never shows offline', async () => {
    const { clock, supplier } = createWorld()
    // Chrome's intensive throttling: a hidden page's timers fire only on whole minutes.
    const throttled = {
      schedule: (delayMs: number, task: () => void) =>
        clock.schedule(Math.ceil((clock.now() + delayMs) / MINUTE) * MINUTE - clock.now(), task),
    }
    const board = supplier('u-venue').client.enter(ROOM)
    const photo = supplier('u-photo', { scheduler: throttled })
    photo.client.enter(ROOM)
    photo.activity.hide()
    const seen = new Set<string>()
    board.subscribe(() => seen.add(board.member('u-photo')?.status ?? 'absent'))
    for (let s = 0; s < 35 * 60; s += 5) {
      await clock.advance(5_000)
      seen.add(board.member('u-photo')?.status ?? 'absent')
    }
    // Idle after a minute hidden, then away: never offline while the page is open.
    expect([...seen]).not.toContain('offline')
    expect(board.member('u-photo')?.status).toBe('away')
  })

  it('hearing heartbeats does not re-set the lease timer for each one', async () => {
    const { clock, hub, supplier } = createWorld()
    let scheduled = 0
    const counting = {
      schedule: (ms: number, task: () => void) => {
        scheduled++
        return clock.schedule(ms, task)
      },
    }
    const board = supplier('u-venue', { scheduler: counting }).client.enter(ROOM)
    for (let i = 0; i < 20; i++) {
      supplier(`u-${i}`).client.enter(ROOM)
      await clock.advance(750) // staggered: each heartbeat moves the room's earliest lease
    }
    const tracksBefore = hub.stats().tracks
    scheduled = 0
    await clock.advance(4 * MINUTE)
    // 20 members × a heartbeat per 15 s, each heard by the board and each pushing the room's
    // earliest lease later. The board sets its own heartbeats and about one lease timer per
    // heartbeat interval, not one timer per heartbeat heard.
    const heard = hub.stats().tracks - tracksBefore
    expect(heard).toBeGreaterThanOrEqual(300)
    expect(scheduled).toBeLessThan(heard / 5)
    expect(board.getSnapshot().counts.online).toBe(21)
  })
})

describe('the presence-call budget', () => {
  it('100 status changes in 10 s never exceed 5 calls per 30 s, and the room converges to the last', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo', { label: 'photo' })
    const room = photographer.client.enter(ROOM)
    await clock.advance(1_000)
    const states = ['busy', 'away', null] as const
    for (let i = 0; i < 100; i++) {
      photographer.client.setStatus(states[i % 3]!)
      photographer.client.setCustomStatus({ text: `change ${i}` })
      await clock.advance(100)
    }
    await clock.advance(2 * MINUTE)
    expect(hub.stats().presenceLimitHits).toBe(0)
    expect(room.connection).toBe('joined')
    expect(photographer.errors).toEqual([])
    const last = states[99 % 3]
    expect(board.member('u-photo')?.status).toBe(last ?? 'online')
    expect(board.member('u-photo')?.customStatus?.text).toBe('change 99')
  })

  it('with no coalescing window, changes of one task go out as one update without a timer', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo', { heartbeat: { coalesceMs: 0 } })
    photographer.client.enter(ROOM)
    await clock.advance(1_000)
    const before = hub.stats().tracks
    photographer.client.setStatus('busy')
    photographer.client.setCustomStatus({ text: 'On a shoot' })
    expect(hub.stats().tracks - before).toBe(0) // not yet: the task is still running
    await Promise.resolve()
    expect(hub.stats().tracks - before).toBe(1) // both changes in one update, no clock advance
    await clock.advance(0)
    expect(board.member('u-photo')?.status).toBe('busy')
    expect(board.member('u-photo')?.customStatus?.text).toBe('On a shoot')
  })

  it('input while already online publishes nothing', async () => {
    const { clock, hub, supplier } = createWorld()
    supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo')
    photographer.client.enter(ROOM)
    await clock.advance(1_000)
    const before = hub.stats().tracks
    for (let i = 0; i < 10; i++) {
      photographer.activity.input()
      await clock.advance(1_000)
    }
    expect(hub.stats().tracks - before).toBe(0)
  })
})

describe('rooms', () => {
  it('enter is idempotent and ref-counted', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const photographer = supplier('u-photo')
    const a = photographer.client.enter(ROOM)
    const b = photographer.client.enter(ROOM)
    expect(a).toBe(b)
    await clock.advance(1_000)
    photographer.client.leave(ROOM)
    await clock.flush()
    expect(board.member('u-photo')?.status).toBe('online')
    expect(photographer.client.room(ROOM)).toBe(a)
    a.leave()
    await clock.flush()
    expect(board.member('u-photo')?.status).toBe('offline')
    expect(photographer.client.room(ROOM)).toBeUndefined()
    expect(a.connection).toBe('closed')
    expect(hub.state(ROOM)['u-photo']).toBeUndefined()
  })

  it('switching weddings moves presence: the room activity says what you view there', async () => {
    const { clock, supplier } = createWorld()
    const board123 = supplier('u-venue').client.enter('wedding:123')
    const board456 = supplier('u-planner').client.enter('wedding:456')
    const photographer = supplier('u-photo')
    photographer.client.enter('wedding:123', {
      activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
    })
    await clock.advance(1_000)
    photographer.client.leave('wedding:123')
    photographer.client.enter('wedding:456', {
      activity: { action: 'viewing', target: 'timeline', weddingId: '456' },
    })
    await clock.advance(1_000)
    expect(board123.member('u-photo')?.status).toBe('offline')
    expect(board456.member('u-photo')?.activity?.weddingId).toBe('456')
  })

  it('subscribe is told about every new snapshot; members untouched keep their identity', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const florist = supplier('u-florist')
    florist.client.enter(ROOM)
    const photographer = supplier('u-photo')
    photographer.client.enter(ROOM)
    await clock.advance(1_000)
    let calls = 0
    const off = board.subscribe(() => calls++)
    const before = board.getSnapshot()
    photographer.client.setStatus('busy')
    await clock.advance(1_000)
    const after = board.getSnapshot()
    expect(calls).toBeGreaterThan(0)
    expect(after).not.toBe(before)
    expect(after.member('u-florist')).toBe(before.member('u-florist'))
    expect(after.member('u-photo')).not.toBe(before.member('u-photo'))
    off()
    const seen = calls
    photographer.client.setStatus(null)
    await clock.advance(1_000)
    expect(calls).toBe(seen)
  })
})

describe('privacy where data leaves', () => {
  it('appear offline publishes nothing and untracks; showActivity/showLastSeen false leave those out', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const florist = supplier('u-florist', { privacy: { showActivity: false, showLastSeen: false } })
    florist.client.enter(ROOM, { activity: timeline })
    await clock.advance(1_000)
    const seen = board.member('u-florist')!
    expect(seen.status).toBe('online')
    expect(seen.activity).toBeUndefined()
    expect(seen.lastActiveAt).toBeUndefined()
    const raw = hub.state(ROOM)['u-florist']![0]!.meta as Record<string, unknown>
    expect(raw).not.toHaveProperty('activity')
    expect(raw).not.toHaveProperty('activeAgo')

    florist.client.setPrivacy({ appearOffline: true })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('offline')
    expect(hub.state(ROOM)['u-florist']).toBeUndefined()
    expect(florist.client.me().appearOffline).toBe(true)
    await clock.advance(2 * MINUTE)
    expect(hub.state(ROOM)['u-florist']).toBeUndefined()

    florist.client.setPrivacy({ visibility: 'everyone' })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
  })
})

describe('bad input', () => {
  it('throws typed errors for invalid arguments and keeps state', () => {
    const { hub, clock } = createWorld()
    const transport = hub.connect('x')
    expect(() => createPresenceClient({ transport, userId: '' })).toThrow(PresenceError)
    expect(() => createPresenceClient({ transport, userId: 'ids' })).toThrow(/userId/)
    expect(() => createPresenceClient({ transport, userId: 'u', idleAfterMs: -1 })).toThrow(
      /idleAfterMs/,
    )
    const client = createPresenceClient({ transport, userId: 'u', clock })
    expect(() => client.setStatus('online' as never)).toThrow(/setStatus/)
    expect(() => client.setActivity({ action: '' })).toThrow(/activity/)
    expect(() => client.setActivity({ action: 'x'.repeat(100) })).toThrow(PresenceError)
    expect(() =>
      createPresenceClient({
        transport,
        userId: 'u2',
        profile: { avatarUrl: 'javascript:alert(1)' },
      }),
    ).toThrow(/profile/)
    expect(() => client.enter('')).toThrow(/roomId/)
    client.setCustomStatus({ text: '\u200b\u202e  ' })
    expect(client.me().customStatus).toBeUndefined()
    try {
      client.setStatus('nope' as never)
    } catch (error) {
      expect((error as PresenceError).code).toBe('PRESENCE_INVALID_ARGUMENT')
    }
    expect(client.me().status).toBe('online')
  })

  it('after destroy, enter and setters throw PRESENCE_CLIENT_DESTROYED', async () => {
    const { supplier, clock } = createWorld()
    const s = supplier('u-photo')
    s.client.enter(ROOM)
    await clock.flush()
    s.client.destroy()
    s.client.destroy()
    expect(() => s.client.enter(ROOM)).toThrow(
      expect.objectContaining({ code: 'PRESENCE_CLIENT_DESTROYED' }),
    )
    expect(() => s.client.setStatus('busy')).toThrow(
      expect.objectContaining({ code: 'PRESENCE_CLIENT_DESTROYED' }),
    )
    s.activity.input()
  })
})

describe('a send due at the instant the published view changes', () => {
  it('a heartbeat due when the status turns idle sends the idle status, in one call', async () => {
    const clock = createFakeClock()
    const transport = scriptedTransport()
    const activity = createFakeActivity()
    const client = createPresenceClient({
      transport,
      userId: 'u',
      sessionId: 's',
      clock,
      activity,
      heartbeat: { intervalMs: 45_000 },
    })
    client.enter(ROOM)
    const room = transport.rooms[0]!
    room.status('joined')
    await clock.flush()
    expect(room.tracked).toHaveLength(1)
    // Idle is due at 15 s + 5 min = 315 s, the 7th heartbeat. The heartbeat's timer was set at
    // 270 s, the client's at 300 s (it fired early and set itself again): the heartbeat runs first.
    await clock.advance(15_000)
    activity.input()
    await clock.advance(5 * MINUTE - 1)
    expect(room.tracked.at(-1)).toMatchObject({ status: 'online' })
    const before = room.tracked.length
    await clock.advance(1)
    expect(room.tracked.slice(before)).toEqual([expect.objectContaining({ status: 'idle' })])
    client.destroy()
  })
})
