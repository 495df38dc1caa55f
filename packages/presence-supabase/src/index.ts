/**
 * @wedsync/presence-supabase — Supabase Realtime as the presence transport, and the client
 * options it needs. Reaches only @wedsync/presence-core and the supabase-js peer: the store and the
 * authorizer, which load presence-server, live in `./server` (entry-boundaries.test.ts holds this).
 */
export {
  type BackoffPolicy,
  DEFAULT_BACKOFF_POLICY,
  fullJitterDelay,
  fullJitterReconnect,
} from './backoff.js'
export {
  DEFAULT_REJOIN_POLICY,
  isRateLimitNotice,
  type RejoinPolicy,
  rejoinDelay,
} from './channel-status.js'
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  type HandshakeDeadlineOptions,
  type HandshakeSocket,
  type WebSocketConstructor,
  withHandshakeDeadline,
} from './handshake-deadline.js'
export { hasFixedReconnectSchedule } from './reconnect-schedule.js'
export {
  createPresenceSupabaseClient,
  type PresenceSupabaseClientOptions,
  presenceSupabaseClientOptions,
} from './supabase-client.js'
export {
  createSupabaseTransport,
  DEFAULT_JOIN_WAIT_MS,
  type SupabaseRealtimeHost,
  type SupabaseTransport,
  type SupabaseTransportOptions,
} from './transport.js'
