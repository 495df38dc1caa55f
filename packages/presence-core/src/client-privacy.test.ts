import type { TrackRequest } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createWorld, ROOM } from '../test/test-world.js'
import type { OpenRoomOptions, PresenceTransport, TransportRoom } from './ports.js'
import type { PrivacySettings } from './types.js'

const PRIVATE_ROOM = 'wedding:456'

/** A transport over the hub that records every room it opens. */
function recording(inner: PresenceTransport) {
  const opened: { roomId: string; options: OpenRoomOptions }[] = []
  const transport: PresenceTransport = {
    openRoom(roomId, options) {
      opened.push({ roomId, options })
      return inner.openRoom(roomId, options)
    },
  }
  return { transport, opened }
}

describe('a visibility narrower than everyone needs a private room', () => {
  it('publishes nothing in a public room, reports PRESENCE_ROOM_NOT_PRIVATE once, and still reads the room', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const florist = supplier('u-florist', { privacy: { visibility: 'contacts' } })
    const room = florist.client.enter(ROOM)
    expect(florist.errors).toHaveLength(1) // at once, on enter
    florist.client.enter(ROOM) // the same room again: no new report
    await clock.advance(60_000)
    expect(board.member('u-florist')).toBeUndefined()
    expect(hub.state(ROOM)['u-florist']).toBeUndefined()
    expect(room.member('u-venue')?.status).toBe('online')
    expect(florist.errors).toHaveLength(1)
    const [error] = florist.errors
    expect(error).toMatchObject({
      code: 'PRESENCE_ROOM_NOT_PRIVATE',
      details: { roomId: ROOM, visibility: 'contacts' },
    })
    expect(error!.message).toContain(ROOM)
    expect(error!.message).toContain('private: true')

    // Back to everyone: it publishes in the public room.
    florist.client.setPrivacy({ visibility: 'everyone' })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
    expect(florist.errors).toHaveLength(1)
  })

  it('publishes in a private room with the same settings', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(PRIVATE_ROOM, { private: true })
    const florist = supplier('u-florist', { privacy: { visibility: 'team' } })
    florist.client.enter(PRIVATE_ROOM, { private: true })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
    expect(hub.state(PRIVATE_ROOM, { private: true })['u-florist']).toHaveLength(1)
    expect(florist.errors).toEqual([])
  })

  it('narrowing while in a public room untracks and reports once each time it becomes so', async () => {
    const { clock, hub, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const florist = supplier('u-florist')
    florist.client.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
    const codes = () => florist.errors.map((e) => e.code)

    florist.client.setPrivacy({ visibility: 'team' })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('offline')
    expect(hub.state(ROOM)['u-florist']).toBeUndefined()
    expect(codes()).toEqual(['PRESENCE_ROOM_NOT_PRIVATE'])
    florist.client.setPrivacy({ visibility: 'contacts', showActivity: false })
    await clock.advance(1_000)
    expect(codes()).toEqual(['PRESENCE_ROOM_NOT_PRIVATE'])

    // Hidden rooms behave as before (no report); visible again, the room is too public again.
    florist.client.setPrivacy({ visibility: 'contacts', appearOffline: true })
    await clock.advance(1_000)
    expect(codes()).toEqual(['PRESENCE_ROOM_NOT_PRIVATE'])
    florist.client.setPrivacy({ visibility: 'contacts' })
    await clock.advance(1_000)
    expect(codes()).toEqual(['PRESENCE_ROOM_NOT_PRIVATE', 'PRESENCE_ROOM_NOT_PRIVATE'])
    expect(florist.errors[1]!.details).toEqual({ roomId: ROOM, visibility: 'contacts' })
    expect(board.member('u-florist')?.status).toBe('offline')
  })
})

describe('changing visibility re-joins private rooms', () => {
  it('re-opens private rooms only, keeping room identity, subscriptions and snapshot until the fresh sync', async () => {
    const { clock, hub, supplier } = createWorld()
    const { transport, opened } = recording(hub.connect('florist'))
    const board = supplier('u-venue').client.enter(PRIVATE_ROOM, { private: true })
    supplier('u-photo').client.enter(PRIVATE_ROOM, { private: true })
    const florist = supplier('u-florist', { transport })
    const room = florist.client.enter(PRIVATE_ROOM, { private: true })
    const lobby = florist.client.enter(ROOM)
    await clock.advance(1_000)
    expect(opened).toEqual([
      { roomId: PRIVATE_ROOM, options: { key: 'u-florist', private: true } },
      { roomId: ROOM, options: { key: 'u-florist' } },
    ])
    const seen: string[] = []
    room.on('connection', (status) => seen.push(status))
    room.on('sync', () => seen.push('sync'))
    let changes = 0
    room.subscribe(() => changes++)
    const before = room.getSnapshot()
    expect(before.member('u-photo')?.status).toBe('online')

    florist.client.setPrivacy({ visibility: 'contacts' })
    expect(opened.slice(2)).toEqual([
      { roomId: PRIVATE_ROOM, options: { key: 'u-florist', private: true } },
    ])
    expect(room.connection).toBe('connecting')
    expect(room.getSnapshot()).toBe(before)
    expect(florist.client.room(PRIVATE_ROOM)).toBe(room)
    await clock.advance(1_000)
    expect(seen).toEqual(['connecting', 'joined', 'sync'])
    expect(room.connection).toBe('joined')
    expect(changes).toBeGreaterThan(0)
    expect(room.getSnapshot().member('u-photo')?.status).toBe('online')
    expect(board.member('u-florist')?.status).toBe('online')
    expect(hub.state(PRIVATE_ROOM, { private: true })['u-florist']).toHaveLength(1)
    // The public room was not re-joined (it publishes nothing now: contacts needs a private room).
    expect(opened).toHaveLength(3)
    expect(lobby.connection).toBe('joined')

    // Settings that leave the visibility as it was re-join nothing.
    florist.client.setPrivacy({ visibility: 'contacts', showLastSeen: false })
    florist.client.setPrivacy({ visibility: 'contacts', showLastSeen: false })
    await clock.advance(1_000)
    expect(opened).toHaveLength(3)
  })

  it('the re-join asks the room’s track policy again (RLS), as the new settings on the server say', async () => {
    const { clock, hub, supplier } = createWorld()
    // The server's copy of the florist's settings (PUT /presence/settings), read by the policy:
    // the venue is not one of her contacts.
    const server: { florist: PrivacySettings } = { florist: { visibility: 'everyone' } }
    const asked: TrackRequest[] = []
    hub.setTrackPolicy((request) => {
      asked.push(request)
      return request.key !== 'u-florist' || server.florist.visibility === 'everyone'
    })
    const board = supplier('u-venue').client.enter(PRIVATE_ROOM, { private: true })
    const florist = supplier('u-florist', { label: 'florist' })
    florist.client.enter(PRIVATE_ROOM, { private: true })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')

    server.florist = { visibility: 'contacts' } // stored first…
    florist.client.setPrivacy(server.florist) // …then applied: the re-join sees it
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('offline')
    expect(hub.state(PRIVATE_ROOM, { private: true })['u-florist']).toBeUndefined()
    expect(asked.filter((r) => r.label === 'florist')).toHaveLength(2)

    server.florist = { visibility: 'everyone' }
    florist.client.setPrivacy(server.florist)
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')
    expect(asked.filter((r) => r.label === 'florist')).toHaveLength(3)
  })

  it('ignores the replaced room’s late events, even from a transport that still delivers them', async () => {
    const { clock, hub, supplier } = createWorld()
    const inner = hub.connect('florist')
    // Unsubscribing does nothing here: every listener ever added keeps being called.
    const leaky: PresenceTransport = {
      openRoom(roomId, options) {
        const room = inner.openRoom(roomId, options)
        const keep =
          <A extends unknown[]>(add: (...args: A) => () => void) =>
          (...args: A) => {
            add(...args)
            return () => {}
          }
        const wrapped: TransportRoom = Object.create(room)
        wrapped.onStatus = keep(room.onStatus.bind(room))
        wrapped.onPresence = keep(room.onPresence.bind(room))
        wrapped.onMessage = keep(room.onMessage.bind(room))
        return wrapped
      },
    }
    supplier('u-venue').client.enter(PRIVATE_ROOM, { private: true })
    const florist = supplier('u-florist', { transport: leaky })
    const room = florist.client.enter(PRIVATE_ROOM, { private: true })
    await clock.advance(1_000)
    const seen: string[] = []
    room.on('connection', (status) => seen.push(status))
    florist.client.setPrivacy({ visibility: 'team' })
    await clock.advance(1_000)
    // The old room's `closed` arrives too, and is not ours any more.
    expect(seen).toEqual(['connecting', 'joined'])
    expect(room.connection).toBe('joined')
    expect(room.getSnapshot().member('u-venue')?.status).toBe('online')
    expect(room.getSnapshot().member('u-florist')?.status).toBe('online')
  })
})
