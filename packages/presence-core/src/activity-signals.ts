/**
 * What every activity source shares (the DOM one, the React Native one): subscriptions that attach
 * the platform's listeners on the first subscriber and detach them on the last, a fan-out in which
 * every subscriber hears a signal even when one throws, and input throttled on the clock.
 * Platform-free: it reads no global, so any entry may use it.
 */
import { PresenceError } from './errors.js'
import type { ActivitySignal, Clock } from './ports.js'

const DEFAULT_THROTTLE_MS = 1000

/** `throttleMs` as given, checked, or the default (one input signal a second). */
export function throttleMsOf(value: number | undefined): number {
  const throttleMs = value ?? DEFAULT_THROTTLE_MS
  if (!Number.isFinite(throttleMs) || throttleMs < 0) {
    throw new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      `throttleMs must be a finite number ≥ 0, got ${throttleMs}`,
    )
  }
  return throttleMs
}

export interface SignalHub {
  /** Signals reach subscribers in subscription order; the first error is rethrown afterwards. */
  emit(signal: ActivitySignal): void
  /** An `input` signal, at most one per `throttleMs` of clock time (leading edge). */
  input(): void
  /** Idempotent unsubscribe; the first subscriber attaches, the last detaches. */
  subscribe(listener: (signal: ActivitySignal) => void): () => void
  /** How many subscriptions there are. */
  readonly size: number
}

export function createSignalHub(options: {
  readonly throttleMs: number
  readonly clock: Clock
  /** Adds the platform's listeners; returns how to remove them. */
  readonly attach: () => () => void
}): SignalHub {
  const { throttleMs, clock, attach } = options
  // One entry per subscription, so the same function subscribed twice is two subscriptions.
  const subscribers = new Set<{ readonly listener: (signal: ActivitySignal) => void }>()
  let lastInputAt: number | undefined
  let detach: (() => void) | undefined

  const emit = (signal: ActivitySignal) => {
    let failed = false
    let firstError: unknown
    // A snapshot, so a subscriber added during dispatch does not see a signal from before it
    // subscribed; the `has` check skips one removed during dispatch.
    for (const entry of [...subscribers]) {
      if (!subscribers.has(entry)) continue
      try {
        entry.listener(signal)
      } catch (error) {
        if (!failed) firstError = error
        failed = true
      }
    }
    if (failed) throw firstError
  }

  return {
    emit,
    input() {
      const now = clock.now()
      // `now < lastInputAt`: the wall clock was set back; without this, input would stay silenced
      // until the clock caught up again.
      if (lastInputAt === undefined || now - lastInputAt >= throttleMs || now < lastInputAt) {
        lastInputAt = now
        emit({ type: 'input' })
      }
    },
    subscribe(listener) {
      const entry = { listener }
      subscribers.add(entry)
      if (subscribers.size === 1) detach = attach()
      return () => {
        if (!subscribers.delete(entry)) return
        if (subscribers.size > 0) return
        detach?.()
        detach = undefined
        // A later subscriber starts afresh: its first input is not swallowed by an old window.
        lastInputAt = undefined
      }
    },
    get size() {
      return subscribers.size
    },
  }
}
