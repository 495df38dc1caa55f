import { useBroadcast, usePresenceClient } from '@wedsync/presence-react'
import { useState } from 'react'
import { supplierById } from '../cast.js'
import { parseUrgent, URGENT_EVENT } from '../urgent.js'
import { formatTime } from './format.js'

interface Received {
  readonly id: string
  readonly from: string
  readonly text: string
  readonly at: number
}

/** Urgent messages from others on this wedding. Their devices got a receipt the moment it arrived. */
export function IncomingUrgent({ roomId }: { roomId: string }) {
  const client = usePresenceClient()
  const [inbox, setInbox] = useState<readonly Received[]>([])
  useBroadcast(roomId, URGENT_EVENT, (payload, meta) => {
    const message = parseUrgent(payload)
    if (!message) return
    const from =
      client.room(roomId)?.member(meta.userId)?.profile?.name ??
      supplierById(meta.userId)?.name ??
      meta.userId
    setInbox((list) =>
      [{ id: meta.id, from, text: message.text, at: Date.now() }, ...list].slice(0, 3),
    )
  })
  if (inbox.length === 0) return null
  return (
    <div className="incoming">
      {inbox.map((m) => (
        <div key={m.id} className="incoming-item" role="alert">
          <span className="incoming-badge">Urgent</span>
          <p className="incoming-text">
            <strong>{m.text}</strong>
            <span className="incoming-meta">
              From {m.from} · {formatTime(m.at)} · receipt sent
            </span>
          </p>
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => setInbox((list) => list.filter((x) => x.id !== m.id))}
          >
            Got it
          </button>
        </div>
      ))}
    </div>
  )
}
