/**
 * Simulated poor reception for one demo supplier: their presence gets through, but the receipts
 * their device sends for broadcasts never arrive, so the board shows "no receipt" for them — the
 * case where the coordinator has to pick up the phone.
 */
import { type PresenceTransport, RECEIPT_EVENT } from '@wedsync/presence-core'
import { decorateRooms } from '../room-decorator.js'

export function withLostReceipts(inner: PresenceTransport): PresenceTransport {
  return decorateRooms(inner, (room) => ({
    send: (event, payload) =>
      event === RECEIPT_EVENT ? Promise.resolve() : room.send(event, payload),
  }))
}
