/**
 * @wedsync/presence-coordination/contract — the contract suites (vitest) every NotificationStore
 * and WebhookStore passes; run them against your own implementation. Needs vitest.
 */
export {
  type NotificationStoreFixture,
  runNotificationStoreContract,
} from './notifications/notification-store-contract.js'
export {
  runWebhookStoreContract,
  type WebhookStoreFixture,
} from './webhooks/webhook-store-contract.js'
