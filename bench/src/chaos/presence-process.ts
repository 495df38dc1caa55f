/**
 * One person's presence client in its own Node process, for scenarios that kill, freeze or cut it:
 * a supabase-js client made by `createPresenceSupabaseClient` (the SDK's default reconnects), the
 * Supabase transport and a PresenceClient in one room. Configured by one JSON argument
 * (`PresenceProcessConfig`). Tells its parent over IPC each time the room is joined and each change
 * of connection, how its own room shows it (`self`), and each error the client reports (code and,
 * for verification, the reason); on
 * `{type: 'status', status}` sets a manual status, on `leave` / `enter` leaves or re-enters the
 * room; on `stop` or when the parent goes away, exits. With `verified`, the client verifies and
 * signs, its credentials issued by the parent (credentials-over-ipc.ts).
 */
import {
  createPresenceClient,
  type HeartbeatPolicy,
  type PresenceRoom,
} from '@wedsync/presence-core'
import { createSessionTrust, type JsonWebKeySet } from '@wedsync/presence-core/trust'
import { createNodeCryptoSuite } from '@wedsync/presence-core/trust-node'
import { createPresenceSupabaseClient, createSupabaseTransport } from '@wedsync/presence-supabase'
import { TEST_ISSUER } from '@wedsync/presence-testing'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'
import { credentialsFromParent } from './credentials-over-ipc.js'

export interface PresenceProcessConfig {
  /** The Realtime server's HTTP URL (or a proxy in front of it). */
  readonly url: string
  readonly userId: string
  readonly roomId: string
  readonly heartbeat?: Partial<HeartbeatPolicy>
  /** Added to this process's clock: a device whose clock is minutes off. */
  readonly clockOffsetMs?: number
  /** Verified presence: the issuer's public keys (the parent issues the credentials). */
  readonly verified?: { readonly jwks: JsonWebKeySet }
}

const config = JSON.parse(process.argv[2] ?? '{}') as PresenceProcessConfig
const send = (message: unknown) => process.send?.(message)
const offset = config.clockOffsetMs ?? 0

const supabase = createPresenceSupabaseClient(config.url, DEV_ANON_KEY, {
  realtime: { transport: WebSocket as never },
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
})
const client = createPresenceClient({
  transport: createSupabaseTransport(supabase, {
    onError: (error) => send({ type: 'error', code: error.code, message: error.message }),
  }),
  userId: config.userId,
  ...(config.heartbeat && { heartbeat: config.heartbeat }),
  ...(offset !== 0 && { clock: { now: () => Date.now() + offset } }),
  ...(config.verified && {
    trust: createSessionTrust({
      credentials: credentialsFromParent(),
      keys: { jwks: config.verified.jwks },
      issuer: TEST_ISSUER,
      suite: createNodeCryptoSuite(),
    }),
  }),
})
client.on('error', (error) =>
  send({
    type: 'error',
    code: error.code,
    reason: (error.details as { reason?: string } | undefined)?.reason,
    message: error.message,
  }),
)
let room: PresenceRoom | undefined
function enter(): void {
  room = client.enter(config.roomId, { activity: { action: 'viewing', target: 'timeline' } })
  room.on('connection', (status) => {
    send({ type: 'connection', status })
    if (status === 'joined') send({ type: 'joined', sessionId: client.sessionId })
  })
  // How this client's own room shows it. The server answers a track before it sends the diff, so
  // once its own echo shows a status, the call that published it has been answered here too.
  let shown: string | undefined
  const entered = room
  entered.subscribe(() => {
    const status = entered.member(config.userId)?.status
    if (status === shown) return
    shown = status
    send({ type: 'self', status })
  })
}
enter()
process.on('message', (message: { type: string; status?: 'busy' | 'away' | null }) => {
  if (message.type === 'status') client.setStatus(message.status ?? null)
  if (message.type === 'leave' && room) {
    room.leave()
    room = undefined
  }
  if (message.type === 'enter' && !room) enter()
  if (message.type === 'stop') {
    client.destroy()
    supabase.realtime.disconnect()
    process.exit(0)
  }
})
// Never outlive the run that started it.
process.on('disconnect', () => process.exit(0))
