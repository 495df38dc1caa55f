/**
 * Wraps every room a transport opens, replacing some of its methods and delegating the rest: the
 * base of the board's receipt tap and of the demo's simulated poor reception.
 */
import type { PresenceTransport, TransportRoom } from '@wedsync/presence-core'

export function decorateRooms(
  inner: PresenceTransport,
  decorate: (room: TransportRoom, roomId: string) => Partial<TransportRoom>,
): PresenceTransport {
  return {
    openRoom(roomId, options) {
      const room = inner.openRoom(roomId, options)
      const overrides = decorate(room, roomId)
      return {
        track: (meta) => room.track(meta),
        untrack: () => room.untrack(),
        onPresence: (listener) => room.onPresence(listener),
        send: (event, payload) => room.send(event, payload),
        onMessage: (event, listener) => room.onMessage(event, listener),
        onStatus: (listener) => room.onStatus(listener),
        close: () => room.close(),
        ...overrides,
      }
    },
  }
}
