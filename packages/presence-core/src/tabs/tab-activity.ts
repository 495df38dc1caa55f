/**
 * The activity of the whole browser, as every tab's client sees it: input in any tab is input
 * (the user is here), and the page is hidden only while every tab of the group is hidden. Each tab
 * wraps its own source (the DOM's) with this, so the leader's status follows the tab the user is in
 * and every follower's client computes the same status the leader publishes.
 * Invariants: a tab that said `bye` no longer keeps the browser visible; the merged visibility is
 * re-emitted only when it changes; network signals stay each tab's own (one browser, one network).
 */
import type { ActivitySignal, ActivitySource } from '../ports.js'
import type { TabGroup } from './tab-group.js'

export interface TabActivity extends ActivitySource {
  /** Whether this tab's own page is hidden. */
  ownHidden(): boolean
  /** Whether `tabId`'s page is hidden, as it last said (undefined: never heard). */
  tabHidden(tabId: string): boolean | undefined
  /** Stops listening to the group and the source. */
  dispose(): void
}

export function createTabActivity(
  group: TabGroup,
  source: ActivitySource | undefined,
): TabActivity {
  const initial = source?.current?.()
  let ownHidden = initial?.hidden ?? false
  const online = initial?.online ?? true
  /** Other tabs' visibility as each last said it. */
  const others = new Map<string, boolean>()
  const listeners = new Set<(signal: ActivitySignal) => void>()

  const mergedHidden = () => ownHidden && [...others.values()].every((hidden) => hidden)
  let lastMerged = mergedHidden()

  const emit = (signal: ActivitySignal) => {
    for (const listener of [...listeners]) listener(signal)
  }
  const emitVisibilityIfChanged = () => {
    const merged = mergedHidden()
    if (merged === lastMerged) return
    lastMerged = merged
    emit({ type: 'visibility', hidden: merged })
  }

  const unsubscribeSource = source?.subscribe((signal) => {
    if (signal.type === 'visibility') {
      ownHidden = signal.hidden
      group.post({ type: 'visibility', hidden: signal.hidden })
      emitVisibilityIfChanged()
      return
    }
    if (signal.type === 'input') group.post({ type: 'input' })
    emit(signal)
  })

  const unsubscribeGroup = group.onMessage((message, from) => {
    switch (message.type) {
      case 'input':
        emit({ type: 'input' })
        return
      case 'hello':
      case 'visibility':
        others.set(from, message.hidden)
        emitVisibilityIfChanged()
        return
      case 'bye':
        others.delete(from)
        emitVisibilityIfChanged()
        return
    }
  })

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    current: () => ({ hidden: mergedHidden(), online }),
    ownHidden: () => ownHidden,
    tabHidden: (tabId) => others.get(tabId),
    dispose() {
      unsubscribeSource?.()
      unsubscribeGroup()
      listeners.clear()
    },
  }
}
