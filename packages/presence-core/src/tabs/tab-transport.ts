/**
 * The transport of one tab in a group: every tab joins its rooms and hears everything (presence,
 * broadcasts, its connection), but only the leader's presence calls go out. A follower's `track`
 * is kept, not sent — its client goes on computing what it would publish — and goes out the moment
 * the tab starts leading; a tab that stops leading takes its presence back (`untrack`) once the new
 * leader is heard, so observers never see the user with no session between the two.
 * Receipts are the leader's to send: a follower answering too would send one per tab for the same
 * person (the leader's room hears the same envelope and answers it).
 * Invariants: a follower makes no presence call and sends no receipt; at most one track per room
 * goes out on taking the lead; rooms closed by the client are forgotten.
 */
import { RECEIPT_EVENT } from '../broadcast.js'
import type { PresenceTransport, TransportRoom } from '../ports.js'

export interface TabTransport extends PresenceTransport {
  /** This tab now leads: publish what every open room holds back. */
  lead(): void
  /** Another tab leads now and is heard: take our presence out of every room. */
  stepDown(): void
}

interface GatedRoom {
  /** The meta the client last tracked here (kept while following), or none after an untrack. */
  latest: unknown
  /** Whether the transport holds our meta (a track went out since the last untrack). */
  tracked: boolean
  readonly inner: TransportRoom
}

export function createTabTransport(
  inner: PresenceTransport,
  isLeader: () => boolean,
  report: (action: string, error: unknown) => void,
): TabTransport {
  const rooms = new Set<GatedRoom>()

  const call = (action: string, promise: Promise<void>) => {
    promise.catch((error) => report(action, error))
  }

  return {
    openRoom(roomId, options) {
      const room: GatedRoom = {
        latest: undefined,
        tracked: false,
        inner: inner.openRoom(roomId, options),
      }
      rooms.add(room)
      const { inner: transportRoom } = room
      return {
        track(meta) {
          room.latest = meta
          if (!isLeader()) return Promise.resolve()
          room.tracked = true
          return transportRoom.track(meta)
        },
        untrack() {
          room.latest = undefined
          if (!room.tracked) return Promise.resolve()
          room.tracked = false
          return transportRoom.untrack()
        },
        send(event, payload) {
          if (event === RECEIPT_EVENT && !isLeader()) return Promise.resolve()
          return transportRoom.send(event, payload)
        },
        onPresence: (listener) => transportRoom.onPresence(listener),
        onMessage: (event, listener) => transportRoom.onMessage(event, listener),
        onStatus: (listener) => transportRoom.onStatus(listener),
        close() {
          rooms.delete(room)
          return transportRoom.close()
        },
      }
    },
    lead() {
      for (const room of rooms) {
        if (room.latest === undefined || room.tracked) continue
        room.tracked = true
        call('track', room.inner.track(room.latest))
      }
    },
    stepDown() {
      for (const room of rooms) {
        if (!room.tracked) continue
        room.tracked = false
        call('untrack', room.inner.untrack())
      }
    },
  }
}
