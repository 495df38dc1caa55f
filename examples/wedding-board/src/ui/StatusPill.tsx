import type { Status } from '@wedsync/presence-core'
import { STATUS_LABEL } from '../reach.js'

/**
 * A shape per status as well as a colour (filled, half, ring, bar, empty ring), so the status reads
 * without colour; the pill always carries the word too.
 */
export function StatusIcon({ status }: { status: Status }) {
  return (
    <svg className="status-icon" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      {status === 'online' && <circle cx="6" cy="6" r="5" fill="currentColor" />}
      {status === 'idle' && (
        <>
          <circle cx="6" cy="6" r="4.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M6 1.75a4.25 4.25 0 0 1 0 8.5z" fill="currentColor" />
        </>
      )}
      {status === 'away' && (
        <>
          <circle cx="6" cy="6" r="4.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path
            d="M6 3.5V6l1.75 1.25"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.3"
            strokeLinecap="round"
          />
        </>
      )}
      {status === 'busy' && (
        <>
          <circle cx="6" cy="6" r="5" fill="currentColor" />
          <rect x="3" y="5.1" width="6" height="1.8" rx="0.9" fill="#fff" />
        </>
      )}
      {status === 'offline' && (
        <circle cx="6" cy="6" r="4.25" fill="none" stroke="currentColor" strokeWidth="1.5" />
      )}
    </svg>
  )
}

export function StatusPill({ status }: { status: Status }) {
  return (
    <span className={`pill status-${status}`}>
      <StatusIcon status={status} />
      {STATUS_LABEL[status]}
    </span>
  )
}
