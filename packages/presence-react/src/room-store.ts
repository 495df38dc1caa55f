/**
 * The rooms React holds, one store per client: hooks read a room by id and are told after every
 * snapshot and when the room is entered or left. A release leaves the room one microtask later, so
 * StrictMode's unmount + remount keeps the room (and its channel) instead of closing and reopening.
 */
import type {
  EnterOptions,
  PresenceClient,
  PresenceRoom,
  RoomSnapshot,
} from '@wedsync/presence-core'

export interface RoomStore {
  /** The room the client holds under `roomId` now, if any. */
  room(roomId: string): PresenceRoom | undefined
  /** Calls `listener` after every new snapshot of the room and when the room is entered or left. */
  subscribe(roomId: string, listener: () => void): () => void
  /**
   * Enters the room (one reference of the client's ref count); the returned release is idempotent
   * and gives the reference back a microtask later.
   */
  hold(roomId: string, options?: EnterOptions): () => void
  /**
   * The user ids of the room's members, sorted: the same array until someone is added to or
   * removed from the room, so a roster's list costs O(1) per update instead of O(room).
   */
  memberIds(roomId: string): readonly string[]
}

interface MemberIds {
  readonly snapshot: RoomSnapshot
  readonly ids: readonly string[]
}

/** The listeners of one room id, attached to whichever room object the client holds for it. */
interface Channel {
  readonly listeners: Set<() => void>
  room: PresenceRoom | undefined
  detach: () => void
  /** The ids of the last snapshot read, while no member joined or left since. */
  ids: MemberIds | undefined
}

const noop = () => {}
export const NO_IDS: readonly string[] = Object.freeze([])
/** Ids computed while no channel follows the room (before a component subscribed). */
const unfollowed = new WeakMap<RoomSnapshot, readonly string[]>()

const idsOf = (snapshot: RoomSnapshot): readonly string[] =>
  Object.freeze(snapshot.toArray().map((member) => member.userId))

const stores = new WeakMap<PresenceClient, RoomStore>()

/** The store of `client`, created on first use and shared by every hook of that client. */
export function roomStore(client: PresenceClient): RoomStore {
  let store = stores.get(client)
  if (!store) {
    store = createRoomStore(client)
    stores.set(client, store)
  }
  return store
}

function createRoomStore(client: PresenceClient): RoomStore {
  const channels = new Map<string, Channel>()

  const notify = (channel: Channel) => {
    for (const listener of Array.from(channel.listeners)) listener()
  }

  function attach(roomId: string, channel: Channel): void {
    const room = client.room(roomId)
    channel.room = room
    channel.ids = undefined
    if (!room) {
      channel.detach = noop
      return
    }
    // Only joins and leaves add or remove members (an offline member stays, when retained, and
    // leaves as `left`). The room emits them before it notifies, so the ids are fresh when read.
    const forget = () => {
      channel.ids = undefined
    }
    const stops = [
      room.on('join', forget),
      room.on('leave', forget),
      room.subscribe(() => {
        // A room that is left notifies once more as it closes: follow the client to its successor.
        if (client.room(roomId) === room) notify(channel)
        else follow(roomId)
      }),
    ]
    channel.detach = () => {
      for (const stop of stops) stop()
    }
  }

  /** Re-attaches a room id's listeners when the client now holds another room object (or none). */
  function follow(roomId: string): void {
    const channel = channels.get(roomId)
    if (!channel || client.room(roomId) === channel.room) return
    channel.detach()
    attach(roomId, channel)
    notify(channel)
  }

  return {
    room: (roomId) => client.room(roomId),
    subscribe(roomId, listener) {
      let channel = channels.get(roomId)
      if (!channel) {
        channel = { listeners: new Set(), room: undefined, detach: noop, ids: undefined }
        channels.set(roomId, channel)
        attach(roomId, channel)
      }
      const own = channel
      own.listeners.add(listener)
      return () => {
        own.listeners.delete(listener)
        if (own.listeners.size > 0 || channels.get(roomId) !== own) return
        own.detach()
        channels.delete(roomId)
      }
    },
    memberIds(roomId) {
      const room = client.room(roomId)
      if (!room) return NO_IDS
      const snapshot = room.getSnapshot()
      const channel = channels.get(roomId)
      const following = channel?.room === room ? channel : undefined
      const known = following?.ids
      if (known?.snapshot === snapshot) return known.ids
      // The size check guards the rule in attach: a member count that moved means new ids.
      let ids =
        known && known.snapshot.size === snapshot.size ? known.ids : unfollowed.get(snapshot)
      if (!ids) {
        ids = idsOf(snapshot)
        unfollowed.set(snapshot, ids)
      }
      if (following) following.ids = { snapshot, ids }
      return ids
    },
    hold(roomId, options) {
      client.enter(roomId, options)
      follow(roomId)
      let released = false
      return () => {
        if (released) return
        released = true
        // StrictMode unmounts and remounts within one synchronous commit: the remount's enter lands
        // before this leave, so the client's ref count never touches zero and the room stays open.
        void Promise.resolve().then(() => {
          client.leave(roomId)
          follow(roomId)
        })
      }
    },
  }
}
