/**
 * useMyPresence: your own presence and the setters that change it. One `status` listener per client
 * keeps the value all components read, so they share one object until the client reports a change.
 */
import type { PresenceClient, SelfPresence } from '@wedsync/presence-core'
import { useMemo, useSyncExternalStore } from 'react'
import { usePresenceClient } from './context.js'

export interface MyPresenceActions {
  /** `busy` or `away` by hand, on every device of yours; `null` = automatic again. */
  readonly setStatus: PresenceClient['setStatus']
  readonly setCustomStatus: PresenceClient['setCustomStatus']
  readonly setActivity: PresenceClient['setActivity']
}

interface SelfStore {
  readonly get: () => SelfPresence
  readonly subscribe: (listener: () => void) => () => void
}

const selves = new WeakMap<PresenceClient, SelfStore>()

/**
 * `client.me()` builds a new object on every call, so the store keeps the one the client last
 * reported. The client reports when anything but `lastInputAt` changes (input alone re-renders
 * nothing), so `lastInputAt` is as of the last status change.
 */
function selfStore(client: PresenceClient): SelfStore {
  let store = selves.get(client)
  if (store) return store
  const listeners = new Set<() => void>()
  let current = client.me()
  // Lives as long as the client (its emitter is cleared on destroy): the value is never stale,
  // even when read by a component that has not subscribed yet.
  client.on('status', (me) => {
    current = me
    for (const listener of Array.from(listeners)) listener()
  })
  store = {
    get: () => current,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
  selves.set(client, store)
  return store
}

/** `[me, { setStatus, setCustomStatus, setActivity }]`; the setters keep their identity. */
export function useMyPresence(): readonly [SelfPresence, MyPresenceActions] {
  const client = usePresenceClient()
  const store = selfStore(client)
  const me = useSyncExternalStore(store.subscribe, store.get, store.get)
  const actions = useMemo<MyPresenceActions>(
    () => ({
      setStatus: (status) => client.setStatus(status),
      setCustomStatus: (custom) => client.setCustomStatus(custom),
      setActivity: (activity) => client.setActivity(activity),
    }),
    [client],
  )
  return [me, actions]
}
