import {
  createFakeActivity,
  createFakeClock,
  createMemoryHub,
  type FakeActivity,
} from '@wedsync/presence-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { createFakeBrowser, type FakeBrowser } from '../../test/fake-tabs.js'
import { createPresenceClient, type PresenceClient } from '../client.js'
import type { PresenceError } from '../errors.js'
import { createTabPresenceClient, type TabPresenceClient } from './tab-client.js'
import { createTabGroup } from './tab-group.js'

const ROOM = 'wedding:123'
const SECOND = 1_000
const MINUTE = 60 * SECOND

interface Tab {
  readonly id: string
  readonly client: TabPresenceClient
  readonly activity: FakeActivity
  readonly errors: PresenceError[]
}

function createWorld() {
  const clock = createFakeClock(Date.UTC(2026, 5, 12, 9, 0))
  const hub = createMemoryHub({ clock })
  const browser: FakeBrowser = createFakeBrowser()
  const clients: { destroy(): void }[] = []
  let tabs = 0

  /** A tab of Priya's browser: its own connection, as every tab has its own socket. */
  function openTab(options: { hidden?: boolean; userId?: string } = {}): Tab {
    const id = `tab-${++tabs}`
    const userId = options.userId ?? 'u-priya'
    const activity = createFakeActivity(options.hidden ? { hidden: true } : {})
    const errors: PresenceError[] = []
    const client = createTabPresenceClient({
      transport: hub.connect(id),
      userId,
      sessionId: `${userId}-${id}`,
      clock,
      activity,
      tabs: createTabGroup({ name: userId, tabId: id, ...browser.tab(id) }),
    })
    client.on('error', (error) => errors.push(error))
    clients.push(client)
    return { id, client, activity, errors }
  }

  /** Dan, on another computer, watching the wedding's room. */
  function observer(): PresenceClient {
    const client = createPresenceClient({ transport: hub.connect('dan'), userId: 'u-dan', clock })
    clients.push(client)
    client.enter(ROOM)
    return client
  }

  /** Priya as Dan's room shows her, and the sessions it holds for her. */
  const seenBy = (dan: PresenceClient, roomId = ROOM) => dan.room(roomId)?.member('u-priya')
  const sessionsIn = (roomId = ROOM) => (hub.state(roomId)['u-priya'] ?? []).length

  return {
    clock,
    hub,
    browser,
    openTab,
    observer,
    seenBy,
    sessionsIn,
    dispose() {
      for (const client of clients) client.destroy()
      hub.dispose()
    },
  }
}

let world: ReturnType<typeof createWorld>
afterEach(() => world?.dispose())

describe('tabs of one browser share one presence', () => {
  it('one tab leads; five tabs in the room publish one session, not five', async () => {
    world = createWorld()
    const dan = world.observer()
    const tabs = Array.from({ length: 5 }, () => world.openTab())
    for (const tab of tabs) tab.client.enter(ROOM)
    await world.clock.advance(SECOND)

    expect(tabs.map((t) => t.client.isLeader())).toEqual([true, false, false, false, false])
    expect(world.sessionsIn()).toBe(1)
    expect(world.seenBy(dan)?.status).toBe('online')
    // Every tab hears the room: each shows Priya and Dan.
    for (const tab of tabs)
      expect(
        tab.client
          .room(ROOM)
          ?.getSnapshot()
          .toArray()
          .map((m) => m.userId)
          .sort(),
      ).toEqual(['u-dan', 'u-priya'])
  })

  it('presence calls per minute are the same with five tabs as with one', async () => {
    const callsPerMinute = async (tabCount: number) => {
      world = createWorld()
      const tabs = Array.from({ length: tabCount }, () => world.openTab())
      for (const tab of tabs) tab.client.enter(ROOM)
      await world.clock.advance(SECOND)
      const before = world.hub.stats()
      for (let s = 0; s < 60; s++) {
        tabs[s % tabCount]?.activity.input()
        await world.clock.advance(SECOND)
      }
      const after = world.hub.stats()
      world.dispose()
      return after.tracks + after.untracks - before.tracks - before.untracks
    }
    const one = await callsPerMinute(1)
    const five = await callsPerMinute(5)
    expect(one).toBeGreaterThan(0)
    expect(five).toBe(one)
  })

  it("input in any tab keeps the user online; the leader's own idleness does not count", async () => {
    world = createWorld()
    const dan = world.observer()
    const leader = world.openTab()
    const follower = world.openTab()
    leader.client.enter(ROOM)
    follower.client.enter(ROOM)
    await world.clock.advance(SECOND)
    for (let m = 0; m < 10; m++) {
      follower.activity.input()
      await world.clock.advance(MINUTE)
    }
    expect(leader.client.isLeader()).toBe(true)
    expect(world.seenBy(dan)?.status).toBe('online')
    expect(leader.client.me().status).toBe('online')
    // Once nobody touches any tab, the leader publishes idle like one tab would.
    await world.clock.advance(6 * MINUTE)
    expect(world.seenBy(dan)?.status).toBe('idle')
    expect(follower.client.me().status).toBe('idle')
  })

  it('the browser is hidden only while every tab is hidden', async () => {
    world = createWorld()
    const leader = world.openTab()
    const follower = world.openTab({ hidden: true })
    leader.client.enter(ROOM)
    await world.clock.advance(SECOND)
    expect(leader.client.me().hidden).toBe(false)
    leader.activity.hide()
    await world.clock.advance(SECOND)
    expect(leader.client.me().hidden).toBe(true) // both tabs hidden
    follower.activity.show()
    await world.clock.advance(SECOND)
    expect(leader.client.me().hidden).toBe(false)
    follower.activity.hide()
    await world.clock.advance(SECOND)
    expect(leader.client.me().hidden).toBe(true)
  })

  it('a setting made in a follower is applied in every tab and published by the leader', async () => {
    world = createWorld()
    const dan = world.observer()
    const leader = world.openTab()
    const follower = world.openTab()
    leader.client.enter(ROOM)
    await world.clock.advance(SECOND)
    follower.client.setStatus('busy')
    follower.client.setCustomStatus({ text: 'At the venue', emoji: '📸' })
    await world.clock.advance(SECOND)
    expect(leader.client.me().status).toBe('busy')
    expect(world.seenBy(dan)?.status).toBe('busy')
    expect(world.seenBy(dan)?.customStatus?.text).toBe('At the venue')
    // A tab opened later starts with them.
    const late = world.openTab()
    await world.clock.advance(SECOND)
    expect(late.client.me().manualStatus).toBe('busy')
    expect(late.client.me().customStatus?.text).toBe('At the venue')
  })

  it('the leader publishes in a room only a follower entered, with that tab’s activity', async () => {
    world = createWorld()
    const dan = world.observer()
    const leader = world.openTab()
    const follower = world.openTab()
    leader.client.enter('wedding:other')
    await world.clock.advance(SECOND)
    const room = follower.client.enter(ROOM, {
      activity: { action: 'viewing', target: 'timeline' },
    })
    await world.clock.advance(SECOND)
    expect(world.sessionsIn()).toBe(1)
    expect(world.hub.state(ROOM)['u-priya']?.[0]?.meta).toMatchObject({ session: 'u-priya-tab-1' })
    expect(world.seenBy(dan)?.activity?.target).toBe('timeline')
    // The same room object every time it is asked for (hooks compare identity).
    expect(follower.client.room(ROOM)).toBe(room)
    expect(follower.client.enter(ROOM)).toBe(room)
    follower.client.leave(ROOM)
    room.setActivity({ action: 'editing', target: 'seating' })
    await world.clock.advance(SECOND)
    expect(world.seenBy(dan)?.activity?.target).toBe('seating')
    // The follower leaves: the leader, which never entered it for itself, leaves too.
    room.leave()
    await world.clock.advance(SECOND)
    expect(world.sessionsIn()).toBe(0)
    expect(world.seenBy(dan)?.status).toBe('offline')
  })

  it('when the leader closes, the next tab leads at once and publishes', async () => {
    world = createWorld()
    const dan = world.observer()
    const [first, second, third] = [world.openTab(), world.openTab(), world.openTab()]
    for (const tab of [first, second, third]) tab?.client.enter(ROOM)
    await world.clock.advance(SECOND)
    const statuses: string[] = []
    dan.room(ROOM)?.subscribe(() => statuses.push(world.seenBy(dan)?.status ?? 'absent'))

    first?.client.destroy()
    // No time passes: the lock goes to the next tab as the first lets go, and it tracks at once.
    // (Between the first's leave and that track, one round trip, Dan may see her offline.)
    await world.clock.flush()
    expect(second?.client.isLeader()).toBe(true)
    expect(third?.client.isLeader()).toBe(false)
    expect(world.seenBy(dan)?.status).toBe('online')
    for (let s = 0; s < 60; s++) await world.clock.advance(SECOND)
    expect(
      world.hub.state(ROOM)['u-priya']?.map((e) => (e.meta as { session: string }).session),
    ).toEqual(['u-priya-tab-2'])
    expect(statuses.at(-1)).toBe('online')
    expect(statuses.filter((status) => status === 'offline').length).toBeLessThanOrEqual(1)
    expect(world.seenBy(dan)?.status).toBe('online')
  })

  it('a crashed leader (no goodbye) is replaced too: the browser releases its lock', async () => {
    world = createWorld()
    const dan = world.observer()
    const first = world.openTab()
    const second = world.openTab()
    first.client.enter(ROOM)
    second.client.enter(ROOM)
    await world.clock.advance(SECOND)
    world.browser.crash(first.id)
    world.hub.disconnect(first.id)
    await world.clock.advance(SECOND)
    expect(second.client.isLeader()).toBe(true)
    expect(world.seenBy(dan)?.status).toBe('online')
  })

  it('a visible tab takes the lead from a leader hidden for hiddenLeaderMs', async () => {
    world = createWorld()
    const leader = world.openTab()
    const follower = world.openTab()
    leader.client.enter(ROOM)
    follower.client.enter(ROOM)
    await world.clock.advance(SECOND)
    leader.activity.hide()
    await world.clock.advance(29 * SECOND)
    expect(leader.client.isLeader()).toBe(true)
    await world.clock.advance(2 * SECOND)
    expect(follower.client.isLeader()).toBe(true)
    expect(leader.client.isLeader()).toBe(false)
    // The old leader takes its session out once the handover grace has passed: one session again.
    await world.clock.advance(10 * SECOND)
    expect(
      world.hub.state(ROOM)['u-priya']?.map((e) => (e.meta as { session: string }).session),
    ).toEqual(['u-priya-tab-2'])
    // And it queued again: when the new leader closes, it leads once more.
    follower.client.destroy()
    await world.clock.advance(SECOND)
    expect(leader.client.isLeader()).toBe(true)
  })

  it('a follower sends no receipt; the leader answers for the user once', async () => {
    world = createWorld()
    const dan = world.observer()
    const tabs = [world.openTab(), world.openTab(), world.openTab()]
    for (const tab of tabs) tab.client.enter(ROOM)
    await world.clock.advance(SECOND)
    const before = world.hub.stats().broadcasts
    const report = dan
      .room(ROOM)
      ?.broadcast('urgent', { text: 'Ceremony at 4' }, { receipts: true })
    await world.clock.advance(3 * SECOND)
    const settled = await report
    expect(settled?.delivered).toEqual(['u-priya'])
    // Dan's envelope and one receipt: not one receipt per tab.
    expect(world.hub.stats().broadcasts - before).toBe(2)
  })
})

describe('what another tab says is a claim', () => {
  it('malformed messages are ignored and bad settings are reported, not applied', async () => {
    world = createWorld()
    const leader = world.openTab()
    await world.clock.advance(SECOND)
    for (const junk of [
      null,
      'hello',
      { from: 'x', message: { type: 'setting', name: 'destroy', value: 1 } },
      { from: 'x', message: { type: 'rooms', rooms: [{ roomId: 7 }] } },
      { from: 'x', message: { type: 'nope' } },
    ])
      world.browser.inject('wedsync-presence:u-priya', junk)
    world.browser.inject('wedsync-presence:u-priya', {
      from: 'x',
      message: { type: 'setting', name: 'setStatus', value: 'on-fire' },
    })
    await world.clock.advance(SECOND)
    expect(leader.client.me().manualStatus).toBeUndefined()
    expect(leader.errors.map((e) => e.code)).toEqual(['PRESENCE_PAYLOAD_INVALID'])
    expect(leader.client.isLeader()).toBe(true)
  })

  it('a room id another tab asks for is checked like the app’s own', async () => {
    world = createWorld()
    const leader = world.openTab()
    await world.clock.advance(SECOND)
    world.browser.inject('wedsync-presence:u-priya', {
      from: 'x',
      message: { type: 'rooms', rooms: [{ roomId: '', private: false }] },
    })
    await world.clock.advance(SECOND)
    expect(leader.errors.map((e) => e.code)).toEqual(['PRESENCE_PAYLOAD_INVALID'])
  })
})

describe('without Web Locks or BroadcastChannel', () => {
  it('each tab leads alone, as a plain client', async () => {
    world = createWorld()
    const dan = world.observer()
    const group = createTabGroup({ name: 'u-priya', locks: null, channel: null })
    expect(group.shared).toBe(false)
    expect(group.isLeader()).toBe(true)
    const client = createTabPresenceClient({
      transport: world.hub.connect('solo'),
      userId: 'u-priya',
      clock: world.clock,
      tabs: group,
    })
    client.enter(ROOM)
    await world.clock.advance(SECOND)
    expect(world.seenBy(dan)?.status).toBe('online')
    client.destroy()
    expect(group.isLeader()).toBe(false)
  })
})
