/**
 * A transport decorator that lets the board watch receipts arrive one by one. `room.broadcast`
 * resolves with the whole report once every receipt is in (or the timeout passes); the board wants
 * to fill the report in live, so it taps the wire: the envelope this session sends (its id and
 * time) and each receipt addressed to this session. Everything else passes through unchanged.
 * With verified presence the tap sits above verification (`placeReceiptTap`): it reports only
 * receipts whose signature and sender verified, as core's own report counts them.
 */
import {
  BROADCAST_EVENT,
  type Clock,
  type PresenceTransport,
  type PresenceTrust,
  RECEIPT_EVENT,
  systemClock,
} from '@wedsync/presence-core'
import { decorateRooms } from './room-decorator.js'

export type TapEvent =
  | {
      readonly type: 'sent'
      readonly roomId: string
      readonly id: string
      readonly event: string
      readonly at: number
    }
  | {
      readonly type: 'receipt'
      readonly roomId: string
      readonly id: string
      readonly userId: string
      readonly at: number
    }

export interface ReceiptTap {
  /** `inner` with the tap on it; every transport it wraps reports to the same listeners. */
  wrap(inner: PresenceTransport): PresenceTransport
  /** Every broadcast sent through the tap with receipts asked for, and every receipt for one. */
  subscribe(listener: (event: TapEvent) => void): () => void
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0

export function createReceiptTap(clock: Clock = systemClock): ReceiptTap {
  const listeners = new Set<(event: TapEvent) => void>()
  const emit = (event: TapEvent) => {
    for (const listener of Array.from(listeners)) listener(event)
  }
  const wrap = (inner: PresenceTransport) =>
    decorateRooms(inner, (room, roomId) => {
      // Receipts are another client's payload: only well-formed ones are reported (core validates
      // them again before they count in its report).
      const stopReceipts = room.onMessage(RECEIPT_EVENT, (raw) => {
        if (isRecord(raw) && isText(raw.id) && isText(raw.user))
          emit({ type: 'receipt', roomId, id: raw.id, userId: raw.user, at: clock.now() })
      })
      return {
        send(event, payload) {
          if (
            event === BROADCAST_EVENT &&
            isRecord(payload) &&
            payload.receipts === true &&
            isText(payload.id) &&
            isText(payload.event)
          )
            emit({ type: 'sent', roomId, id: payload.id, event: payload.event, at: clock.now() })
          return room.send(event, payload)
        },
        close() {
          stopReceipts()
          return room.close()
        },
      }
    })
  return {
    wrap,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}

/**
 * Puts the tap where a client should have it. A client's trust wraps the transport it is given,
 * so a tap given as that transport would sit below verification and report forged receipts: with
 * a trust, the tap goes on the verified transport instead (a trust that taps what it wraps).
 */
export function placeReceiptTap(
  tap: ReceiptTap,
  transport: PresenceTransport,
  trust?: PresenceTrust,
): { readonly transport: PresenceTransport; readonly trust?: PresenceTrust } {
  if (!trust) return { transport: tap.wrap(transport) }
  return {
    transport,
    trust: {
      wrap: (inner, session) => tap.wrap(trust.wrap(inner, session)),
      dispose: () => trust.dispose(),
    },
  }
}
