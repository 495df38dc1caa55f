import { useConnectionStatus, useMember } from '@wedsync/presence-react'
import { useId, useState } from 'react'
import { supplierById, type Wedding } from '../cast.js'
import { type LiveBroadcast, type ReceiptRow, receiptRows, summarize } from '../live-report.js'
import { STATUS_LABEL } from '../reach.js'
import type { ReceiptTap } from '../receipt-tap.js'
import { URGENT_MAX_CHARACTERS } from '../urgent.js'
import { Avatar } from './Avatar.js'
import { formatTime } from './format.js'
import { useUrgentBroadcast } from './use-urgent-broadcast.js'

export const DEFAULT_URGENT_TEXT = 'Ceremony moved to 4 PM because of rain. Please confirm.'

export function UrgentPanel({
  roomId,
  wedding,
  tap,
}: {
  roomId: string
  wedding: Wedding
  tap: ReceiptTap
}) {
  const [live, broadcast] = useUrgentBroadcast(roomId, wedding.team, tap)
  const [text, setText] = useState(DEFAULT_URGENT_TEXT)
  const connection = useConnectionStatus(roomId)
  const fieldId = useId()
  const canSend = connection === 'joined' && text.trim().length > 0
  return (
    <section className="card urgent" aria-labelledby="urgent-heading">
      <h2 id="urgent-heading" className="card-title">
        Urgent broadcast
      </h2>
      <p className="card-sub">
        Reaches everyone on {wedding.couple}’s wedding who is online, at once. Receipts show who got
        it and who to call.
      </p>
      <form
        className="urgent-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (canSend) broadcast(text)
        }}
      >
        <label htmlFor={fieldId} className="label">
          Message
        </label>
        <textarea
          id={fieldId}
          className="input"
          rows={2}
          maxLength={URGENT_MAX_CHARACTERS}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" className="btn btn-urgent" disabled={!canSend}>
          <svg viewBox="0 0 16 16" aria-hidden="true" className="btn-icon">
            <path d="M2 6.5v3l2 .5 1.5 3.5h2L6.6 10.4 13 12V4L2 6.5z" fill="currentColor" />
          </svg>
          Send urgent message
        </button>
      </form>
      {live && <ReceiptReport roomId={roomId} live={live} />}
    </section>
  )
}

/** Confirmed first, then those still expected, then everyone to call. */
const ORDER: Readonly<Record<ReceiptRow['state'], number>> = {
  delivered: 0,
  waiting: 1,
  'no-receipt': 2,
  'not-present': 3,
}

function ReceiptReport({ roomId, live }: { roomId: string; live: LiveBroadcast }) {
  const rows = [...receiptRows(live)].sort((a, b) => ORDER[a.state] - ORDER[b.state])
  const summary = summarize(live)
  return (
    <div className="report">
      <p className="report-text">
        <span className="muted">Sent {formatTime(live.sentAt)}</span> “{live.text}”
      </p>
      <p className="report-summary" aria-live="polite">
        {live.error ? (
          <span className="error">Not sent: {live.error}</span>
        ) : (
          <>
            <strong>{summary.delivered} delivered</strong>
            {summary.waiting > 0 && <> · {summary.waiting} waiting</>}
            {summary.reachOtherwise > 0 && <> · {summary.reachOtherwise} to call or email</>}
            {summary.settled && <span className="muted"> · final</span>}
          </>
        )}
      </p>
      {rows.length > 0 ? (
        <ul className="receipts" aria-label="Receipts">
          {rows.map((row) => (
            <ReceiptLine key={row.userId} roomId={roomId} row={row} />
          ))}
        </ul>
      ) : (
        <p className="empty">Nobody else is on this wedding yet.</p>
      )}
    </div>
  )
}

function ReceiptLine({ roomId, row }: { roomId: string; row: ReceiptRow }) {
  const member = useMember(roomId, row.userId)
  const person = supplierById(row.userId)
  const name = member?.profile?.name ?? person?.name ?? row.userId
  const reachOtherwise = row.state === 'no-receipt' || row.state === 'not-present'
  return (
    <li className={`receipt receipt-${row.state}`}>
      <Avatar id={row.userId} name={name} size="sm" />
      <span className="receipt-name">{name}</span>
      <span className="receipt-outcome">{outcomeText(row)}</span>
      {reachOtherwise && person && (
        <span className="receipt-contact">
          <a href={`tel:${person.phone.replace(/\s/g, '')}`}>{person.phone}</a>
          <a href={`mailto:${person.email}`}>Email</a>
        </span>
      )}
    </li>
  )
}

function outcomeText(row: ReceiptRow): string {
  switch (row.state) {
    case 'delivered':
      return `Delivered · ${row.latencyMs} ms`
    case 'waiting':
      return 'Waiting for receipt…'
    case 'no-receipt':
      return 'No receipt · call them'
    case 'not-present':
      return `${STATUS_LABEL[row.status]} · call or email`
  }
}
