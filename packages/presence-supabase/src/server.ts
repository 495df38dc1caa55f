/**
 * @wedsync/presence-supabase/server — the server-side pieces a Supabase project needs: the
 * PostgREST presence store (presence-server's `PresenceStore` port) and the Postgres authorizer
 * for private rooms. Kept out of the main entry so the transport never loads presence-server.
 */
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
