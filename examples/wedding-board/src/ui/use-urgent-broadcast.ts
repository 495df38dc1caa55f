/**
 * Sends the urgent broadcast and keeps its live report: recipients as they were at send time,
 * receipts as the tap sees them arrive, core's report, then — with the presence API —
 * `broadcastUrgent`'s routing of everyone who did not confirm through the server's notification
 * router, each recipient's route as it is answered. Without the API it is core's broadcast alone.
 * A newer broadcast replaces an older one; late news about the older one is ignored. Mount it per
 * room (a `key`): another wedding's report does not belong on its board.
 */
import { type PresenceRoom, recipientsOf } from '@wedsync/presence-core'
import { usePresenceClient } from '@wedsync/presence-react'
import { broadcastUrgent } from '@wedsync/presence-server'
import type {
  DeliveryResult,
  NotificationInput,
  PresenceApiClient,
  Urgency,
} from '@wedsync/presence-server/client'
import { useCallback, useRef, useState } from 'react'
import { type LiveBroadcast, withReceipt, withRoute } from '../live-report.js'
import type { ReceiptTap } from '../receipt-tap.js'
import { URGENT_EVENT, URGENT_RECEIPT_TIMEOUT_MS } from '../urgent.js'

type Update = (change: (b: LiveBroadcast) => LiveBroadcast) => void

/** The room, showing core's report the moment it is in (before the routing starts). */
function reporting(room: PresenceRoom, update: Update): Pick<PresenceRoom, 'broadcast'> {
  return {
    broadcast: (event, payload, options) =>
      room.broadcast(event, payload, options).then((report) => {
        update((b) => ({ ...b, report }))
        return report
      }),
  }
}

/** The API's router, showing each recipient's route as it is asked and answered. */
function routing(api: Pick<PresenceApiClient, 'notifications'>, update: Update) {
  return {
    send: <P>(input: NotificationInput<P>): Promise<DeliveryResult> => {
      const userId = input.recipientId
      update((b) => withRoute(b, userId, { state: 'routing' }))
      return api.notifications.send(input).then(
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

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error))

export function useUrgentBroadcast(
  roomId: string,
  team: readonly string[],
  tap: ReceiptTap,
  api: Pick<PresenceApiClient, 'notifications'> | undefined,
): readonly [LiveBroadcast | undefined, (text: string, urgency: Urgency) => void] {
  const client = usePresenceClient()
  const [live, setLive] = useState<LiveBroadcast>()
  const current = useRef(0)

  const broadcast = useCallback(
    (text: string, urgency: Urgency) => {
      const room = client.room(roomId)
      if (!room) return
      const serial = ++current.current
      const update: Update = (change) =>
        setLive((b) => (b && serial === current.current ? change(b) : b))
      const recipients = recipientsOf(room.getSnapshot().values(), client.userId)
      const known = new Set(recipients.map((r) => r.userId))
      const absent = team.filter((id) => id !== client.userId && !known.has(id))
      let id: string | undefined
      const stop = tap.subscribe((event) => {
        if (event.roomId !== roomId) return
        if (event.type === 'sent' && id === undefined && event.event === URGENT_EVENT) {
          id = event.id
          const sentAt = event.at
          update((b) => ({ ...b, id: event.id, sentAt }))
        } else if (event.type === 'receipt' && event.id === id) {
          update((b) => withReceipt(b, event.userId, event.at))
        }
      })
      setLive({
        text,
        sentAt: Date.now(),
        recipients,
        absent,
        receipts: new Map(),
        ...(api && { routing: { urgency, routes: new Map() } }),
      })
      const payload = { text }
      const sent: Promise<unknown> = api
        ? broadcastUrgent(reporting(room, update), routing(api, update), {
            event: URGENT_EVENT,
            payload,
            timeoutMs: URGENT_RECEIPT_TIMEOUT_MS,
            team,
            sender: client.userId,
            urgency,
          })
        : reporting(room, update).broadcast(URGENT_EVENT, payload, {
            receipts: true,
            timeoutMs: URGENT_RECEIPT_TIMEOUT_MS,
          })
      sent
        .catch((error: unknown) => update((b) => ({ ...b, error: messageOf(error) })))
        .finally(stop)
    },
    [client, roomId, team, tap, api],
  )
  return [live, broadcast]
}
