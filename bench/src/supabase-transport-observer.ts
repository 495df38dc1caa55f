/**
 * Child process of the supabase-transport bench: the one observer of a join storm, alone in its
 * process so its CPU time is its own. `ours`: a PresenceClient over createSupabaseTransport,
 * counting present members in its snapshot; `raw`: a realtime-js channel reading
 * `channel.presenceState()` on every `sync`, as supabase-js apps do. Reports the CPU time and wall
 * time from "go" until it sees `target` members.
 */
import { createClient } from '@supabase/supabase-js'
import { createPresenceClient } from '@wedsync/presence-core'
import { createSupabaseTransport } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'
import type { SessionKind } from './supabase-transport-sessions.js'

export type ObserverCommand =
  | {
      readonly type: 'open'
      readonly kind: SessionKind
      readonly url: string
      readonly roomId: string
    }
  | { readonly type: 'go'; readonly target: number }
  | { readonly type: 'stop' }

let count = () => 0
let onChange = () => {}
let stop = () => {}

function open(command: Extract<ObserverCommand, { type: 'open' }>): void {
  const supabase = createClient(command.url, DEV_ANON_KEY, {
    realtime: { transport: WebSocket as never },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
  const joined = () => process.send?.({ type: 'opened' })
  if (command.kind === 'ours') {
    const client = createPresenceClient({
      transport: createSupabaseTransport(supabase),
      userId: 'observer-ours',
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
    })
  }
  onChange()
}

process.on('message', (command: ObserverCommand) => {
  if (command.type === 'open') open(command)
  else if (command.type === 'go') go(command.target)
  else {
    stop()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready' })
