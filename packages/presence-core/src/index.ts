/**
 * @wedsync/presence-core — the presence model and its one shell. No DOM, Node or React import at
 * load; browser input comes from `@wedsync/presence-core/browser`.
 */
export {
  aggregateMember,
  LAST_ACTIVE_RESOLUTION_MS,
  nextMemberChangeAt,
  type SessionEntry,
  sameMember,
} from './aggregation.js'
export {
  BROADCAST_EVENT,
  type BroadcastEnvelope,
  buildReport,
  RECEIPT_EVENT,
  type Receipt,
  type Recipient,
  recipientsOf,
} from './broadcast.js'
export {
  type ClientEvents,
  createPresenceClient,
  type EnterOptions,
  type PresenceClient,
  type PresenceClientOptions,
} from './client.js'
export {
  isPresenceError,
  PRESENCE_ERROR_CODES,
  PresenceError,
  type PresenceErrorCode,
} from './errors.js'
export {
  budgetAvailableAt,
  type CallBudget,
  type CallKind,
  callsInWindow,
  DEFAULT_HEARTBEAT_POLICY,
  EMPTY_BUDGET,
  type GhostBound,
  ghostBound,
  type HeartbeatPolicy,
  heartbeatIntervalFor,
  leaseFor,
  spendBudget,
} from './heartbeat-policy.js'
export {
  createLocalState,
  type LocalEvent,
  type LocalState,
  nextLocalChangeAt,
  reduceLocal,
  selfPresence,
} from './local-state.js'
export {
  isValidPresenceKey,
  MAX_CLOCK_SKEW_MS,
  META_LIMITS,
  type MetaParseResult,
  parseSessionMeta,
  type SessionMeta,
  type Stamped,
  sessionMetaSchema,
} from './meta-schema.js'
export {
  type ActivitySignal,
  type ActivitySource,
  type Clock,
  type OpenRoomOptions,
  type PresenceEvent,
  type PresenceState,
  type PresenceTransport,
  type PresenceTrust,
  type Scheduler,
  schedulerFor,
  systemClock,
  systemScheduler,
  type TransportMeta,
  type TransportRoom,
  type TransportStatus,
  type TransportStatusDetail,
  type TrustMode,
  type TrustSession,
} from './ports.js'
export { toSessionMeta } from './published-view.js'
export type { PresenceRoom, RoomEvents } from './room.js'
export type { BroadcastMeta, BroadcastOptions } from './room-broadcast.js'
export {
  applyJoin,
  applyLeave,
  applyPresenceEvent,
  applySync,
  createRoomState,
  expireLeases,
  nextDeadline,
  type RejectedMeta,
  type RoomDeadline,
  type RoomState,
  type RoomStateOptions,
  type RoomUpdate,
  roomStateFrom,
  type SyncOptions,
} from './room-state.js'
export { CUSTOM_STATUS_MAX_GRAPHEMES, graphemes, sanitizeText } from './sanitize.js'
export {
  automaticStatus,
  DEFAULT_STATUS_POLICY,
  effectiveStatus,
  type InputState,
  isCalendarBusy,
  isCustomStatusActive,
  nextAutomaticChangeAt,
  type StatusPolicy,
} from './status-policy.js'
export * from './types.js'
