/**
 * @wedsync/presence-server/contract — the contract suites (vitest) every PresenceStore and
 * RateLimitStore passes; run them against your own implementation. Needs vitest. (The
 * NotificationStore's suite moved to `@wedsync/presence-coordination/contract`.)
 */
export {
  type RateLimiterContractSetup,
  runRateLimiterContract,
} from './rate-limit/rate-limiter-contract.js'
export { runPresenceStoreContract, type StoreContractSetup } from './stores/store-contract.js'
