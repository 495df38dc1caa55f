/**
 * @wedsync/presence-supabase — Supabase as the presence transport, plus the SQL and server-side
 * pieces a Supabase project needs.
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
export {
  createPostgresAuthorizer,
  evaluateRealtimePolicies,
  type PgPoolLike,
  type PgQueryable,
  type PostgresAuthorizerOptions,
  type RealtimeAction,
  type RealtimeAuthorizeRequest,
  type RealtimePolicies,
  SUPABASE_ROLES,
} from './postgres-authorizer.js'
export { hasFixedReconnectSchedule } from './reconnect-schedule.js'
export {
  createPresenceSupabaseClient,
  type PresenceSupabaseClientOptions,
  presenceSupabaseClientOptions,
} from './supabase-client.js'
export {
  createSupabasePresenceStore,
  type SupabasePresenceStoreOptions,
  SupabaseStoreError,
} from './supabase-store.js'
export {
  createSupabaseTransport,
  DEFAULT_JOIN_WAIT_MS,
  type SupabaseRealtimeHost,
  type SupabaseTransport,
  type SupabaseTransportOptions,
} from './transport.js'
