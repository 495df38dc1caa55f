/**
 * The rooms React holds, one store per client: hooks read a room by id and are told after every
 * snapshot and when the room is entered or left. A release leaves the room one microtask later, so
 * StrictMode's unmount + remount keeps the room (and its channel) instead of closing and reopening.
 */
import type {
  EnterOptions,
  MemberPresence,
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
   * Calls `listener` when the member `userId` joins, leaves or changes, and when the room is
   * entered or left: a change to one member wakes that member's readers only, O(1) per change.
   */
  subscribeMember(roomId: string, userId: string, listener: () => void): () => void
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
  /**
   * Listeners by the member they follow; the room's own listeners (told of every snapshot) are
   * under `ROOM_WIDE`, which no member can have as an id (presence keys are never empty).
   */
  readonly listeners: Map<string, Set<() => void>>
  room: PresenceRoom | undefined
  detach: () => void
  /** The ids of the last snapshot read, while no member joined or left since. */
  ids: MemberIds | undefined
}

const noop = () => {}
const ROOM_WIDE = ''
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

  const call = (listeners: Set<() => void> | undefined) => {
    if (listeners) for (const listener of Array.from(listeners)) listener()
  }

  /** The room changed as a whole: every listener, of the room and of each member. */
  const notify = (channel: Channel) => {
    for (const listeners of Array.from(channel.listeners.values())) call(listeners)
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
    // leaves as `left`). The room emits them, with its new snapshot in place, before it notifies,
    // so the ids are fresh when read and a member's readers see the member as it now is.
    const changed = (member: MemberPresence) => call(channel.listeners.get(member.userId))
    const addedOrRemoved = (member: MemberPresence) => {
      channel.ids = undefined
      changed(member)
    }
    const stops = [
      room.on('join', addedOrRemoved),
      room.on('leave', addedOrRemoved),
      room.on('update', changed),
      room.subscribe(() => {
        // A room that is left notifies once more as it closes: follow the client to its successor.
        if (client.room(roomId) === room) call(channel.listeners.get(ROOM_WIDE))
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

  /** The channel of `roomId`, attached on first use. */
  function channelOf(roomId: string): Channel {
    let channel = channels.get(roomId)
    if (!channel) {
      channel = {
        listeners: new Map(),
        room: undefined,
        detach: noop,
        ids: undefined,
      }
      channels.set(roomId, channel)
      attach(roomId, channel)
    }
    return channel
  }

  /** Adds `listener` under `key` (a member's id, or ROOM_WIDE); the returned function takes it out. */
  function listen(roomId: string, key: string, listener: () => void): () => void {
    const channel = channelOf(roomId)
    const { listeners } = channel
    const set = listeners.get(key) ?? new Set()
    listeners.set(key, set.add(listener))
    return () => {
      set.delete(listener)
      if (!set.size && listeners.get(key) === set) listeners.delete(key)
      if (listeners.size || channels.get(roomId) !== channel) return
      channel.detach()
      channels.delete(roomId)
    }
  }

  return {
    room: (roomId) => client.room(roomId),
    subscribe: (roomId, listener) => listen(roomId, ROOM_WIDE, listener),
    subscribeMember: listen,
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
