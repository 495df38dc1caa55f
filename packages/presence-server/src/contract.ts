/**
 * @wedsync/presence-server/contract — the contract suites (vitest) every PresenceStore,
 * RateLimitStore and NotificationStore passes; run them against your own implementation. Needs
 * vitest.
 */

export {
  type NotificationStoreFixture,
  runNotificationStoreContract,
} from './notification-store-contract.js'
export { type RateLimiterContractSetup, runRateLimiterContract } from './rate-limiter-contract.js'
export { runPresenceStoreContract, type StoreContractSetup } from './store-contract.js'
