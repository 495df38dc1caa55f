/**
 * A transport decorator that remembers what this browser's session last published in a room: its
 * meta (session id, automatic status, the stamped manual and custom statuses, calendar, activeAgo),
 * as the room's other members receive it. The presence reporter sends exactly that to the
 * presence API, so the server aggregates the same inputs the room does (its stamps included)
 * instead of guessing them from `client.me()`, which carries no stamps.
 *
 * Invariants: only metas that parse as core's SessionMeta are kept; an untrack forgets the
 * session's meta (nothing published is nothing to report); the tap never changes what passes
 * through. Under verified presence place it above verification (like the receipt tap), where the
 * meta is still unsigned.
 */
import { type PresenceTransport, parseSessionMeta, type SessionMeta } from '@wedsync/presence-core'
import { decorateRooms } from './room-decorator.js'

export interface PublishedSession {
  /** `inner` with the tap on it. */
  wrap(inner: PresenceTransport): PresenceTransport
  /** The meta last published in any room (the shared parts are the same in every room). */
  current(): SessionMeta | undefined
  /** Told after every publish (track or untrack). */
  subscribe(listener: () => void): () => void
}

export function createPublishedSession(): PublishedSession {
  const listeners = new Set<() => void>()
  /** Per room: what is published there now. */
  const byRoom = new Map<string, SessionMeta>()
  let latest: SessionMeta | undefined
  const changed = () => {
    for (const listener of Array.from(listeners)) listener()
  }
  return {
    wrap: (inner) =>
      decorateRooms(inner, (room, roomId) => ({
        track(meta) {
          const parsed = parseSessionMeta(meta)
          if (parsed.ok) {
            byRoom.set(roomId, parsed.meta)
            latest = parsed.meta
            changed()
          }
          return room.track(meta)
        },
        untrack() {
          byRoom.delete(roomId)
          // Still published in another room: that one is current.
          latest = latest && byRoom.size > 0 ? [...byRoom.values()].at(-1) : undefined
          changed()
          return room.untrack()
        },
        close() {
          byRoom.delete(roomId)
          if (byRoom.size === 0) latest = undefined
          return room.close()
        },
      })),
    current: () => latest,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
