/**
 * @wedsync/presence-server/client — the HTTP client of the presence handlers, for browsers and
 * other clients: fetch only, no validators, no Node API. Types of what the endpoints answer come
 * with it.
 */

export type { MemberAvailability, TeamAvailabilitySummary } from './availability/team-summary.js'
export {
  isPresenceServerError,
  PresenceServerError,
  SERVER_ERRORS,
  type ServerErrorCode,
} from './errors.js'
export {
  createPresenceApiClient,
  type LeaveResponse,
  type PresenceApiClient,
  type PresenceApiClientOptions,
  type PublicKeySet,
  type RequestOptions,
  type SessionCredentialRequest,
  type SessionRequestOptions,
  type StatusResponse,
} from './http/api-client.js'
export { SESSION_CREDENTIAL_HEADER } from './http/session-header.js'
export type { SessionCredentialResponse } from './http/session-routes.js'
export type { PresenceView } from './privacy/privacy-checker.js'
export type {
  PresenceSettings,
  SessionInputsBody,
  SettingsUpdate,
  StatusUpdate,
} from './validation/schemas.js'
