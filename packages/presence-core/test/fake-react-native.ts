/**
 * Hand-written fakes of React Native's `AppState` and NetInfo that behave like the real modules:
 * `currentState` changes before listeners hear it, events are delivered synchronously in
 * subscription order, and `remove()` / the unsubscribe function is idempotent.
 */
import type {
  AppStateLike,
  ConnectivityStateLike,
  NetInfoLike,
} from '../src/react-native/app-state-activity.js'

export type FakeAppStateStatus = 'active' | 'background' | 'inactive' | 'unknown' | 'extension'

export interface FakeAppState extends AppStateLike {
  currentState: FakeAppStateStatus | null
  /** What the OS does: sets `currentState`, then tells every `change` listener. */
  change(state: FakeAppStateStatus): void
  /** `change` listeners currently registered. */
  listenerCount(): number
}

export function createFakeAppState(initial: FakeAppStateStatus | null = 'active'): FakeAppState {
  const listeners = new Set<{ readonly listener: (state: string) => void }>()
  const fake: FakeAppState = {
    currentState: initial,
    addEventListener(type, listener) {
      // RN throws for an unknown event type; only 'change' is used here.
      if (type !== 'change') throw new Error(`fake AppState: unexpected event ${String(type)}`)
      const entry = { listener }
      listeners.add(entry)
      return { remove: () => void listeners.delete(entry) }
    },
    change(state) {
      fake.currentState = state
      for (const { listener } of [...listeners]) listener(state)
    },
    listenerCount: () => listeners.size,
  }
  return fake
}

export interface FakeNetInfo extends NetInfoLike {
  /** Reports a new connectivity state to every listener. */
  report(state: ConnectivityStateLike & { readonly type?: string }): void
  listenerCount(): number
}

/**
 * Like NetInfo, a new listener first hears the latest state (the real module does so shortly
 * after subscribing; here at once, so tests need no waiting), then every report.
 */
export function createFakeNetInfo(
  initial: ConnectivityStateLike & { readonly type?: string } = { isConnected: true },
): FakeNetInfo {
  let latest = initial
  const listeners = new Set<{ readonly listener: (state: ConnectivityStateLike) => void }>()
  return {
    addEventListener(listener) {
      const entry = { listener }
      listeners.add(entry)
      listener(latest)
      return () => void listeners.delete(entry)
    },
    report(state) {
      latest = state
      for (const { listener } of [...listeners]) listener(state)
    },
    listenerCount: () => listeners.size,
  }
}
