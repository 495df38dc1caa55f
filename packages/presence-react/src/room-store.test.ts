import { createPresenceClient } from '@wedsync/presence-core'
import { createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { roomStore } from './room-store.js'

const ROOM = 'wedding:123'
const microtask = () => Promise.resolve()

function setup() {
  const clock = createFakeClock()
  const hub = createMemoryHub({ clock })
  const transport = hub.connect('venue')
  const openRoom = vi.spyOn(transport, 'openRoom')
  const client = createPresenceClient({ transport, userId: 'u-venue', clock })
  return { clock, hub, client, openRoom, store: roomStore(client) }
}

let cleanup: (() => void) | undefined
afterEach(() => {
  cleanup?.()
  cleanup = undefined
})

describe('roomStore', () => {
  it('is one store per client', () => {
    const { client, store } = setup()
    cleanup = () => client.destroy()
    expect(roomStore(client)).toBe(store)
  })

  it('keeps the room through a release and a hold in one go (StrictMode remount)', async () => {
    const { client, store, openRoom, hub, clock } = setup()
    cleanup = () => client.destroy()
    const release = store.hold(ROOM)
    const room = store.room(ROOM)
    release()
    release() // idempotent
    const releaseAgain = store.hold(ROOM)
    await microtask()
    await clock.flush()
    expect(store.room(ROOM)).toBe(room)
    expect(openRoom).toHaveBeenCalledTimes(1)
    expect(Object.keys(hub.state(ROOM))).toEqual(['u-venue'])

    releaseAgain()
    expect(store.room(ROOM)).toBe(room) // until the microtask
    await microtask()
    expect(store.room(ROOM)).toBeUndefined()
    await clock.flush()
    expect(hub.state(ROOM)).toEqual({})
  })

  it('tells listeners when the room is entered, changes, and is left', async () => {
    const { client, store, clock } = setup()
    cleanup = () => client.destroy()
    const heard = vi.fn()
    const stop = store.subscribe(ROOM, heard)
    const release = store.hold(ROOM)
    expect(heard).toHaveBeenCalledTimes(1)
    await clock.flush() // joined, then our own presence arrives
    expect(heard.mock.calls.length).toBeGreaterThan(1)
    const calls = heard.mock.calls.length
    release()
    await microtask()
    expect(heard.mock.calls.length).toBeGreaterThan(calls)
    expect(store.room(ROOM)).toBeUndefined()

    // A later room of the same id is followed too.
    store.hold(ROOM)
    const count = heard.mock.calls.length
    await clock.flush()
    expect(heard.mock.calls.length).toBeGreaterThan(count)
    stop()
    stop()
  })

  it('follows a room entered outside React out, and into the next one held', async () => {
    const { client, store, clock } = setup()
    cleanup = () => client.destroy()
    const first = client.enter(ROOM)
    const heard = vi.fn()
    store.subscribe(ROOM, heard)
    first.leave() // the room notifies as it closes: the store moves on to "no room"
    expect(heard).toHaveBeenCalledTimes(1)
    expect(store.room(ROOM)).toBeUndefined()
    const second = client.enter(ROOM)
    store.hold(ROOM) // the client's room, one reference more
    expect(heard).toHaveBeenCalledTimes(2)
    expect(store.room(ROOM)).toBe(second)
    await clock.flush()
    expect(heard.mock.calls.length).toBeGreaterThan(2)
  })

  it('leaves nothing behind when the last listener goes', () => {
    const { client, store } = setup()
    cleanup = () => client.destroy()
    const room = client.enter(ROOM)
    const subscribe = vi.spyOn(room, 'subscribe')
    const a = store.subscribe(ROOM, () => {})
    const b = store.subscribe(ROOM, () => {})
    expect(subscribe).toHaveBeenCalledTimes(1) // one room subscription for all of a room's hooks
    a()
    b()
    store.subscribe(ROOM, () => {})
    expect(subscribe).toHaveBeenCalledTimes(2)
  })

  it("leaves nothing behind when a member's last listener goes", () => {
    const { client, store } = setup()
    cleanup = () => client.destroy()
    const room = client.enter(ROOM)
    const on = vi.spyOn(room, 'on')
    const a = store.subscribeMember(ROOM, 'u-florist', () => {})
    const b = store.subscribeMember(ROOM, 'u-florist', () => {})
    const c = store.subscribeMember(ROOM, 'u-caterer', () => {})
    const attached = on.mock.calls.length
    expect(attached).toBeGreaterThan(0) // one set of room listeners for every hook of the room
    a()
    c()
    b()
    store.subscribeMember(ROOM, 'u-florist', () => {})
    expect(on.mock.calls.length).toBe(2 * attached) // detached when the last went, attached again
  })

  it('keeps the member ids while members only change, and renews them when one joins or leaves', async () => {
    const clock = createFakeClock()
    const hub = createMemoryHub({ clock, presenceLimit: false })
    const venue = createPresenceClient({
      transport: hub.connect('venue'),
      userId: 'u-venue',
      clock,
      rooms: { retainOffline: false },
    })
    const photo = createPresenceClient({
      transport: hub.connect('photo'),
      userId: 'u-photo',
      clock,
    })
    cleanup = () => {
      venue.destroy()
      photo.destroy()
    }
    const store = roomStore(venue)
    expect(store.memberIds(ROOM)).toEqual([])
    store.hold(ROOM)
    await clock.flush()
    // Read before any listener follows the room: cached per snapshot.
    const alone = store.memberIds(ROOM)
    expect(alone).toEqual(['u-venue'])
    expect(store.memberIds(ROOM)).toBe(alone)

    const stop = store.subscribe(ROOM, () => {})
    expect(store.memberIds(ROOM)).toBe(alone)
    photo.enter(ROOM)
    await clock.flush()
    const both = store.memberIds(ROOM)
    expect(both).toEqual(['u-photo', 'u-venue'])

    photo.setStatus('busy')
    await clock.advance(1_000)
    expect(store.memberIds(ROOM)).toBe(both)
    expect(store.room(ROOM)?.member('u-photo')?.status).toBe('busy')

    photo.leave(ROOM)
    await clock.flush()
    expect(store.memberIds(ROOM)).toEqual(['u-venue'])
    stop()
  })

  it('does not throw when the client was destroyed before a release', async () => {
    const { client, store } = setup()
    const release = store.hold(ROOM)
    client.destroy()
    release()
    await microtask()
    expect(store.room(ROOM)).toBeUndefined()
  })
  it("tells a member's listeners of that member's changes only, and of the room as a whole", async () => {
    const { client, store, clock, hub } = setup()
    cleanup = () => client.destroy()
    const florist = vi.fn()
    const caterer = vi.fn()
    const stopFlorist = store.subscribeMember(ROOM, 'u-florist', florist)
    store.subscribeMember(ROOM, 'u-caterer', caterer)
    store.hold(ROOM)
    // Entering the room is a change of the room as a whole: everyone is told.
    expect(florist).toHaveBeenCalledTimes(1)
    expect(caterer).toHaveBeenCalledTimes(1)
    await clock.flush()
    const other = createPresenceClient({
      transport: hub.connect('florist'),
      userId: 'u-florist',
      clock,
    })
    other.enter(ROOM)
    await clock.flush()
    const joined = florist.mock.calls.length
    expect(joined).toBeGreaterThan(1)
    expect(store.room(ROOM)?.member('u-florist')?.status).toBe('online')
    other.setStatus('busy')
    await clock.advance(1_000)
    expect(florist.mock.calls.length).toBeGreaterThan(joined)
    expect(store.room(ROOM)?.member('u-florist')?.status).toBe('busy')
    // Nothing happened to the caterer: not one call since the room was entered.
    expect(caterer).toHaveBeenCalledTimes(1)
    stopFlorist()
    stopFlorist()
    const calls = florist.mock.calls.length
    other.setStatus(null)
    await clock.advance(1_000)
    expect(florist).toHaveBeenCalledTimes(calls)
    other.destroy()
  })
})
