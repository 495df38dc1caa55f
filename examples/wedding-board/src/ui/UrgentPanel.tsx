import { useConnectionStatus, useMember } from '@wedsync/presence-react'
import type { PresenceApiClient } from '@wedsync/presence-server/client'
import { useId, useState } from 'react'
import { supplierById, type Wedding } from '../cast.js'
import { type LiveBroadcast, type ReceiptRow, receiptRows, summarize } from '../live-report.js'
import { STATUS_LABEL } from '../reach.js'
import type { ReceiptTap } from '../receipt-tap.js'
import { describeRoute, type RouteTone } from '../route-outcome.js'
import { URGENT_MAX_CHARACTERS } from '../urgent.js'
import { Avatar } from './Avatar.js'
import { formatTime } from './format.js'
import { LineIcon } from './line-icon.js'
import { useUrgentBroadcast } from './use-urgent-broadcast.js'

export const DEFAULT_URGENT_TEXT = 'Ceremony moved to 4 PM because of rain. Please confirm.'

export function UrgentPanel({
  roomId,
  wedding,
  tap,
  api,
}: {
  roomId: string
  wedding: Wedding
  tap: ReceiptTap
  api: Pick<PresenceApiClient, 'request'> | undefined
}) {
  const [live, broadcast] = useUrgentBroadcast(roomId, wedding.team, tap, api)
  const [text, setText] = useState(DEFAULT_URGENT_TEXT)
  const [emergency, setEmergency] = useState(true)
  const connection = useConnectionStatus(roomId)
  const fieldId = useId()
  const emergencyHintId = useId()
  const canSend = connection === 'joined' && text.trim().length > 0
  return (
    <section className="card urgent" aria-labelledby="urgent-heading">
      <h2 id="urgent-heading" className="card-title">
        Urgent broadcast
      </h2>
      <p className="card-sub">
        Reaches everyone on {wedding.couple}’s wedding who is online, at once.{' '}
        {api
          ? 'Whoever does not confirm is routed another way: push, SMS or email.'
          : 'Receipts show who got it and who to call.'}
      </p>
      <form
        className="urgent-form"
        onSubmit={(event) => {
          event.preventDefault()
          if (canSend) broadcast(text, emergency ? 'emergency' : 'routine')
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
        {api && (
          <label className="check">
            <input
              type="checkbox"
              checked={emergency}
              aria-describedby={emergencyHintId}
              onChange={(event) => setEmergency(event.target.checked)}
            />
            <span className="check-text">
              <span className="check-label">Emergency</span>
              <span id={emergencyHintId} className="check-hint">
                {emergency
                  ? 'Goes through do-not-disturb, on every route'
                  : 'Busy suppliers get it when they are free (within an hour)'}
              </span>
            </span>
          </label>
        )}
        <button type="submit" className="btn btn-urgent" disabled={!canSend}>
          <svg viewBox="0 0 16 16" aria-hidden="true" className="btn-icon">
            <path d="M2 6.5v3l2 .5 1.5 3.5h2L6.6 10.4 13 12V4L2 6.5z" fill="currentColor" />
          </svg>
          Send urgent message
        </button>
      </form>
      {!api && (
        <p className="notice notice-fallback">
          Fallback routing is unavailable: there is no presence API. Call or email whoever does not
          confirm.
        </p>
      )}
      {live && <ReceiptReport roomId={roomId} live={live} />}
    </section>
  )
}

/** Confirmed first, then those still expected, then everyone reached another way. */
const ORDER: Readonly<Record<ReceiptRow['state'], number>> = {
  delivered: 0,
  waiting: 1,
  'no-receipt': 2,
  'not-present': 3,
}

function ReceiptReport({ roomId, live }: { roomId: string; live: LiveBroadcast }) {
  const rows = [...receiptRows(live)].sort((a, b) => ORDER[a.state] - ORDER[b.state])
  const summary = summarize(live)
  const others = summary.reachOtherwise
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
            {others > 0 &&
              (live.routing ? (
                <> · {summary.routed} routed another way</>
              ) : (
                <> · {others} to call or email</>
              ))}
            {summary.settled && <span className="muted"> · final</span>}
          </>
        )}
      </p>
      {rows.length > 0 ? (
        <ul className="receipts" aria-label="Receipts">
          {rows.map((row) => (
            <ReceiptLine key={row.userId} roomId={roomId} row={row} live={live} />
          ))}
        </ul>
      ) : (
        <p className="empty">Nobody else is on this wedding yet.</p>
      )}
    </div>
  )
}

/** A mark per route outcome (arrow, pause, cross, dots) next to its words. */
function RouteIcon({ tone }: { tone: RouteTone }) {
  return (
    <LineIcon className="route-icon" strokeWidth={1.6}>
      {tone === 'routed' && <path d="M2.5 8h9M8.5 4.5 12 8l-3.5 3.5" />}
      {tone === 'held' && <path d="M6 4v8M10 4v8" />}
      {tone === 'failed' && <path d="M4.5 4.5l7 7M11.5 4.5l-7 7" />}
      {tone === 'pending' && <path d="M4 8h.01M8 8h.01M12 8h.01" strokeWidth="2.4" />}
    </LineIcon>
  )
}

function ReceiptLine({
  roomId,
  row,
  live,
}: {
  roomId: string
  row: ReceiptRow
  live: LiveBroadcast
}) {
  const member = useMember(roomId, row.userId)
  const person = supplierById(row.userId)
  const name = member?.profile?.name ?? person?.name ?? row.userId
  const reachOtherwise = row.state === 'no-receipt' || row.state === 'not-present'
  const route = live.routing?.routes.get(row.userId)
  const outcome =
    route &&
    describeRoute(route, {
      fallback: person?.fallback ?? 'email',
      ...(row.state === 'not-present' && { status: row.status }),
      formatTime,
    })
  return (
    <li className={`receipt receipt-${row.state}`}>
      <Avatar id={row.userId} name={name} size="sm" />
      <span className="receipt-name">{name}</span>
      <span className="receipt-outcome">{outcomeText(row, live.routing !== undefined)}</span>
      {outcome && (
        <span className={`receipt-route route-${outcome.tone}`}>
          <RouteIcon tone={outcome.tone} />
          {outcome.text}
        </span>
      )}
      {reachOtherwise && person && (
        <span className="receipt-contact">
          <a href={`tel:${person.phone.replace(/\s/g, '')}`}>{person.phone}</a>
          <a href={`mailto:${person.email}`}>Email</a>
        </span>
      )}
    </li>
  )
}

function outcomeText(row: ReceiptRow, routed: boolean): string {
  switch (row.state) {
    case 'delivered':
      return `Delivered · ${row.latencyMs} ms`
    case 'waiting':
      return 'Waiting for receipt…'
    case 'no-receipt':
      return routed ? 'Online · no receipt' : 'No receipt · call them'
    case 'not-present':
      return routed ? STATUS_LABEL[row.status] : `${STATUS_LABEL[row.status]} · call or email`
  }
}
