/**
 * `@wedsync/presence-core/react-native`: the activity source for React Native apps. It takes
 * `AppState` (and optionally NetInfo) by injection, so this entry imports nothing from
 * `react-native`, reads no global at load, and the package does not depend on React Native.
 */

export type { ActivitySignal, ActivitySource } from './ports.js'
export {
  type AppStateActivitySource,
  type AppStateActivitySourceOptions,
  type AppStateLike,
  type ConnectivityStateLike,
  createAppStateActivitySource,
  type NetInfoLike,
} from './react-native/app-state-activity.js'
