/**
 * @wedsync/presence-coordination — coordination features over presence-server: presence-aware
 * notification routing (the router, its pure rules, held-notification stores, the
 * `POST /presence/notifications` extension), the urgent broadcast, and insights (availability
 * patterns from recorded history, `historyPatterns` for team availability's "usually back by",
 * meeting-time suggestions), and presence webhooks (subscriptions, a durable outbox, signed
 * delivery, the `/presence/webhooks` extension). Reaches the server only
 * through its public seams (extensions, the status-transition hook, extra migrations). Calendar
 * busy is the `/calendar` entry; browser code the `/browser` entry.
 */
export {
  createPatternSource,
  type HistoryPatternsOptions,
  historyPatterns,
  type PatternSource,
} from './insights/history-patterns.js'
export {
  type AvailabilityPattern,
  availabilityAt,
  availabilityPattern,
  DEFAULT_AVAILABLE,
  forEachLocalHour,
  localCell,
  type PatternOptions,
  type UsuallyBackOptions,
  usuallyBackAt,
} from './insights/insights.js'
export {
  type BusyWindow,
  type MeetingMember,
  type MeetingSlot,
  type SuggestMeetingOptions,
  suggestMeetingTimes,
} from './insights/meeting-times.js'
export { COORDINATION_MIGRATIONS } from './migrations.js'
export {
  DEFAULT_EMERGENCY_LIMIT,
  DEFAULT_RECIPIENT_LIMIT,
  type NotificationEndpointOptions,
  type NotificationRequest,
  notificationEndpoint,
  notificationRequestSchema,
  type SentPayload,
  scopedNotificationId,
  sharesTeamWith,
} from './notifications/notification-endpoint.js'
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
} from './notifications/notification-router.js'
export {
  type ClaimQuery,
  createMemoryNotificationStore,
  type HeldNotification,
  type HoldReason,
  type NotificationRecord,
  type NotificationStore,
} from './notifications/notification-store.js'
export {
  createSqlNotificationStore,
  type SqlNotificationStoreOptions,
} from './notifications/notification-store-sql.js'
export {
  type RemoteNotificationRouter,
  remoteNotificationRouter,
} from './notifications/remote-notification-router.js'
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
} from './notifications/routing-rules.js'
export {
  broadcastUrgent,
  type RoutedBecause,
  type RoutedRecipient,
  type UrgentBroadcastOptions,
  type UrgentBroadcastResult,
  type UrgentNotificationPayload,
} from './notifications/urgent-broadcast.js'
export { type BackoffPolicy, DEFAULT_BACKOFF, retryDelay } from './webhooks/backoff.js'
export {
  type AttemptOutcome,
  createWebhookWorker,
  type WebhookWorker,
  type WebhookWorkerOptions,
} from './webhooks/delivery-worker.js'
export {
  generateWebhookSecret,
  type SignedHeaders,
  signWebhook,
} from './webhooks/signing.js'
export {
  createSubscriptionSchema,
  MAX_FILTER_IDS,
  type PauseReason,
  type ReplayRequest,
  replayRequestSchema,
  updateSubscriptionSchema,
  WEBHOOK_EVENTS,
  type WebhookEventType,
  type WebhookFilter,
  type WebhookSubscription,
} from './webhooks/subscription.js'
export {
  checkWebhookUrl,
  isPrivateHost,
  MAX_WEBHOOK_URL_LENGTH,
  type WebhookUrlPolicy,
} from './webhooks/url-policy.js'
export {
  createWebhookCatchUp,
  type WebhookCatchUp,
  type WebhookCatchUpOptions,
} from './webhooks/webhook-catch-up.js'
export {
  DEFAULT_MAX_SUBSCRIPTIONS,
  MAX_REPLAY,
  publicSubscription,
  type WebhookEndpointOptions,
  type WebhookExtension,
  webhookEndpoint,
} from './webhooks/webhook-endpoint.js'
export {
  type PresenceEventData,
  type PresenceTransition,
  presenceEvents,
  type WebhookPayload,
} from './webhooks/webhook-events.js'
export {
  createWebhookFanOut,
  type FanOutResult,
  type RoomMembers,
  type WebhookFanOut,
  type WebhookFanOutOptions,
} from './webhooks/webhook-fan-out.js'
export {
  createWebhookMetrics,
  DELIVERY_LAG_BUCKETS,
  type WebhookMetrics,
  type WebhookMetricsOptions,
  webhookHealthChecks,
} from './webhooks/webhook-observability.js'
export {
  type ClaimedMessage,
  createMemoryWebhookStore,
  type NewMessage,
  type OutboxStats,
  type SubscriptionRecord,
  type WebhookMessage,
  type WebhookStore,
} from './webhooks/webhook-store.js'
export {
  createSqlWebhookStore,
  type SqlWebhookStoreOptions,
} from './webhooks/webhook-store-sql.js'
