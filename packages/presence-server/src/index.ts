/**
 * @wedsync/presence-server — what server code imports: validators, the privacy checker, the rate
 * limiter, Web-standard request handlers, session credentials and the in-memory stores. No
 * Node-only import: runs in Node, edge runtimes and Deno. Postgres, PGlite, Redis and Node's http
 * server are separate entries (`/postgres`, `/pglite`, `/redis`, `/node`).
 */

export {
  type AvailabilityMember,
  describeTime,
  type MemberAvailability,
  type SummarizeTeamOptions,
  summarizeTeamAvailability,
  type TeamAvailabilitySummary,
} from './availability/team-summary.js'
export {
  canUseHistory,
  type TeamAvailabilityOptions,
  type UsuallyBack,
  type UsuallyBackKit,
} from './availability/usually-back.js'
export {
  checkTimeZone,
  isTimeZone,
  MS,
  type OffsetTable,
  type WallTime,
  wallTimeToEpoch,
  type ZonedParts,
  zonedParts,
  zoneOffsets,
} from './availability/zoned-time.js'
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
} from './credentials/session-credentials.js'
export {
  type VerifiedSession,
  verifySessionCredential,
} from './credentials/verify-session-credential.js'
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
  type Authenticate,
  type AuthFailureReason,
  type AuthResult,
  authError,
  bearerToken,
  createJwtAuthenticator,
  type JwtAuthenticatorOptions,
} from './http/auth.js'
export { DEFAULT_MAX_BODY_BYTES, json, readBody, readJson, stringifyInert } from './http/bodies.js'
export {
  createPresenceHandlers,
  type Handler,
  type PresenceHandlers,
  type PresenceHandlersOptions,
  type RouteInfo,
} from './http/create-handlers.js'
export type {
  ExtraRoute,
  PresenceExtension,
  RouteKit,
  StatusTransition,
  StatusTransitionHook,
} from './http/extensions.js'
export { createMetrics, LATENCY_BUCKETS, type PresenceMetrics } from './http/metrics.js'
export { type RouteHandlers, toRouteHandlers } from './http/next-adapter.js'
export { SESSION_CREDENTIAL_HEADER } from './http/session-header.js'
export {
  type MayEnterRooms,
  type SessionCredentialResponse,
  type SessionEndpointOptions,
  sessionRequestSchema,
  teamRoomsMayEnter,
} from './http/session-routes.js'
export {
  countStatuses,
  DEFAULT_LEASE_MS,
  DEFAULT_TEAM_NOUN,
  resolvePresence,
  summarizeAvailability,
  type TeamAvailability,
  type TeamMemberAvailability,
  type TeamNoun,
} from './privacy/presence-view.js'
export {
  canViewPresence,
  hiddenPresence,
  type PresenceRecord,
  type PresenceView,
  type PrivacyContext,
  type Relationship,
  redactPresence,
} from './privacy/privacy-checker.js'
export { readVisiblePresence, type VisiblePresenceOptions } from './privacy/visible-presence.js'
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
} from './rate-limit/rate-limiter.js'
export { type Migration, quoteSchema, type SqlClient } from './sql/migration-runner.js'
export type {
  EventQuery,
  HeartbeatOptions,
  PresenceStore,
  RecordStatusResult,
  StatusChange,
  StatusEvent,
  StoredPresence,
  SweepOptions,
  SweepResult,
  TargetPresence,
  TeamMember,
} from './stores/presence-store.js'
export {
  aggregateSessions,
  DEFAULT_SESSION_LEASE_MS,
  IMPLICIT_SESSION_ID,
  isLive,
  neverSeen,
  SESSION_GRACE_MS,
  type SessionInputs,
  type StoredSession,
  sessionAfterReport,
  sessionInputsOf,
  sessionStatus,
  type UserAggregate,
  userRowAfter,
} from './stores/session-aggregate.js'
export {
  createUserQueue,
  endSessionChange,
  heartbeatLease,
  heartbeatReviveChange,
  planSessionChange,
  reportChange,
  runSessionChange,
  type SessionChange,
  type SessionChangeIo,
  type SessionChangePlan,
  type SessionChangeResult,
  type SessionEdit,
  type SessionJson,
  type SessionSnapshot,
  type SessionWrite,
  sessionsFromJson,
  sweepClaimed,
  type UserQueue,
  withoutExpired,
} from './stores/session-change.js'
export {
  type SessionSweeper,
  type SessionSweeperOptions,
  startSessionSweeper,
} from './stores/session-sweeper.js'
export { createMemoryStore, type MemoryStoreOptions } from './stores/store-memory.js'
export {
  CUSTOM_STATUS_LIMITS,
  type CustomStatusInput,
  sanitizeCustomStatus,
  sanitizeEmoji,
  sanitizeStatusText,
} from './validation/custom-status.js'
export {
  activitySchema,
  bulkReadSchema,
  customStatusSchema,
  DEFAULT_PRESENCE_SETTINGS,
  heartbeatSchema,
  idSchema,
  lastSeenQuerySchema,
  leaveSchema,
  MAX_NOTIFICATION_ID_LENGTH,
  notificationIdSchema,
  type PresenceSettings,
  parseInput,
  roomIdSchema,
  type SessionInputsBody,
  type SettingsUpdate,
  type StatusUpdate,
  sessionInputsSchema,
  settingsSchema,
  settingsUpdateSchema,
  statusSchema,
  statusUpdateSchema,
  VISIBILITIES,
  type Visibility,
} from './validation/schemas.js'
