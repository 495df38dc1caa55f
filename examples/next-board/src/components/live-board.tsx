'use client'
/**
 * The live roster, a client component: a PresenceClient over Supabase Realtime
 * (`createPresenceSupabaseClient` + `createSupabaseTransport`, the viewer's access token as
 * Realtime's), the React hooks for the room, its members, the connection and your own status, and
 * a reporter that mirrors your status to the presence route. The client is made in an effect, so
 * server rendering opens no socket and StrictMode's second mount gets its own client; unmounting
 * destroys it and closes the socket.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { createPresenceClient, type PresenceClient } from '@wedsync/presence-core'
import { createDomActivitySource } from '@wedsync/presence-core/browser'
import { PresenceProvider } from '@wedsync/presence-react'
import { createPresenceApiClient } from '@wedsync/presence-server/client'
import { createPresenceSupabaseClient, createSupabaseTransport } from '@wedsync/presence-supabase'
import { useEffect, useState } from 'react'
import type { Supplier } from '../lib/cast'
import { LiveRoster } from './live-roster'
import { startStatusReporter } from './status-reporter'

const VIEWING_BOARD = { action: 'viewing', target: 'team board' }

export interface LiveBoardProps {
  readonly roomId: string
  readonly me: Supplier
  readonly team: readonly Supplier[]
  readonly accessToken: string
  readonly realtime: { readonly url: string; readonly anonKey: string }
}

export function LiveBoard({ roomId, me, team, accessToken, realtime }: LiveBoardProps) {
  const [client, setClient] = useState<PresenceClient>()

  useEffect(() => {
    const supabase: SupabaseClient = createPresenceSupabaseClient(realtime.url, realtime.anonKey, {
      // The session is the server's (the dev sign-in's cookie): Realtime gets its token as is.
      accessToken: async () => accessToken,
    })
    const presence = createPresenceClient({
      transport: createSupabaseTransport(supabase),
      userId: me.userId,
      profile: { name: me.name, role: me.role },
      activity: createDomActivitySource(),
      // What you are doing, for the presence route too (the reporter sends `me().activity`), so
      // the server-rendered list can say it where the viewer may see it.
      initialActivity: VIEWING_BOARD,
    })
    // The client adds /presence/status etc. to its base: the route's mount, /api/presence, is
    // /presence under /api.
    const api = createPresenceApiClient({ baseUrl: '/api', accessToken: async () => accessToken })
    const stopReporting = startStatusReporter(api, presence, (error) =>
      console.warn('presence: status not reported', error),
    )
    setClient(presence)
    return () => {
      stopReporting()
      presence.destroy()
      void supabase.removeAllChannels().then(() => supabase.realtime.disconnect())
    }
  }, [realtime.url, realtime.anonKey, accessToken, me.userId, me.name, me.role])

  return (
    <section
      aria-labelledby="live-title"
      className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm"
    >
      {client ? (
        <PresenceProvider client={client}>
          <LiveRoster roomId={roomId} me={me} team={team} />
        </PresenceProvider>
      ) : (
        <>
          <h2 id="live-title" className="text-lg font-semibold">
            Live in the room
          </h2>
          <p className="mt-1 text-sm text-stone-500">Connecting…</p>
        </>
      )}
    </section>
  )
}
