/**
 * A transport whose rooms do what a test says: it plays presence, messages and statuses into the
 * room's listeners and records what the room sends. For driving one wrapper room exactly.
 */
import type {
  PresenceEvent,
  PresenceTransport,
  TransportRoom,
  TransportStatus,
} from '../src/ports.js'

export interface ScriptedRoom extends TransportRoom {
  readonly tracked: unknown[]
  readonly sent: { event: string; payload: unknown }[]
  play(event: PresenceEvent): void
  message(event: string, payload: unknown): void
  status(status: TransportStatus): void
}

export function scriptedTransport(): PresenceTransport & { readonly rooms: ScriptedRoom[] } {
  const rooms: ScriptedRoom[] = []
  return {
    rooms,
    openRoom() {
      const presence = new Set<(e: PresenceEvent) => void>()
      const statuses = new Set<(s: TransportStatus) => void>()
      const messages = new Map<string, Set<(p: unknown) => void>>()
      const add = <T>(set: Set<T>, fn: T) => {
        set.add(fn)
        return () => {
          set.delete(fn)
        }
      }
      const room: ScriptedRoom = {
        tracked: [],
        sent: [],
        async track(meta) {
          room.tracked.push(meta)
        },
        async untrack() {},
        async send(event, payload) {
          room.sent.push({ event, payload })
        },
        onPresence: (fn) => add(presence, fn),
        onStatus: (fn) => add(statuses, fn),
        onMessage(event, fn) {
          if (!messages.has(event)) messages.set(event, new Set())
          return add(messages.get(event)!, fn)
        },
        async close() {},
        play: (event) => {
          for (const fn of presence) fn(event)
        },
        message: (event, payload) => {
          for (const fn of messages.get(event) ?? []) fn(payload)
        },
        status: (status) => {
          for (const fn of statuses) fn(status)
        },
      }
      rooms.push(room)
      return room
    },
  }
}
