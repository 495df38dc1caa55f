/**
 * useRoom enters a room while a component is mounted; useConnectionStatus reads its connection.
 * Hooks read rooms through the client's room store, so all hooks of one room id share one
 * subscription, and a room entered by one component is seen by every other.
 */
import type { Activity, EnterOptions, PresenceRoom, TransportStatus } from '@wedsync/presence-core'
import { useCallback, useRef, useSyncExternalStore } from 'react'
import { useClientLayoutEffect, usePresenceClient } from './context.js'
import { type RoomStore, roomStore } from './room-store.js'

export type UseRoomOptions = EnterOptions

/** The room store of the provider's client. */
export function useRoomStore(): RoomStore {
  return roomStore(usePresenceClient())
}

/**
 * `read(room)` as a store value, read again after every snapshot and when the room is entered or
 * left — or, given `userId`, only when that member changes or the room is entered or left. `read`
 * must return the same value for the same state (the room, a member, a string). The server (and
 * hydration) sees `serverValue`: no room is entered before effects run.
 */
export function useRoomValue<T>(
  roomId: string,
  read: (room: PresenceRoom | undefined) => T,
  serverValue: T,
  userId?: string,
): T {
  const store = useRoomStore()
  const subscribe = useCallback(
    (listener: () => void) =>
      userId === undefined
        ? store.subscribe(roomId, listener)
        : store.subscribeMember(roomId, userId, listener),
    [store, roomId, userId],
  )
  return useSyncExternalStore(
    subscribe,
    () => read(store.room(roomId)),
    () => serverValue,
  )
}

const theRoom = (room: PresenceRoom | undefined) => room

/** Activities are compared by value: an inline `{ action: 'viewing' }` is the same every render. */
const parseActivity = (key: string): Activity | null => (key ? (JSON.parse(key) as Activity) : null)

/**
 * Enters `roomId` on mount and leaves it on unmount, ref-counted with every other holder and safe
 * under StrictMode's double effects. Returns the room once entered: `undefined` on the server and
 * in the first render, unless something holds the room already. A changed `activity` is set on the
 * room; a changed room id or `private` leaves the old room and enters the new one.
 */
export function useRoom(roomId: string, options: UseRoomOptions = {}): PresenceRoom | undefined {
  const store = useRoomStore()
  const room = useRoomValue(roomId, theRoom, undefined)
  const isPrivate = options.private === true
  const activityKey = options.activity ? JSON.stringify(options.activity) : ''
  // The activity the room has from us, so an unchanged one is not set again after entering.
  const given = useRef('')

  // Not on `activityKey`: a new activity is set on the room below; it does not re-enter.
  useClientLayoutEffect(() => {
    const activity = parseActivity(activityKey)
    given.current = activityKey
    return store.hold(roomId, {
      ...(activity && { activity }),
      ...(isPrivate && { private: true }),
    })
  }, [store, roomId, isPrivate])

  useClientLayoutEffect(() => {
    if (!room || given.current === activityKey) return
    given.current = activityKey
    room.setActivity(parseActivity(activityKey))
  }, [room, activityKey])

  return room
}

const connectionOf = (room: PresenceRoom | undefined): TransportStatus =>
  room?.connection ?? 'closed'

/** The room's connection (connecting | joined | reconnecting | closed | error); `closed` until entered. */
export function useConnectionStatus(roomId: string): TransportStatus {
  return useRoomValue(roomId, connectionOf, 'closed')
}
