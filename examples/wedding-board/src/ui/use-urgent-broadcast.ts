/**
 * Sends the urgent broadcast and keeps its live report: recipients as they were at send time,
 * receipts as the tap sees them arrive, then core's final report. A newer broadcast replaces an
 * older one; late news about the older one is ignored. Mount it per room (a `key`): another
 * wedding's report does not belong on its board.
 */
import { recipientsOf } from '@wedsync/presence-core'
import { useBroadcast, usePresenceClient } from '@wedsync/presence-react'
import { useCallback, useRef, useState } from 'react'
import { type LiveBroadcast, withReceipt } from '../live-report.js'
import type { ReceiptTap } from '../receipt-tap.js'
import { URGENT_EVENT, URGENT_RECEIPT_TIMEOUT_MS } from '../urgent.js'

export function useUrgentBroadcast(
  roomId: string,
  team: readonly string[],
  tap: ReceiptTap,
): readonly [LiveBroadcast | undefined, (text: string) => void] {
  const client = usePresenceClient()
  const send = useBroadcast(roomId, URGENT_EVENT)
  const [live, setLive] = useState<LiveBroadcast>()
  const current = useRef(0)

  const broadcast = useCallback(
    (text: string) => {
      const room = client.room(roomId)
      if (!room) return
      const serial = ++current.current
      const update = (change: (b: LiveBroadcast) => LiveBroadcast) =>
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
      setLive({ text, sentAt: Date.now(), recipients, absent, receipts: new Map() })
      send({ text }, { receipts: true, timeoutMs: URGENT_RECEIPT_TIMEOUT_MS })
        .then((report) => update((b) => ({ ...b, report })))
        .catch((error: unknown) =>
          update((b) => ({ ...b, error: error instanceof Error ? error.message : String(error) })),
        )
        .finally(stop)
    },
    [client, roomId, team, tap, send],
  )
  return [live, broadcast]
}
