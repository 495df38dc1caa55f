/**
 * A fake activity source: the test says when the user typed, hid the page or lost the network.
 * Every control call emits its signal synchronously to every subscriber, even when the state does
 * not change, so a consumer's handling of repeated signals can be tested too.
 */
import type { ActivitySignal, ActivitySource } from '@wedsync/presence-core'

export interface FakeActivityOptions {
  /** Page hidden at the start. Default false. */
  readonly hidden?: boolean
  /** Network online at the start. Default true. */
  readonly online?: boolean
}

export interface FakeActivity extends ActivitySource {
  current(): { readonly hidden: boolean; readonly online: boolean }
  /** The user typed, clicked or scrolled. */
  input(): void
  /** The page became hidden (tab in the background, screen locked). */
  hide(): void
  show(): void
  goOffline(): void
  goOnline(): void
  /** Subscriptions not yet ended: lets a test check that a consumer cleans up. */
  listenerCount(): number
}

export function createFakeActivity(options: FakeActivityOptions = {}): FakeActivity {
  let hidden = options.hidden ?? false
  let online = options.online ?? true
  // One entry per subscribe call, so the same function subscribed twice is two subscriptions.
  const listeners = new Set<{ readonly listener: (signal: ActivitySignal) => void }>()

  function emit(signal: ActivitySignal): void {
    for (const entry of [...listeners]) {
      if (listeners.has(entry)) entry.listener(signal)
    }
  }

  return {
    subscribe(listener) {
      const entry = { listener }
      listeners.add(entry)
      return () => {
        listeners.delete(entry)
      }
    },
    current: () => ({ hidden, online }),
    input: () => emit({ type: 'input' }),
    hide() {
      hidden = true
      emit({ type: 'visibility', hidden: true })
    },
    show() {
      hidden = false
      emit({ type: 'visibility', hidden: false })
    },
    goOffline() {
      online = false
      emit({ type: 'network', online: false })
    },
    goOnline() {
      online = true
      emit({ type: 'network', online: true })
    },
    listenerCount: () => listeners.size,
  }
}
