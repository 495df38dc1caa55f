/**
 * @wedsync/presence-server/client — the HTTP client of the presence handlers, for browsers and
 * other clients: fetch only, no validators, no Node API. Types of what the endpoints answer come
 * with it.
 */
export {
  createPresenceApiClient,
  type PresenceApiClient,
  type PresenceApiClientOptions,
  type PublicKeySet,
  type RemoteNotificationRouter,
  type RequestOptions,
  type SessionCredentialRequest,
  type StatusResponse,
} from './api-client.js'
export type { MemberAvailability, TeamAvailabilitySummary } from './availability.js'
export {
  isPresenceServerError,
  PresenceServerError,
  SERVER_ERRORS,
  type ServerErrorCode,
} from './errors.js'
export type { DeliveryResult, NotificationInput } from './notification-router.js'
export type { DeliveryRoute, RoutingDecision, Urgency } from './notification-routing.js'
export type { PresenceView } from './privacy.js'
export type { PresenceSettings, SettingsUpdate, StatusUpdate } from './schemas.js'
export type { SessionCredentialResponse } from './session-routes.js'
