/**
 * One person's presence client in its own Node process, signed in with short-lived access tokens:
 * a supabase-js client made by `createPresenceSupabaseClient` with the `accessToken` option (what
 * presence-supabase's README tells apps with their own tokens to use), the Supabase transport and a
 * PresenceClient in one room. Its token source behaves like an auth client: it keeps its token
 * while more than half its lifetime is left, else asks the parent (the auth server, over IPC) for a
 * new one; when the parent cannot answer, the source throws and realtime-js keeps the token it has.
 *
 * Configured by one JSON argument (`TokenClientConfig`). Tells its parent each change of
 * connection with its reason, each join, each error the client reports (code and message) and each
 * token it obtained (its `exp`); on `{type: 'status', status}` sets a manual status; on `stop` or
 * when the parent goes away, exits.
 */
import { createPresenceClient, type HeartbeatPolicy } from '@wedsync/presence-core'
import { createPresenceSupabaseClient, createSupabaseTransport } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'

export interface TokenClientConfig {
  /** The Realtime server's HTTP URL. */
  readonly url: string
  readonly userId: string
  readonly roomId: string
  readonly heartbeat?: Partial<HeartbeatPolicy>
  /** Lifetime of the tokens the parent issues, in seconds: the source renews at half of it. */
  readonly tokenLifetimeSeconds: number
  /**
   * realtime-js's heartbeat, which is also when it asks the token source again: it must come
   * before the token runs out (realtime-js's own rule), so below half the lifetime here.
   */
  readonly realtimeHeartbeatMs: number
}

/** The parent's answer to `{type: 'token-request', id}`. */
export type TokenReply =
  | { readonly type: 'token-reply'; readonly id: number; readonly token: string }
  | { readonly type: 'token-reply'; readonly id: number; readonly error: string }

const config = JSON.parse(process.argv[2] ?? '{}') as TokenClientConfig
const send = (message: unknown) => process.send?.(message)

let current: { readonly token: string; readonly expMs: number } | undefined
let requests = 0
const waiting = new Map<number, (reply: TokenReply) => void>()

/** The auth client: the token while it has more than half its life left, else a new one. */
async function accessToken(): Promise<string> {
  const halfLifeMs = (config.tokenLifetimeSeconds * 1_000) / 2
  if (current && current.expMs - Date.now() > halfLifeMs) return current.token
  const id = ++requests
  const reply = await new Promise<TokenReply>((resolve) => {
    waiting.set(id, resolve)
    send({ type: 'token-request', id })
  })
  if ('error' in reply) {
    send({ type: 'token-failed', error: reply.error })
    throw new Error(`auth server: ${reply.error}`)
  }
  const { exp } = JSON.parse(Buffer.from(reply.token.split('.')[1]!, 'base64url').toString()) as {
    exp: number
  }
  current = { token: reply.token, expMs: exp * 1_000 }
  send({ type: 'token', exp })
  return reply.token
}

const supabase = createPresenceSupabaseClient(config.url, DEV_ANON_KEY, {
  accessToken,
  realtime: { transport: WebSocket as never, heartbeatIntervalMs: config.realtimeHeartbeatMs },
})
const client = createPresenceClient({
  transport: createSupabaseTransport(supabase, {
    onError: (error) => send({ type: 'error', code: error.code, message: error.message }),
  }),
  userId: config.userId,
  ...(config.heartbeat && { heartbeat: config.heartbeat }),
})
client.on('error', (error) => send({ type: 'error', code: error.code, message: error.message }))
const room = client.enter(config.roomId, { activity: { action: 'viewing', target: 'timeline' } })
room.on('connection', (status, detail) => {
  send({ type: 'connection', status, reason: detail?.reason })
  if (status === 'joined') send({ type: 'joined', sessionId: client.sessionId })
})

process.on('message', (message: { type: string; status?: 'busy' | 'away' | null }) => {
  if (message.type === 'status') client.setStatus(message.status ?? null)
  if (message.type === 'token-reply') {
    const reply = message as unknown as TokenReply
    waiting.get(reply.id)?.(reply)
    waiting.delete(reply.id)
  }
  if (message.type === 'stop') {
    client.destroy()
    void supabase.realtime.disconnect()
    process.exit(0)
  }
})
// Never outlive the run that started it.
process.on('disconnect', () => process.exit(0))
