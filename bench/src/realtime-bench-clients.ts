/**
 * Child process of the realtime-server bench: opens real `@supabase/supabase-js` clients (one
 * socket each), joins each to its room with presence, tracks, and reports when every client sees
 * its whole room. Then each client re-tracks once per interval (random phase) with a timestamp,
 * and every other member records how long the update took to reach its presence join/sync.
 */
import { createClient } from '@supabase/supabase-js'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
// Node 20 has no global WebSocket: supabase-js takes the ws constructor as its transport.
import WebSocket from 'ws'

export interface ClientsConfig {
  readonly url: string
  /** Global indices of the clients this process opens. */
  readonly first: number
  readonly count: number
  readonly roomSize: number
  /** Handshakes in flight at once. */
  readonly concurrency: number
}

type Command =
  | ({ readonly type: 'join' } & ClientsConfig)
  | { readonly type: 'run'; readonly intervalMs: number; readonly durationMs: number }
  | { readonly type: 'stop' }

type Client = { readonly realtime: { disconnect(): void } }

interface Member {
  readonly index: number
  readonly channel: ReturnType<ReturnType<typeof createClient>['channel']>
  readonly client: Client
  readonly seen: Set<string>
  seq: number
}

const now = () => performance.timeOrigin + performance.now()
const members: Member[] = []
let latencies: number[] = []
let measuring = false

async function join(config: ClientsConfig): Promise<void> {
  const started = now()
  let ready = 0
  let next = 0
  await new Promise<void>((resolveAll) => {
    const open = () => {
      if (next >= config.count) return
      const index = config.first + next++
      const room = Math.floor(index / config.roomSize)
      const client = createClient(config.url, DEV_ANON_KEY, {
        realtime: { transport: WebSocket as never },
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      })
      const channel = client.channel(`room-${room}`, { config: { presence: { key: `u${index}` } } })
      const member: Member = { index, channel, client, seen: new Set(), seq: 0 }
      members.push(member)
      let counted = false
      channel
        .on('presence', { event: 'join' }, ({ key, newPresences }) => {
          member.seen.add(key)
          if (measuring) {
            const meta = newPresences[0] as { ts?: number; seq?: number } | undefined
            if (meta?.ts !== undefined && (meta.seq ?? 0) > 0 && key !== `u${index}`) {
              latencies.push(now() - meta.ts)
            }
          }
          if (!counted && member.seen.size >= config.roomSize) {
            counted = true
            if (++ready === config.count) resolveAll()
          }
        })
        .on('presence', { event: 'leave' }, ({ key, currentPresences }) => {
          if (currentPresences.length === 0) member.seen.delete(key)
        })
        .subscribe((status) => {
          if (status === 'SUBSCRIBED') {
            void channel.track({ i: index, seq: 0, ts: now() })
            open() // the next handshake once this one is through
          }
        })
    }
    for (let i = 0; i < config.concurrency; i++) open()
  })
  process.send?.({ type: 'joined', ms: now() - started })
}

async function run(intervalMs: number, durationMs: number): Promise<void> {
  latencies = []
  measuring = true
  let updates = 0
  const timers: NodeJS.Timeout[] = []
  for (const member of members) {
    const phase = Math.random() * intervalMs
    timers.push(
      setTimeout(() => {
        const tick = () => {
          member.seq++
          updates++
          void member.channel.track({ i: member.index, seq: member.seq, ts: now() })
        }
        tick()
        timers.push(setInterval(tick, intervalMs))
      }, phase),
    )
  }
  await new Promise((resolve) => setTimeout(resolve, durationMs))
  for (const timer of timers) clearTimeout(timer)
  // Let the last updates land before reporting.
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  measuring = false
  process.send?.({ type: 'ran', updates, latencies })
}

process.on('message', (command: Command) => {
  if (command.type === 'join') void join(command)
  else if (command.type === 'run') void run(command.intervalMs, command.durationMs)
  else {
    for (const member of members) member.client.realtime.disconnect()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready' })
