/**
 * useMembers (the roster, or a selection of it), useMemberIds (the roster's list) and useMember (one
 * member). Snapshots share structure, so a member untouched by a change keeps its object and its
 * readers do not re-render; a selection is kept while `isEqual` says it did not change.
 */
import type { MemberPresence, RoomSnapshot } from '@wedsync/presence-core'
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import { emptySnapshot } from './empty-snapshot.js'
import { NO_IDS } from './room-store.js'
import { useRoomStore, useRoomValue } from './use-room.js'

export type MembersSelector<T> = (members: readonly MemberPresence[], snapshot: RoomSnapshot) => T

const allMembers: MembersSelector<readonly MemberPresence[]> = (members) => members

/** Equal when both arrays hold the same items (by `Object.is`) in the same order. */
export function shallowArrayEqual<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false
  return true
}

/**
 * The room's members sorted by user id (a new array only when the room changed), or
 * `selector(members, snapshot)`: the component re-renders only when `isEqual` (default
 * `Object.is`) says the selection changed. `selector` and `isEqual` may be inline functions.
 */
export function useMembers(roomId: string): readonly MemberPresence[]
export function useMembers<T>(
  roomId: string,
  selector: MembersSelector<T>,
  isEqual?: (a: T, b: T) => boolean,
): T
export function useMembers<T>(
  roomId: string,
  selector: MembersSelector<T> = allMembers as MembersSelector<never>,
  isEqual: (a: T, b: T) => boolean = Object.is,
): T {
  const store = useRoomStore()
  const subscribe = useCallback(
    (listener: () => void) => store.subscribe(roomId, listener),
    [store, roomId],
  )
  const empty = useMemo(() => emptySnapshot(roomId), [roomId])
  // The selection last rendered: a new selector (an inline one is new every render) that selects
  // an equal value hands back this one, so the component keeps its value and does not re-render.
  const committed = useRef<{ readonly selection: T }>(undefined)

  const [getSelection, getServerSelection] = useMemo(() => {
    let memo: { readonly snapshot: RoomSnapshot; readonly selection: T } | undefined
    const select = (snapshot: RoomSnapshot): T => {
      if (memo?.snapshot === snapshot) return memo.selection
      const next = selector(snapshot.toArray(), snapshot)
      const previous = memo ?? committed.current
      const selection = previous && isEqual(previous.selection, next) ? previous.selection : next
      memo = { snapshot, selection }
      return selection
    }
    return [() => select(store.room(roomId)?.getSnapshot() ?? empty), () => select(empty)]
  }, [store, roomId, empty, selector, isEqual])

  const selection = useSyncExternalStore(subscribe, getSelection, getServerSelection)
  useEffect(() => {
    committed.current = { selection }
  }, [selection])
  return selection
}

/**
 * The user ids of the room's members, sorted: a new array only when someone is added to or removed
 * from the room, never for an update. With `useMember` rows, the roster's list costs O(1) per
 * status change where a `useMembers` selector costs O(room).
 */
export function useMemberIds(roomId: string): readonly string[] {
  const store = useRoomStore()
  return useRoomValue(roomId, () => store.memberIds(roomId), NO_IDS)
}

/**
 * One member of the room, or `undefined` while absent (or the room is not entered). Re-renders only
 * when that member changes, and only that member's readers are told of a change: a 1,000-row
 * roster of `useMember` rows re-renders one row per change, at the cost of a 10-row one.
 */
export function useMember(roomId: string, userId: string): MemberPresence | undefined {
  return useRoomValue(roomId, (room) => room?.getSnapshot().member(userId), undefined, userId)
}
