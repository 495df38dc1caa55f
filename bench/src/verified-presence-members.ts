/**
 * Child process of the verified-presence bench: one member slot of several rooms of 10 on the local
 * Realtime server — for each room it is given, a PresenceClient over createSupabaseTransport on a
 * supabase-js client (one socket) of its own, verified (a trust from the run's issuer: it signs what
 * it sends and verifies what it hears) or not. Reports `joined` once every room it holds shows all
 * its members online; then, on `broadcast`, its member of that room broadcasts with receipts and
 * reports how long `room.broadcast` took to resolve and what the report says.
 */
import { createClient } from '@supabase/supabase-js'
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceRoom,
} from '@wedsync/presence-core'
import { createSupabaseTransport, fullJitterReconnect } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
// Node 20 has no global WebSocket: supabase-js takes the ws constructor as its transport.
import WebSocket from 'ws'
import { issuerOf, type SigningSetup, trustOf } from './verified-signing.js'
import type { TrustKind } from './verified-update-fixture.js'

export interface MemberRoom {
  readonly roomId: string
  readonly kind: TrustKind
}

export type MembersCommand =
  | {
      readonly type: 'join'
      readonly url: string
      /** This process's member of every room: its user id is `member-<slot>`. */
      readonly slot: number
      readonly rooms: readonly MemberRoom[]
      readonly roomSize: number
      readonly signing: SigningSetup
    }
  | { readonly type: 'broadcast'; readonly roomId: string; readonly n: number }
  /** Answers `stats`: the errors this process's clients reported so far. */
  | { readonly type: 'stats' }
  | { readonly type: 'stop' }

export interface Broadcasted {
  readonly type: 'broadcasted'
  /** From calling `room.broadcast` until its report resolved (performance.now, ms). */
  readonly ms: number
  readonly delivered: number
  readonly noReceipt: number
  readonly notPresent: number
}

export const BROADCAST_EVENT = 'bench'

const clients: PresenceClient[] = []
const rooms = new Map<string, PresenceRoom>()
let errors = 0

async function join(command: Extract<MembersCommand, { type: 'join' }>): Promise<void> {
  const issuer = issuerOf(command.signing)
  const full = command.rooms.map(({ roomId, kind }) => {
    const supabase = createClient(command.url, DEV_ANON_KEY, {
      realtime: { transport: WebSocket as never, reconnectAfterMs: fullJitterReconnect() },
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    })
    const client = createPresenceClient({
      transport: createSupabaseTransport(supabase, { onError: () => errors++ }),
      userId: `member-${command.slot}`,
      ...(kind === 'verified' ? { trust: trustOf(issuer, command.signing) } : {}),
    })
    client.on('error', () => errors++)
    clients.push(client)
    const room = client.enter(roomId)
    rooms.set(roomId, room)
    room.onBroadcast(BROADCAST_EVENT, () => {})
    return new Promise<void>((resolve) => {
      const check = () => {
        if (room.getSnapshot().counts.online < command.roomSize) return
        off()
        resolve()
      }
      const off = room.subscribe(check)
    })
  })
  await Promise.all(full)
  process.send?.({ type: 'joined', errors })
}

async function broadcast(roomId: string, n: number): Promise<void> {
  const room = rooms.get(roomId)
  if (!room) throw new Error(`no member of ${roomId} here`)
  const payload = { text: 'Ceremony moved to 4 PM', n }
  const start = performance.now()
  const report = await room.broadcast(BROADCAST_EVENT, payload, { receipts: true })
  const ms = performance.now() - start
  process.send?.({
    type: 'broadcasted',
    ms,
    delivered: report.delivered.length,
    noReceipt: report.noReceipt.length,
    notPresent: report.notPresent.length,
  } satisfies Broadcasted)
}

process.on('message', (command: MembersCommand) => {
  if (command.type === 'join') void join(command)
  else if (command.type === 'broadcast') void broadcast(command.roomId, command.n)
  else if (command.type === 'stats') process.send?.({ type: 'stats', errors })
  else {
    for (const client of clients) client.destroy()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready' })
