/**
 * @wedsync/presence-coordination/contract — the contract suite (vitest) every NotificationStore
 * passes; run it against your own implementation. Needs vitest.
 */
export {
  type NotificationStoreFixture,
  runNotificationStoreContract,
} from './notifications/notification-store-contract.js'
