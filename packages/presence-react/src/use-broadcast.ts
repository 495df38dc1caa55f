/**
 * useBroadcast: handle a room's broadcasts of one event, and send them. The handler may be a new
 * function every render: the subscription follows the room and the event, never the handler.
 */
import {
  type BroadcastMeta,
  type BroadcastOptions,
  type BroadcastReport,
  PresenceError,
  type PresenceRoom,
} from '@wedsync/presence-core'
import { useCallback, useEffect, useRef } from 'react'
import { useClientLayoutEffect } from './context.js'
import { useRoomValue } from './use-room.js'

export type BroadcastHandler = (payload: unknown, meta: BroadcastMeta) => void

export type SendBroadcast = (
  payload: unknown,
  options?: BroadcastOptions,
) => Promise<BroadcastReport>

const theRoom = (room: PresenceRoom | undefined) => room

/**
 * Calls `handler` with every `event` broadcast in the room from other sessions (payloads are the
 * sender's: validate them) while the room is entered, and returns a stable-per-room `send` for the
 * same event. `send` rejects with PRESENCE_ROOM_LEFT while the room is not entered.
 */
export function useBroadcast(
  roomId: string,
  event: string,
  handler?: BroadcastHandler,
): SendBroadcast {
  const room = useRoomValue(roomId, theRoom, undefined)
  const latest = useRef(handler)
  useClientLayoutEffect(() => {
    latest.current = handler
  })
  useEffect(
    () => room?.onBroadcast(event, (payload, meta) => latest.current?.(payload, meta)),
    [room, event],
  )
  return useCallback<SendBroadcast>(
    (payload, options) =>
      room
        ? room.broadcast(event, payload, options)
        : Promise.reject(new PresenceError('PRESENCE_ROOM_LEFT', `Not in room ${roomId}`)),
    [room, roomId, event],
  )
}
