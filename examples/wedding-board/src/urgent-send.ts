/**
 * Sends an urgent broadcast and reports its progress as changes to a `LiveBroadcast`: core's
 * report the moment it is in, then — when there is a presence API — `broadcastUrgent`'s routing
 * of everyone who did not confirm through the server's notification router, each recipient's
 * route as it is asked and answered. Without the API it is core's broadcast alone. Never throws:
 * a failed broadcast becomes the report's `error`.
 */
import {
  broadcastUrgent,
  type DeliveryResult,
  type NotificationInput,
  type RemoteNotificationRouter,
  type Urgency,
} from '@wedsync/presence-coordination/browser'
import type { PresenceRoom } from '@wedsync/presence-core'
import { type LiveBroadcast, withRoute } from './live-report.js'
import { URGENT_EVENT, URGENT_RECEIPT_TIMEOUT_MS } from './urgent.js'

/** Applies a change to the broadcast's live report (ignored once a newer one replaced it). */
export type ReportUpdate = (change: (b: LiveBroadcast) => LiveBroadcast) => void

export interface UrgentSend {
  readonly room: Pick<PresenceRoom, 'broadcast'>
  /** The server's notification router over the API (`remoteNotificationRouter(api)`). */
  readonly router: RemoteNotificationRouter | undefined
  readonly text: string
  readonly urgency: Urgency
  /** The wedding's team: members not in the room are routed too. */
  readonly team: readonly string[]
  readonly sender: string
  readonly update: ReportUpdate
  readonly timeoutMs?: number
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** The room, showing core's report the moment it is in (before the routing starts). */
function reporting(room: UrgentSend['room'], update: ReportUpdate): UrgentSend['room'] {
  return {
    broadcast: (event, payload, options) =>
      room.broadcast(event, payload, options).then((report) => {
        update((b) => ({ ...b, report }))
        return report
      }),
  }
}

/** The API's router, showing each recipient's route as it is asked and answered. */
function routing(router: RemoteNotificationRouter, update: ReportUpdate) {
  return {
    send: <P>(input: NotificationInput<P>): Promise<DeliveryResult> => {
      const userId = input.recipientId
      update((b) => withRoute(b, userId, { state: 'routing' }))
      return router.send(input).then(
        (result) => {
          update((b) => withRoute(b, userId, { state: 'routed', result }))
          return result
        },
        (error: unknown) => {
          update((b) => withRoute(b, userId, { state: 'failed', error: messageOf(error) }))
          throw error
        },
      )
    },
  }
}

export async function sendUrgent(send: UrgentSend): Promise<void> {
  const room = reporting(send.room, send.update)
  const payload = { text: send.text }
  const timeoutMs = send.timeoutMs ?? URGENT_RECEIPT_TIMEOUT_MS
  try {
    if (send.router)
      await broadcastUrgent(room, routing(send.router, send.update), {
        event: URGENT_EVENT,
        payload,
        timeoutMs,
        team: send.team,
        sender: send.sender,
        urgency: send.urgency,
      })
    else await room.broadcast(URGENT_EVENT, payload, { receipts: true, timeoutMs })
  } catch (error) {
    send.update((b) => ({ ...b, error: messageOf(error) }))
  }
}
