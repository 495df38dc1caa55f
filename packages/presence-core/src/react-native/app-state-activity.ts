/**
 * The React Native activity source: turns app state (`AppState`), connectivity (NetInfo) and the
 * app's own touch reports into `ActivitySignal`s. React Native is injected, never imported, so this
 * module loads anywhere; listeners exist only while someone subscribes; input is throttled.
 */
import { createSignalHub, throttleMsOf } from '../activity-signals.js'
import { PresenceError } from '../errors.js'
import { type ActivitySource, type Clock, systemClock } from '../ports.js'

/**
 * The part of React Native's `AppState` module the source uses; `AppState` from `react-native`
 * fits. `currentState` is `'active' | 'background' | 'inactive' | 'unknown' | 'extension'`
 * (null on some old versions before the first event).
 */
export interface AppStateLike {
  readonly currentState: string | null
  addEventListener(type: 'change', listener: (state: string) => void): { remove(): void }
}

/** What the source reads of a connectivity report; NetInfo's `NetInfoState` fits. */
export interface ConnectivityStateLike {
  /** `null` while unknown (NetInfo before its first check): treated as online. */
  readonly isConnected: boolean | null
}

/**
 * A connectivity source: `NetInfo` from `@react-native-community/netinfo` fits, and so does any
 * `{ addEventListener(listener) → unsubscribe }` that reports `{ isConnected }`.
 */
export interface NetInfoLike {
  addEventListener(listener: (state: ConnectivityStateLike) => void): () => void
}

export interface AppStateActivitySourceOptions {
  /** `AppState` from `react-native`. */
  readonly appState: AppStateLike
  /** `NetInfo` from `@react-native-community/netinfo`; without it the app counts as online. */
  readonly netInfo?: NetInfoLike
  /** At most one `input` signal per this many milliseconds. Default 1000; 0 disables throttling. */
  readonly throttleMs?: number
  readonly clock?: Clock
}

/** An `ActivitySource` whose `current()` is always available, plus the app's input report. */
export interface AppStateActivitySource extends ActivitySource {
  /** `hidden` once the app is in the background, `online` from the last connectivity report. */
  current(): { readonly hidden: boolean; readonly online: boolean }
  /**
   * Counts as input: React Native has no global input events, so the app calls this from its
   * root view's `onTouchStartCapture` (or a PanResponder's capture handler, a scroll or a text
   * change). Throttled like the DOM source; needs no `this`, so it can be passed as a handler.
   */
  reportInput(): void
}

/**
 * Whether an app state means hidden; `undefined` keeps what was known. `inactive` (iOS: the app
 * switcher, control centre, an incoming call, and every passage between foreground and background)
 * is brief and often followed by `active` again, so counting it as hidden would make people
 * flicker; a real departure goes on to `background`. `unknown` and `extension` say nothing.
 */
function hiddenFor(state: string | null): boolean | undefined {
  if (state === 'active') return false
  if (state === 'background') return true
  return undefined
}

/**
 * Creates an activity source over React Native's app state and, if given, connectivity.
 *
 * Guarantees: `active` after the background emits `visibility` (visible) then `input`, as a page
 * becoming visible does; `background` emits `visibility` (hidden); a repeated state or a lasting
 * connectivity emits nothing again; at most one `input` per `throttleMs` of clock time (leading
 * edge), whether from `reportInput` or from becoming active. Signals reach subscribers in
 * subscription order; a listener that throws does not keep the others from the signal (the first
 * error is rethrown afterwards); the last unsubscribe removes every listener (idempotent).
 */
export function createAppStateActivitySource(
  options: AppStateActivitySourceOptions,
): AppStateActivitySource {
  // Checked at run time too: a JavaScript app, or a wrong import, gets a clear error here.
  const appState = options?.appState
  const netInfo = options?.netInfo
  if (typeof appState?.addEventListener !== 'function') {
    throw new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      "appState must be React Native's AppState (with addEventListener)",
    )
  }
  if (netInfo !== undefined && typeof netInfo.addEventListener !== 'function') {
    throw new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      'netInfo must have addEventListener(listener) returning an unsubscribe function',
    )
  }
  const throttleMs = throttleMsOf(options.throttleMs)
  const clock = options.clock ?? systemClock

  let hidden = hiddenFor(appState.currentState) ?? false
  // navigator.onLine's counterpart: NetInfo's `isInternetReachable` is left out because it comes
  // from probing a URL, which some networks block while the app itself works.
  let online = true

  const hub = createSignalHub({ throttleMs, clock, attach: () => attach() })
  const emit = hub.emit
  const reportInput = () => {
    if (hub.size > 0) hub.input()
  }

  const onAppState = (state: string) => {
    const next = hiddenFor(state)
    if (next === undefined) return
    if (next !== hidden) {
      hidden = next
      emit({ type: 'visibility', hidden })
    }
    // Opening the app, or coming back to it from the control centre, is itself a sign of presence.
    if (!next) reportInput()
  }

  const onConnectivity = (state: ConnectivityStateLike) => {
    const next = state.isConnected !== false
    if (next === online) return
    online = next
    emit({ type: 'network', online })
  }

  const attach = () => {
    // The state may have moved while nobody listened; `current()` reads it afresh as well.
    hidden = hiddenFor(appState.currentState) ?? hidden
    const subscription = appState.addEventListener('change', onAppState)
    // NetInfo reports the current state soon after subscribing, then every change.
    const unsubscribeNetInfo = netInfo?.addEventListener(onConnectivity)
    return () => {
      subscription.remove()
      unsubscribeNetInfo?.()
    }
  }

  return {
    subscribe: hub.subscribe,
    current() {
      // Without listeners no event updates `hidden`, so it is read from the module then.
      if (hub.size === 0) hidden = hiddenFor(appState.currentState) ?? hidden
      return { hidden, online }
    },
    reportInput,
  }
}
