import type { TransportStatus } from '@wedsync/presence-core'
import { useConnectionStatus, useMyPresence } from '@wedsync/presence-react'
import type { Supplier, Wedding } from '../cast.js'
import { STATUS_LABEL } from '../reach.js'
import type { TrustMonitor } from '../trust-monitor.js'
import { Avatar } from './Avatar.js'
import { TrustBadge } from './TrustBadge.js'

const CONNECTION_LABEL: Readonly<Record<TransportStatus, string>> = {
  connecting: 'Connecting…',
  joined: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Not connected',
  error: 'Connection problem',
}

const shortDate = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
})

export function dateOf(wedding: Wedding): Date {
  return new Date(`${wedding.date}T12:00:00`)
}

export function TopBar({
  me,
  weddings,
  weddingId,
  roomId,
  trust,
  onSwitch,
}: {
  me: Supplier
  weddings: readonly Wedding[]
  weddingId: string
  roomId: string
  trust: TrustMonitor
  onSwitch: (weddingId: string) => void
}) {
  const connection = useConnectionStatus(roomId)
  const [self] = useMyPresence()
  return (
    <header className="topbar">
      <div className="brand">
        <svg viewBox="0 0 32 32" className="brand-mark" aria-hidden="true">
          <circle cx="12" cy="16" r="8" fill="none" stroke="currentColor" strokeWidth="3" />
          <circle cx="20" cy="16" r="8" fill="none" stroke="var(--gold)" strokeWidth="3" />
        </svg>
        <span className="brand-name">WedSync</span>
        <span className="brand-product">Supplier board</span>
      </div>
      <nav className="switcher" aria-label="Weddings">
        {weddings.map((w) => (
          <button
            key={w.id}
            type="button"
            className="switch"
            aria-current={w.id === weddingId ? 'page' : undefined}
            onClick={() => onSwitch(w.id)}
          >
            <span className="switch-couple">{w.couple}</span>
            <span className="switch-date">{shortDate.format(dateOf(w))}</span>
          </button>
        ))}
      </nav>
      <div className="topbar-end">
        <span className={`connection connection-${connection}`} role="status">
          <span className="connection-dot" aria-hidden="true" />
          {CONNECTION_LABEL[connection]}
        </span>
        <TrustBadge monitor={trust} />
        <span className="me">
          <Avatar id={me.userId} name={me.name} status={self.status} size="sm" />
          <span className="me-text">
            <span className="me-name">{me.name}</span>
            <span className="me-role">
              {me.role} · {STATUS_LABEL[self.status]}
            </span>
          </span>
        </span>
      </div>
    </header>
  )
}
