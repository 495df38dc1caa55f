/**
 * Child process of the supabase-transport and verified-presence benches: the one observer of a join
 * storm, alone in its process so its CPU time is its own. `ours`: a PresenceClient over
 * createSupabaseTransport, counting present members in its snapshot; `verified`: the same client
 * given a trust (`createSessionTrust`, credentials from the run's issuer), so it applies only
 * what verifies; `raw`: a realtime-js channel reading `channel.presenceState()` on every `sync`, as
 * supabase-js apps do. Reports the CPU time (WebCrypto's thread pool included) and wall time from
 * "go" until it sees `target` members, and the errors the client reported (by code and reason).
 */
import { createClient } from '@supabase/supabase-js'
import { createPresenceClient } from '@wedsync/presence-core'
import { createSupabaseTransport, fullJitterReconnect } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'
import type { SessionKind } from './supabase-transport-sessions.js'
import type { SigningSetup } from './verified-signing.js'

/** `verified-node`: verified, with the `node:crypto` signing suite instead of WebCrypto's. */
export type ObserverKind = SessionKind | 'verified' | 'verified-node'

export type ObserverCommand =
  | {
      readonly type: 'open'
      readonly kind: ObserverKind
      readonly url: string
      readonly roomId: string
      /** For `verified`: the run's issuer, which signs this client's credential and the joiners'. */
      readonly signing?: SigningSetup
    }
  | { readonly type: 'go'; readonly target: number }
  | { readonly type: 'stop' }

let count = () => 0
let onChange = () => {}
let stop = () => {}
let errors = 0
/** `code` or `code:reason` (a verified client's drops) → how many. */
const errorKinds: Record<string, number> = {}

async function open(command: Extract<ObserverCommand, { type: 'open' }>): Promise<void> {
  const supabase = createClient(command.url, DEV_ANON_KEY, {
    realtime: { transport: WebSocket as never, reconnectAfterMs: fullJitterReconnect() },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  const joined = () => process.send?.({ type: 'opened' })
  if (command.kind !== 'raw') {
    const { signing } = command
    const verifying = command.kind === 'verified' || command.kind === 'verified-node'
    if (verifying && !signing) throw new Error('a verified observer needs signing')
    // Loaded only when verifying, so the other observers' processes hold none of it.
    const suite =
      command.kind === 'verified-node'
        ? (await import('@wedsync/presence-core/trust-node')).createNodeCryptoSuite()
        : undefined
    const trust =
      verifying && signing
        ? await import('./verified-signing.js').then((v) =>
            v.trustOf(v.issuerOf(signing), signing, suite),
          )
        : undefined
    const client = createPresenceClient({
      transport: createSupabaseTransport(supabase),
      userId: `observer-${command.kind}`,
      ...(trust ? { trust } : {}),
    })
    client.on('error', (error) => {
      errors++
      const reason = (error.details as { reason?: unknown } | undefined)?.reason
      const kind = typeof reason === 'string' ? `${error.code}:${reason}` : error.code
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1
    })
    const room = client.enter(command.roomId)
    count = () => {
      const snapshot = room.getSnapshot()
      return snapshot.size - snapshot.counts.offline
    }
    room.subscribe(() => onChange())
    const off = room.on('sync', () => {
      off()
      joined()
    })
    stop = () => client.destroy()
    return
  }
  const channel = supabase.channel(`presence:${command.roomId}`, {
    config: { presence: { key: 'observer-raw' } },
  })
  let present = 0
  let synced = false
  count = () => present
  channel
    .on('presence', { event: 'sync' }, () => {
      // The supabase-js way: the whole room, copied, on every sync.
      present = Object.keys(channel.presenceState()).length
      if (!synced) {
        synced = true
        joined()
      }
      onChange()
    })
    .subscribe((status) => {
      if (status === 'SUBSCRIBED')
        void channel.track({
          v: 1,
          session: 's-raw',
          status: 'online',
          seq: Date.now(),
          lease: 600_000,
        })
    })
  stop = () => void supabase.realtime.disconnect()
}

function go(target: number): void {
  const cpu = process.cpuUsage()
  const started = performance.now()
  let events = 0
  onChange = () => {
    events++
    if (count() < target) return
    onChange = () => {}
    const used = process.cpuUsage(cpu)
    process.send?.({
      type: 'seen',
      cpuMs: (used.user + used.system) / 1000,
      wallMs: performance.now() - started,
      events,
      errors,
      errorKinds,
    })
  }
  onChange()
}

process.on('message', (command: ObserverCommand) => {
  if (command.type === 'open') void open(command)
  else if (command.type === 'go') go(command.target)
  else {
    stop()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready' })
