/**
 * The DOM activity source: turns page input, visibility and network events into `ActivitySignal`s.
 * Input signals are throttled (leading edge, by the injected clock); DOM listeners exist only while
 * someone subscribes; nothing touches `window`/`document` until called, so SSR can import it.
 */
import { createSignalHub, throttleMsOf } from '../activity-signals.js'
import { type ActivitySource, type Clock, systemClock } from '../ports.js'

/** The part of an `EventTarget` the source uses; a real `Window` or `Document` fits. */
export interface DomEventTargetLike {
  addEventListener(type: string, listener: () => void, options?: AddEventListenerOptions): void
  removeEventListener(type: string, listener: () => void, options?: EventListenerOptions): void
}

/** A `Window`-like target: receives input and `online`/`offline` events. */
export interface DomWindowLike extends DomEventTargetLike {
  readonly navigator?: { readonly onLine?: boolean }
}

/** A `Document`-like target: receives `visibilitychange`. */
export interface DomDocumentLike extends DomEventTargetLike {
  readonly visibilityState?: string
}

export interface DomActivitySourceOptions {
  /** Defaults to the global `window`, if any. */
  readonly target?: DomWindowLike
  /** Defaults to the global `document`, if any. */
  readonly document?: DomDocumentLike
  /** At most one `input` signal per this many milliseconds. Default 1000; 0 disables throttling. */
  readonly throttleMs?: number
  readonly clock?: Clock
}

/** An `ActivitySource` whose `current()` is always available. */
export interface DomActivitySource extends ActivitySource {
  /** Read live from the page: `hidden` from `visibilityState`, `online` from `navigator.onLine`. */
  current(): { readonly hidden: boolean; readonly online: boolean }
}

/**
 * Evidence that a person is at the page. Listened to in the capture phase on the window because
 * `focus` and element `scroll` do not bubble, and a page may stop propagation of the others.
 * Passive: the source only observes, so it must never delay scrolling.
 */
const INPUT_EVENTS = [
  'pointerdown',
  'pointermove',
  'keydown',
  'wheel',
  'scroll',
  'touchstart',
  'focus',
] as const
const INPUT_OPTIONS: AddEventListenerOptions = { capture: true, passive: true }
const PASSIVE: AddEventListenerOptions = { passive: true }

/**
 * Creates an activity source over the page. Without a window and a document (server-side
 * rendering, workers) it returns a source that never emits and reports visible and online.
 *
 * Guarantees: at most one `input` per `throttleMs` of clock time across all subscribers (leading
 * edge: the first input after a quiet spell goes out at once); signals reach subscribers in
 * subscription order; a listener that throws does not keep the others from the signal (the first
 * error is rethrown afterwards); unsubscribing is idempotent.
 */
export function createDomActivitySource(options: DomActivitySourceOptions = {}): DomActivitySource {
  const throttleMs = throttleMsOf(options.throttleMs)
  const clock = options.clock ?? systemClock
  // `typeof` guards: a bare `window` would throw a ReferenceError on the server.
  const target = options.target ?? (typeof window === 'undefined' ? undefined : window)
  const doc = options.document ?? (typeof document === 'undefined' ? undefined : document)

  const current = () => ({
    hidden: doc?.visibilityState === 'hidden',
    online: target?.navigator?.onLine !== false,
  })

  if (target === undefined && doc === undefined) {
    return { subscribe: () => () => {}, current }
  }

  const hub = createSignalHub({ throttleMs, clock, attach: () => attach() })
  const emit = hub.emit
  const onInput = () => hub.input()

  const onVisibilityChange = () => {
    const hidden = doc?.visibilityState === 'hidden'
    emit({ type: 'visibility', hidden })
    // Coming back to the page is itself a sign of presence, even before the first click.
    if (!hidden) onInput()
  }
  const onOnline = () => emit({ type: 'network', online: true })
  const onOffline = () => emit({ type: 'network', online: false })

  const attach = () => {
    for (const type of INPUT_EVENTS) target?.addEventListener(type, onInput, INPUT_OPTIONS)
    target?.addEventListener('online', onOnline, PASSIVE)
    target?.addEventListener('offline', onOffline, PASSIVE)
    doc?.addEventListener('visibilitychange', onVisibilityChange, PASSIVE)
    return () => {
      for (const type of INPUT_EVENTS) target?.removeEventListener(type, onInput, INPUT_OPTIONS)
      target?.removeEventListener('online', onOnline, PASSIVE)
      target?.removeEventListener('offline', onOffline, PASSIVE)
      doc?.removeEventListener('visibilitychange', onVisibilityChange, PASSIVE)
    }
  }

  return {
    subscribe: hub.subscribe,
    current,
  }
}
