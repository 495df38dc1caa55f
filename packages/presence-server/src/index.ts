/**
 * @wedsync/presence-server — what server code imports: validators, the privacy checker, the rate
 * limiter, Web-standard request handlers, session credentials and the in-memory stores. No
 * Node-only import: runs in Node, edge runtimes and Deno. Postgres, PGlite, Redis and Node's http
 * server are separate entries (`/postgres`, `/pglite`, `/redis`, `/node`).
 */
export {
  type Authenticate,
  type AuthFailureReason,
  type AuthResult,
  authError,
  bearerToken,
  createJwtAuthenticator,
  type JwtAuthenticatorOptions,
} from './auth.js'
export {
  type AvailabilityMember,
  describeTime,
  type MemberAvailability,
  type SummarizeTeamOptions,
  summarizeTeamAvailability,
  type TeamAvailabilitySummary,
} from './availability.js'
export {
  type AvailabilityHistoryOptions,
  canUseHistory,
  createPatternSource,
  type PatternSource,
} from './availability-history.js'
export {
  CUSTOM_STATUS_LIMITS,
  type CustomStatusInput,
  sanitizeCustomStatus,
  sanitizeEmoji,
  sanitizeStatusText,
} from './custom-status.js'
export {
  type ErrorBody,
  errorResponse,
  isPresenceServerError,
  PresenceServerError,
  SERVER_ERRORS,
  type ServerErrorCode,
  type ServerErrorOptions,
} from './errors.js'
export {
  createPresenceHandlers,
  type Handler,
  type PresenceHandlers,
  type PresenceHandlersOptions,
  type RouteInfo,
} from './handlers.js'
export { DEFAULT_MAX_BODY_BYTES, readBody, readJson, stringifyInert } from './http.js'
export {
  type AvailabilityPattern,
  availabilityAt,
  availabilityPattern,
  DEFAULT_AVAILABLE,
  type PatternOptions,
  type UsuallyBackOptions,
  usuallyBackAt,
} from './insights.js'
export {
  type BusyWindow,
  type MeetingMember,
  type MeetingSlot,
  type SuggestMeetingOptions,
  suggestMeetingTimes,
} from './meeting-times.js'
export { createMemoryStore, type MemoryStoreOptions } from './memory-store.js'
export { createMetrics, LATENCY_BUCKETS, type PresenceMetrics } from './metrics.js'
export {
  DEFAULT_EMERGENCY_LIMIT,
  DEFAULT_RECIPIENT_LIMIT,
  type NotificationEndpointOptions,
  type NotificationRequest,
  notificationRequestSchema,
  type SentPayload,
  scopedNotificationId,
  sharesTeamWith,
} from './notification-endpoint.js'
export {
  createNotificationRouter,
  type DeliveryContext,
  type DeliveryResult,
  type Notification,
  type NotificationHooks,
  type NotificationInput,
  type NotificationRouter,
  type NotificationRouterOptions,
  presenceFromStore,
  type RecipientPreferences,
} from './notification-router.js'
export {
  DEFAULT_MAX_HOLD_MS,
  type DeliveryRoute,
  type QuietHours,
  quietHoursEnd,
  quietHoursSchema,
  type RouteInput,
  type RoutingDecision,
  type RoutingReason,
  routeNotification,
  URGENCIES,
  type Urgency,
} from './notification-routing.js'
export {
  type ClaimQuery,
  createMemoryNotificationStore,
  type HeldNotification,
  type HoldReason,
  type NotificationRecord,
  type NotificationStore,
} from './notification-store.js'
export {
  createSqlNotificationStore,
  type SqlNotificationStoreOptions,
} from './notification-store-sql.js'
export {
  countStatuses,
  DEFAULT_LEASE_MS,
  DEFAULT_TEAM_NOUN,
  resolvePresence,
  summarizeAvailability,
  type TeamAvailability,
  type TeamMemberAvailability,
  type TeamNoun,
  teamAvailability,
} from './presence-view.js'
export {
  canViewPresence,
  hiddenPresence,
  type PresenceRecord,
  type PresenceView,
  type PrivacyContext,
  type Relationship,
  redactPresence,
} from './privacy.js'
export {
  createMemoryRateLimitStore,
  createRateLimiter,
  DEFAULT_STATUS_LIMIT,
  type MemoryRateLimitStoreOptions,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitHit,
  type RateLimitResult,
  type RateLimitStore,
} from './rate-limiter.js'
export { type RouteHandlers, toRouteHandlers } from './route-handlers.js'
export {
  activitySchema,
  customStatusSchema,
  DEFAULT_PRESENCE_SETTINGS,
  heartbeatSchema,
  idSchema,
  lastSeenQuerySchema,
  MAX_NOTIFICATION_ID_LENGTH,
  notificationIdSchema,
  type PresenceSettings,
  parseInput,
  roomIdSchema,
  type SettingsUpdate,
  type StatusUpdate,
  settingsSchema,
  settingsUpdateSchema,
  statusSchema,
  statusUpdateSchema,
  VISIBILITIES,
  type Visibility,
} from './schemas.js'
export {
  type CredentialIssuer,
  type CredentialIssuerOptions,
  type CredentialRequest,
  createCredentialIssuer,
  DEFAULT_CREDENTIAL_TTL_MS,
  generateSigningKey,
  type IssuedCredential,
  MAX_CREDENTIAL_LENGTH,
  MAX_CREDENTIAL_ROOMS,
  parseSigningKeys,
  SESSION_CREDENTIAL_AUDIENCE,
  SESSION_CREDENTIAL_TYPE,
  type SessionCredentialClaims,
  type SessionPublicJwk,
  type SigningKey,
  sessionPublicKeySchema,
} from './session-credentials.js'
export {
  type MayEnterRooms,
  type SessionCredentialResponse,
  type SessionEndpointOptions,
  sessionRequestSchema,
  teamRoomsMayEnter,
} from './session-routes.js'
export type {
  EventQuery,
  PresenceStore,
  RecordStatusResult,
  StatusChange,
  StatusEvent,
  StoredPresence,
  TargetPresence,
  TeamMember,
} from './store.js'
export {
  broadcastUrgent,
  type RoutedBecause,
  type RoutedRecipient,
  type UrgentBroadcastOptions,
  type UrgentBroadcastResult,
  type UrgentNotificationPayload,
} from './urgent-broadcast.js'
export {
  isTimeZone,
  type WallTime,
  wallTimeToEpoch,
  type ZonedParts,
  zonedParts,
} from './zoned-time.js'
