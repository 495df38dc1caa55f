/**
 * A transport the test drives by hand, synchronously: it reports `joined`, a `sync` of any size and
 * single joins and leaves, so a real PresenceRoom can hold 1,000 members without 1,000 clients.
 */
import type {
  PresenceEvent,
  PresenceState,
  PresenceTransport,
  TransportMeta,
  TransportRoom,
  TransportStatus,
} from '@wedsync/presence-core'

export interface ScriptedRoom {
  readonly tracked: unknown[]
  status(status: TransportStatus): void
  presence(event: PresenceEvent): void
}

export interface ScriptedTransport extends PresenceTransport {
  room(roomId: string): ScriptedRoom
}

export function createScriptedTransport(): ScriptedTransport {
  const rooms = new Map<string, ScriptedRoom>()
  return {
    openRoom(roomId) {
      const presence = new Set<(event: PresenceEvent) => void>()
      const statuses = new Set<(status: TransportStatus) => void>()
      const tracked: unknown[] = []
      rooms.set(roomId, {
        tracked,
        status(s) {
          for (const listener of statuses) listener(s)
        },
        presence(e) {
          for (const listener of presence) listener(e)
        },
      })
      const listen =
        <L>(set: Set<L>) =>
        (listener: L) => {
          set.add(listener)
          return () => void set.delete(listener)
        }
      const room: TransportRoom = {
        track: async (meta) => void tracked.push(meta),
        untrack: async () => {},
        onPresence: listen(presence),
        send: async () => {},
        onMessage: () => () => {},
        onStatus: listen(statuses),
        close: async () => {},
      }
      return room
    },
    room(roomId) {
      const room = rooms.get(roomId)
      if (!room) throw new Error(`room ${roomId} was not opened`)
      return room
    },
  }
}

/** A valid v1 session meta for member `i` of a roster. */
export function rosterMeta(i: number, overrides: Record<string, unknown> = {}): TransportMeta {
  const seq = (overrides.seq as number | undefined) ?? 1
  return {
    ref: `r${i}.${seq}`,
    meta: {
      v: 1,
      session: `s${i}`,
      status: 'online',
      seq,
      lease: 60_000,
      activeAgo: 0,
      profile: { name: `Supplier ${i}` },
      ...overrides,
    },
  }
}

export const rosterUserId = (i: number) => `u${String(i).padStart(4, '0')}`

/** The full state of a roster of `size` members, one session each. */
export function rosterState(size: number): PresenceState {
  const state: Record<string, readonly TransportMeta[]> = {}
  for (let i = 0; i < size; i++) state[rosterUserId(i)] = [rosterMeta(i)]
  return state
}
