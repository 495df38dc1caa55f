/**
 * @wedsync/presence-supabase — Supabase as the presence transport, plus the SQL and server-side
 * pieces a Supabase project needs.
 */
export {
  DEFAULT_REJOIN_POLICY,
  isRateLimitNotice,
  type RejoinPolicy,
  rejoinDelay,
} from './channel-status.js'
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
