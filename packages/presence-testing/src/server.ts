/**
 * @wedsync/presence-testing/server — a local server that speaks the Supabase Realtime protocol
 * (Node only), so tests, benchmarks and demos run without a Supabase project.
 */

export { type AccessTokenOptions, createAccessToken } from './realtime/access-token.js'
export type { ConnectionInfo, ConnectionPort } from './realtime/connection.js'
export type { EncodedFrame, Vsn } from './realtime/frames.js'
export type { Claims } from './realtime/jwt.js'
export {
  type Authorize,
  type AuthorizeAction,
  type AuthorizeRequest,
  DEFAULT_LIMITS,
  DEV_ANON_KEY,
  DEV_JWT_SECRET,
  DEV_SERVICE_ROLE_KEY,
  type RealtimeLimits,
  type RealtimeOptions,
} from './realtime/options.js'
export {
  type ConnectionHandle,
  createRealtimeCore,
  type Handshake,
  type HandshakeRequest,
  type RealtimeCore,
} from './realtime/realtime-core.js'
export {
  type RealtimeServer,
  type RealtimeServerOptions,
  startRealtimeServer,
} from './realtime/server.js'
export type { RealtimeStats } from './realtime/stats.js'
