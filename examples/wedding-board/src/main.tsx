/**
 * The board's composition root: reads the address (who you are, which wedding, test timings),
 * connects to Realtime and, when there is one, to the presence API; creates your presence client —
 * verified with a session credential from that API when there is one and the page can verify
 * (a secure context), unverified otherwise — with the receipt tap on what it hears; mirrors your
 * presence to the API; and renders, saying which mode it runs in.
 */
import '@fontsource-variable/inter'
import './styles.css'
import type { PrivacySettings } from '@wedsync/presence-core'
import { createDomActivitySource } from '@wedsync/presence-core/browser'
import { createTabPresenceClient } from '@wedsync/presence-core/tabs'
import { PresenceProvider } from '@wedsync/presence-react'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { supplierById } from './cast.js'
import { parseBoardConfig } from './config.js'
import { createCredentialBook } from './credential-book.js'
import { connectPresenceApi } from './presence-api.js'
import { startPresenceReporter } from './presence-reporter.js'
import { createPublishedSession } from './published-session.js'
import { connectRealtime } from './realtime.js'
import { createReceiptTap, placeReceiptTap } from './receipt-tap.js'
import { createTrustMonitor } from './trust-monitor.js'
import { App } from './ui/App.js'
import { Setup } from './ui/Setup.js'
import { boardTrust, jwksUrlOf } from './verification.js'

const root = createRoot(document.getElementById('root')!)
const url = import.meta.env.VITE_SUPABASE_URL as string | undefined
const anonKey = import.meta.env.VITE_SUPABASE_ANON_KEY as string | undefined
/**
 * The demo's presence API (team availability, fallback routing, session credentials and the keys
 * they verify with); unset on Realtime alone, and then the board is unverified.
 */
const presenceApiUrl = import.meta.env.VITE_PRESENCE_API_URL as string | undefined
/** The `iss` the API's credentials carry; unchecked when unset. */
const presenceIssuer = import.meta.env.VITE_PRESENCE_ISSUER as string | undefined

if (!url || !anonKey) {
  root.render(<Setup />)
} else {
  const config = parseBoardConfig(window.location.search)
  for (const problem of config.problems) console.warn(`wedding board: ${problem}`)
  const me = supplierById(config.userId)!
  const privacyKey = `wedsync-board:privacy:${me.userId}`
  const privacy = readPrivacy(privacyKey)
  const connection = connectRealtime({ url, anonKey })
  const api = presenceApiUrl
    ? connectPresenceApi({ baseUrl: presenceApiUrl, userId: me.userId })
    : undefined
  // Each session's credential, as issued: the reporter sends it with that session's reports.
  const credentials = createCredentialBook()
  const trust = boardTrust(
    api && {
      api,
      jwksUrl: jwksUrlOf(presenceApiUrl!, window.location.href),
      issuer: presenceIssuer,
      userId: me.userId,
      onCredential: credentials.issued,
    },
  )
  if (trust.mode === 'unverified' && api)
    console.warn(`wedding board: presence is not verified: ${trust.reason}`)
  const tap = createReceiptTap()
  // What this session publishes in rooms, which the reporter sends to the API as it is.
  const published = createPublishedSession()
  // One presence for all of this browser's board tabs: one tab publishes, the others feed it.
  const client = createTabPresenceClient({
    // Both taps sit where the receipt tap goes: above verification, on the unsigned meta.
    ...placeReceiptTap(
      { ...tap, wrap: (inner) => published.wrap(tap.wrap(inner)) },
      connection.transport,
      trust.mode === 'verified' ? trust.trust : undefined,
    ),
    userId: me.userId,
    profile: { name: me.name, role: me.role },
    activity: createDomActivitySource(),
    privacy,
    ...(config.idleAfterMs !== undefined && { idleAfterMs: config.idleAfterMs }),
    ...(config.awayAfterMs !== undefined && { awayAfterMs: config.awayAfterMs }),
    ...(config.heartbeat && { heartbeat: config.heartbeat }),
  })
  // What the top bar says comes from the client itself: `verified` only when it verifies.
  const monitor = createTrustMonitor(
    client.trust,
    trust.mode === 'unverified' ? trust.reason : undefined,
  )
  client.on('error', (error) => {
    // Dropped updates are counted in the top bar; one line each would let a flood fill the
    // console, so they are logged only while developing. Everything else is always logged.
    if (!monitor.report(error) || import.meta.env.DEV) console.warn(`presence: ${error.message}`)
  })
  const reporter =
    api &&
    startPresenceReporter({
      api,
      client,
      privacy,
      // Per session, and only from the leading tab: its session is the one the rooms see.
      published,
      leader: { isLeader: () => client.isLeader(), onLeaderChange: client.tabs.onLeaderChange },
      // Verified: every report carries its session's credential (the API insists on it).
      ...(trust.mode === 'verified' && { sessionCredential: credentials.get }),
      onError: (error) =>
        console.warn(`presence API: ${error instanceof Error ? error.message : error}`),
    })
  // Leaving on the way out tells the others at once, rather than when the socket drops.
  window.addEventListener('pagehide', () => {
    reporter?.stop()
    client.destroy()
    void connection.close()
  })
  // Back from the browser's page cache, the client is gone: start afresh.
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) window.location.reload()
  })
  root.render(
    <StrictMode>
      <PresenceProvider client={client}>
        <App
          client={client}
          config={config}
          me={me}
          tap={tap}
          trust={monitor}
          api={api}
          reporter={reporter}
          initialPrivacy={privacy}
          savePrivacy={(p) => localStorage.setItem(privacyKey, JSON.stringify(p))}
        />
      </PresenceProvider>
    </StrictMode>,
  )
}

function readPrivacy(key: string): PrivacySettings {
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? '{}') as Record<string, unknown>
    const flag = (name: string) => (typeof saved[name] === 'boolean' ? saved[name] : undefined)
    const settings: Record<string, boolean> = {}
    for (const name of ['appearOffline', 'showActivity', 'showLastSeen']) {
      const value = flag(name)
      if (value !== undefined) settings[name] = value
    }
    return settings
  } catch {
    return {}
  }
}
