import type { PresenceClient, PrivacySettings } from '@wedsync/presence-core'
import { useRoom } from '@wedsync/presence-react'
import { useCallback, useState } from 'react'
import { roomOf, type Supplier, weddingById, weddingsOf } from '../cast.js'
import type { BoardConfig } from '../config.js'
import type { ReceiptTap } from '../receipt-tap.js'
import { IncomingUrgent } from './IncomingUrgent.js'
import { MyStatusPanel } from './MyStatusPanel.js'
import { PrivacyPanel } from './PrivacyPanel.js'
import { TeamBoard } from './TeamBoard.js'
import { dateOf, TopBar } from './TopBar.js'
import { UrgentPanel } from './UrgentPanel.js'

const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'full' })

export interface AppProps {
  readonly client: PresenceClient
  readonly config: BoardConfig
  readonly me: Supplier
  readonly tap: ReceiptTap
  readonly initialPrivacy: PrivacySettings
  readonly savePrivacy: (privacy: PrivacySettings) => void
}

export function App({ client, config, me, tap, initialPrivacy, savePrivacy }: AppProps) {
  const [weddingId, setWeddingId] = useState(config.weddingId)
  const [privacy, setPrivacy] = useState(initialPrivacy)
  const wedding = weddingById(weddingId)!
  const roomId = roomOf(weddingId)
  // Presence follows the board: switching weddings leaves one room and enters the other.
  useRoom(roomId, { activity: { action: 'viewing', target: 'supplier board', weddingId } })

  const switchTo = useCallback((id: string) => {
    setWeddingId(id)
    const url = new URL(window.location.href)
    url.searchParams.set('wedding', id)
    window.history.replaceState(null, '', url)
  }, [])

  const changePrivacy = (next: PrivacySettings) => {
    setPrivacy(next)
    client.setPrivacy(next)
    savePrivacy(next)
  }

  return (
    <>
      <TopBar
        me={me}
        weddings={weddingsOf(me.userId)}
        weddingId={weddingId}
        roomId={roomId}
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
          <TeamBoard roomId={roomId} wedding={wedding} myUserId={me.userId} />
        </div>
        <aside className="side" aria-label="Your tools">
          <UrgentPanel key={roomId} roomId={roomId} wedding={wedding} tap={tap} />
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
