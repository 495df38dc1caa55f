import type { PresenceClient, PrivacySettings } from '@wedsync/presence-core'
import { useRoom } from '@wedsync/presence-react'
import type { PresenceApiClient } from '@wedsync/presence-server/client'
import { useCallback, useState } from 'react'
import { roomOf, type Supplier, teamIdOf, weddingById, weddingsOf } from '../cast.js'
import type { BoardConfig } from '../config.js'
import type { PresenceReporter } from '../presence-reporter.js'
import type { ReceiptTap } from '../receipt-tap.js'
import type { TrustMonitor } from '../trust-monitor.js'
import { AvailabilityCard } from './AvailabilityCard.js'
import { AvailabilityNotesProvider } from './availability-context.js'
import { IncomingUrgent } from './IncomingUrgent.js'
import { MyStatusPanel } from './MyStatusPanel.js'
import { PrivacyPanel } from './PrivacyPanel.js'
import { TeamBoard } from './TeamBoard.js'
import { dateOf, TopBar } from './TopBar.js'
import { UrgentPanel } from './UrgentPanel.js'
import { useTeamAvailability } from './use-team-availability.js'

const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'full' })

export interface AppProps {
  readonly client: PresenceClient
  readonly config: BoardConfig
  readonly me: Supplier
  readonly tap: ReceiptTap
  /** Verified or not, and the updates dropped because they did not verify. */
  readonly trust: TrustMonitor
  /** The presence API (team availability, fallback routing); absent on Realtime alone. */
  readonly api: PresenceApiClient | undefined
  /** Mirrors your presence and privacy to the API, when there is one. */
  readonly reporter: PresenceReporter | undefined
  readonly initialPrivacy: PrivacySettings
  readonly savePrivacy: (privacy: PrivacySettings) => void
}

export function App({
  client,
  config,
  me,
  tap,
  trust,
  api,
  reporter,
  initialPrivacy,
  savePrivacy,
}: AppProps) {
  const [weddingId, setWeddingId] = useState(config.weddingId)
  const [privacy, setPrivacy] = useState(initialPrivacy)
  const wedding = weddingById(weddingId)!
  const roomId = roomOf(weddingId)
  // Presence follows the board: switching weddings leaves one room and enters the other.
  useRoom(roomId, { activity: { action: 'viewing', target: 'supplier board', weddingId } })
  const availability = useTeamAvailability(api, teamIdOf(weddingId), roomId)

  const switchTo = useCallback((id: string) => {
    setWeddingId(id)
    const url = new URL(window.location.href)
    url.searchParams.set('wedding', id)
    window.history.replaceState(null, '', url)
  }, [])

  const changePrivacy = (next: PrivacySettings) => {
    setPrivacy(next)
    savePrivacy(next)
    // Hiding: the server first, so no board learns from it what the room no longer shows.
    if (reporter && next.appearOffline && !privacy.appearOffline)
      void reporter.setPrivacy(next).finally(() => client.setPrivacy(next))
    else {
      client.setPrivacy(next)
      void reporter?.setPrivacy(next)
    }
  }

  return (
    <>
      <TopBar
        me={me}
        weddings={weddingsOf(me.userId)}
        weddingId={weddingId}
        roomId={roomId}
        trust={trust}
        onSwitch={switchTo}
      />
      <IncomingUrgent roomId={roomId} />
      <main className="layout">
        <div className="primary">
          <section className="hero" aria-labelledby="wedding-title">
            <p className="eyebrow">{longDate.format(dateOf(wedding))}</p>
            <h1 id="wedding-title">{wedding.couple}</h1>
            <p className="hero-meta">
              {wedding.venue} · Ceremony at {wedding.ceremony}
            </p>
          </section>
          <AvailabilityCard view={availability} />
          <AvailabilityNotesProvider view={availability}>
            <TeamBoard roomId={roomId} wedding={wedding} myUserId={me.userId} />
          </AvailabilityNotesProvider>
        </div>
        <aside className="side" aria-label="Your tools">
          <UrgentPanel key={roomId} roomId={roomId} wedding={wedding} tap={tap} api={api} />
          <MyStatusPanel />
          <PrivacyPanel privacy={privacy} onChange={changePrivacy} />
        </aside>
      </main>
      {config.problems.length > 0 && (
        <aside className="problems" aria-label="Address problems">
          {config.problems.map((p) => (
            <p key={p}>{p}</p>
          ))}
        </aside>
      )}
    </>
  )
}
