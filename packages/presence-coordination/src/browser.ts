/**
 * @wedsync/presence-coordination/browser — what a browser needs of coordination: the urgent
 * broadcast (live with receipts, then routed) and the server's router reached over HTTP. No
 * server code: no validators, no stores, no Node API.
 */

export type { DeliveryResult, NotificationInput } from './notifications/notification-router.js'
export {
  type RemoteNotificationRouter,
  remoteNotificationRouter,
} from './notifications/remote-notification-router.js'
export type { DeliveryRoute, RoutingDecision, Urgency } from './notifications/routing-rules.js'
export {
  broadcastUrgent,
  type RoutedBecause,
  type RoutedRecipient,
  type UrgentBroadcastOptions,
  type UrgentBroadcastResult,
  type UrgentNotificationPayload,
} from './notifications/urgent-broadcast.js'
