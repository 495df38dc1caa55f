/**
 * @wedsync/presence-testing/msw — Supabase Realtime emulated inside msw (`ws` and `http`
 * handlers over the same protocol core as the local server), for tests in jsdom, happy-dom, Node
 * with a global WebSocket, or the browser. Needs `msw` 2.6 or later.
 */

export { type AccessTokenOptions, createAccessToken } from './realtime/access-token.js'
export type { Claims } from './realtime/jwt.js'
export {
  type RealtimeHandlers,
  type RealtimeHandlersOptions,
  realtimeHandlers,
} from './realtime/msw-handlers.js'
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
export type { RealtimeStats } from './realtime/stats.js'
