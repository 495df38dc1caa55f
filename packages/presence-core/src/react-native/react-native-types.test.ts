/**
 * The structural types accept the real modules: these declarations restate, member for member,
 * what React Native (0.7x, with and without the overloads) and @react-native-community/netinfo
 * (11) declare, since neither is a dependency. A mismatch fails typecheck, not just this test.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { AppStateLike, NetInfoLike } from './app-state-activity.js'

type AppStateStatus = 'active' | 'background' | 'inactive' | 'unknown' | 'extension'
type AppStateEvent = 'change' | 'memoryWarning' | 'blur' | 'focus'
interface NativeEventSubscription {
  remove(): void
}

/** react-native's `AppStateStatic` before the overloads. */
interface AppStateStatic {
  currentState: AppStateStatus
  isAvailable: boolean
  addEventListener(
    type: AppStateEvent,
    listener: (state: AppStateStatus) => void,
  ): NativeEventSubscription
}

/** react-native's `AppStateStatic` with one overload per event. */
interface OverloadedAppStateStatic {
  currentState: AppStateStatus
  isAvailable: boolean
  addEventListener(
    type: 'change',
    listener: (state: AppStateStatus) => void,
  ): NativeEventSubscription
  addEventListener(
    type: 'memoryWarning' | 'blur' | 'focus',
    listener: () => void,
  ): NativeEventSubscription
  addEventListener(
    type: 'memoryLevelChange',
    listener: (info: { level: number; levelName: string }) => void,
  ): NativeEventSubscription
}

/** @react-native-community/netinfo's state union (details left out) and default export. */
type NetInfoState =
  | { type: 'unknown'; isConnected: boolean | null; isInternetReachable: null }
  | { type: 'none'; isConnected: false; isInternetReachable: false }
  | { type: 'wifi' | 'cellular'; isConnected: true; isInternetReachable: boolean | null }
interface NetInfoModule {
  configure(configuration: object): void
  fetch(requestedInterface?: string): Promise<NetInfoState>
  refresh(): Promise<NetInfoState>
  addEventListener: (listener: (state: NetInfoState) => void) => () => void
}

describe('the React Native structural types', () => {
  it("accept React Native's AppState, in both declared shapes", () => {
    expectTypeOf<AppStateStatic>().toExtend<AppStateLike>()
    expectTypeOf<OverloadedAppStateStatic>().toExtend<AppStateLike>()
  })

  it("accept NetInfo's default export", () => {
    expectTypeOf<NetInfoModule>().toExtend<NetInfoLike>()
  })
})
