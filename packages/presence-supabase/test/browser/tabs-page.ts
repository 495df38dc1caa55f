/**
 * The page the multi-tab browser test opens in Chromium: one tab of a user on the real supabase-js
 * client and our transport, as an app would set it up, with two things only a test needs — a fake
 * clock the test advances in every tab at once (so a minute of heartbeats takes no minute), and a
 * count of the presence calls this tab makes (track and untrack reaching the transport).
 * Query: realtime (server URL), token (its JWT), user, start (epoch ms), mode: `tabs` (a tab
 * client), `plain` (a plain client per tab: what apps had before, the baseline) or `observer`.
 */
import { createClient } from '@supabase/supabase-js'
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceTransport,
} from '@wedsync/presence-core'
import { createDomActivitySource } from '@wedsync/presence-core/browser'
import { createTabPresenceClient, type TabPresenceClient } from '@wedsync/presence-core/tabs'
import { createFakeClock } from '@wedsync/presence-testing'
import { createSupabaseTransport } from '../../src/index.js'

const ROOM = 'wedding:123'
const params = new URLSearchParams(location.search)
const need = (name: string) => {
  const value = params.get(name)
  if (!value) throw new Error(`missing ?${name}=`)
  return value
}
const userId = need('user')
const clock = createFakeClock(Number(need('start')))
let calls = 0

/** Counts the presence calls that reach the transport: what the Realtime server limits. */
function counting(transport: PresenceTransport): PresenceTransport {
  return {
    openRoom(roomId, options) {
      const room = transport.openRoom(roomId, options)
      return {
        track: (meta) => {
          calls++
          return room.track(meta)
        },
        untrack: () => {
          calls++
          return room.untrack()
        },
        send: (event, payload) => room.send(event, payload),
        onPresence: (listener) => room.onPresence(listener),
        onMessage: (event, listener) => room.onMessage(event, listener),
        onStatus: (listener) => room.onStatus(listener),
        close: () => room.close(),
      }
    },
  }
}

const supabase = createClient(need('realtime'), need('anon'), {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
})
await supabase.realtime.setAuth(need('token'))
const transport = counting(createSupabaseTransport(supabase))
const mode = need('mode')
const activity = createDomActivitySource({ clock })
const client: PresenceClient | TabPresenceClient =
  mode !== 'tabs'
    ? createPresenceClient({ transport, userId, clock, activity })
    : createTabPresenceClient({
        transport,
        userId,
        clock,
        activity,
      })
const room = client.enter(ROOM)
addEventListener('pagehide', () => client.destroy())

Object.assign(window, {
  presence: {
    sessionId: client.sessionId,
    joined: () => room.connection === 'joined',
    isLeader: () => mode === 'tabs' && (client as TabPresenceClient).isLeader(),
    calls: () => calls,
    status: (of: string) => room.member(of)?.status ?? 'absent',
    sessions: (of: string) => room.member(of)?.sessions.map((s) => s.sessionId) ?? [],
    advance: (ms: number) => clock.advance(ms),
  },
})
