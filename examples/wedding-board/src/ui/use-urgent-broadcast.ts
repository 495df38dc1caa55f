/**
 * Sends the urgent broadcast and keeps its live report: recipients as they were at send time,
 * receipts as the tap sees them arrive, then what `sendUrgent` reports — core's report and, with
 * the presence API, each recipient's route through the server's notification router. A newer
 * broadcast replaces an older one; late news about the older one is ignored. Mount it per room (a
 * `key`): another wedding's report does not belong on its board.
 */
import { remoteNotificationRouter, type Urgency } from '@wedsync/presence-coordination/browser'
import { recipientsOf } from '@wedsync/presence-core'
import { usePresenceClient } from '@wedsync/presence-react'
import type { PresenceApiClient } from '@wedsync/presence-server/client'
import { useCallback, useMemo, useRef, useState } from 'react'
import { type LiveBroadcast, withReceipt } from '../live-report.js'
import type { ReceiptTap } from '../receipt-tap.js'
import { URGENT_EVENT } from '../urgent.js'
import { type ReportUpdate, sendUrgent } from '../urgent-send.js'

export function useUrgentBroadcast(
  roomId: string,
  team: readonly string[],
  tap: ReceiptTap,
  api: Pick<PresenceApiClient, 'request'> | undefined,
): readonly [LiveBroadcast | undefined, (text: string, urgency: Urgency) => void] {
  const client = usePresenceClient()
  const router = useMemo(() => api && remoteNotificationRouter(api), [api])
  const [live, setLive] = useState<LiveBroadcast>()
  const current = useRef(0)

  const broadcast = useCallback(
    (text: string, urgency: Urgency) => {
      const room = client.room(roomId)
      if (!room) return
      const serial = ++current.current
      const update: ReportUpdate = (change) =>
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
        ...(router && { routing: { urgency, routes: new Map() } }),
      })
      void sendUrgent({ room, router, text, urgency, team, sender: client.userId, update }).finally(
        stop,
      )
    },
    [client, roomId, team, tap, router],
  )
  return [live, broadcast]
}
