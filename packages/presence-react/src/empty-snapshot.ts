/**
 * The snapshot hooks read while a room is not entered (and on the server): no members, version 0.
 * Frozen and allocation-free to read, so selectors can run on it like on any snapshot.
 */
import type { MemberPresence, RoomSnapshot, Status } from '@wedsync/presence-core'

const NO_MEMBERS: readonly MemberPresence[] = Object.freeze([])
const NO_COUNTS: Readonly<Record<Status, number>> = Object.freeze({
  online: 0,
  idle: 0,
  away: 0,
  busy: 0,
  offline: 0,
})

const values = () => NO_MEMBERS[Symbol.iterator]()

export function emptySnapshot(roomId: string): RoomSnapshot {
  return Object.freeze({
    roomId,
    version: 0,
    size: 0,
    counts: NO_COUNTS,
    member: () => undefined,
    has: () => false,
    values,
    [Symbol.iterator]: values,
    toArray: () => NO_MEMBERS,
  })
}
