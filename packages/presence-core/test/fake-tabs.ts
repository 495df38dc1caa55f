/**
 * A fake browser for tab-group tests: Web Locks (exclusive, FIFO, `steal`, `signal`) and
 * BroadcastChannel as the specs describe them, in one process. Messages and lock grants are
 * delivered on the microtask queue, as a browser delivers them asynchronously; a fake clock's
 * advance (or `settle`) lets them all land. `crash(tabId)` ends a tab with no goodbye: its locks go,
 * as the browser releases a closed document's locks.
 */
import type { BroadcastChannelLike, LockManagerLike } from '../src/tabs/tab-group.js'

interface Waiter {
  readonly owner: string
  readonly callback: (lock: unknown) => Promise<void>
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
}

interface Held extends Waiter {
  stolen: boolean
}

const abortError = () =>
  Object.assign(new Error('The lock request was aborted'), { name: 'AbortError' })

export interface FakeBrowser {
  /** The locks and channel one tab sees (its requests are its own, for `crash`). */
  tab(tabId: string): { locks: LockManagerLike; channel: (name: string) => BroadcastChannelLike }
  /** Who holds `name` now. */
  holder(name: string): string | undefined
  /** Messages posted so far (malformed ones included). */
  readonly posted: unknown[]
  /** Posts a raw message as a hostile script of the same origin would. */
  inject(name: string, data: unknown): void
  /** The tab is gone with no goodbye: its locks are released, its channels hear nothing more. */
  crash(tabId: string): void
}

export function createFakeBrowser(): FakeBrowser {
  const held = new Map<string, Held>()
  const queues = new Map<string, Waiter[]>()
  const channels = new Map<
    string,
    Set<{ owner: string; listeners: Set<(e: { data: unknown }) => void>; closed: boolean }>
  >()
  const crashed = new Set<string>()
  const posted: unknown[] = []

  function grantNext(name: string): void {
    if (held.has(name)) return
    const queue = queues.get(name) ?? []
    const next = queue.shift()
    if (!next) return
    const lock: Held = { ...next, stolen: false }
    held.set(name, lock)
    queueMicrotask(() => {
      void next.callback({ name }).then(
        (value) => finish(name, lock, () => next.resolve(value)),
        (error) => finish(name, lock, () => next.reject(error)),
      )
    })
  }

  function finish(name: string, lock: Held, settle: () => void): void {
    if (lock.stolen) return // its promise was rejected when stolen
    if (held.get(name) === lock) held.delete(name)
    settle()
    grantNext(name)
  }

  function deliver(name: string, from: string, data: unknown): void {
    posted.push(data)
    for (const port of channels.get(name) ?? []) {
      if (port.owner === from || port.closed || crashed.has(port.owner)) continue
      queueMicrotask(() => {
        if (port.closed || crashed.has(port.owner)) return
        for (const listener of [...port.listeners]) listener({ data: structuredClone(data) })
      })
    }
  }

  return {
    posted,
    holder: (name) => held.get(name)?.owner,
    inject: (name, data) => deliver(name, 'hostile-script', data),
    crash(tabId) {
      crashed.add(tabId)
      for (const [name, queue] of queues)
        queues.set(
          name,
          queue.filter((w) => w.owner !== tabId),
        )
      for (const [name, lock] of held)
        if (lock.owner === tabId) {
          held.delete(name)
          grantNext(name)
        }
    },
    tab(tabId) {
      const locks: LockManagerLike = {
        request(name, options, callback) {
          return new Promise((resolve, reject) => {
            if (crashed.has(tabId)) return
            const waiter: Waiter = { owner: tabId, callback, resolve, reject }
            if (options.steal) {
              const current = held.get(name)
              if (current) {
                current.stolen = true
                held.delete(name)
                queueMicrotask(() => current.reject(abortError()))
              }
              queues.set(name, [waiter, ...(queues.get(name) ?? [])])
              grantNext(name)
              return
            }
            if (options.signal?.aborted) return reject(abortError())
            options.signal?.addEventListener('abort', () => {
              const queue = queues.get(name) ?? []
              if (!queue.includes(waiter)) return // granted already: the signal no longer applies
              queues.set(
                name,
                queue.filter((w) => w !== waiter),
              )
              reject(abortError())
            })
            queues.set(name, [...(queues.get(name) ?? []), waiter])
            grantNext(name)
          })
        },
      }
      const channel = (name: string): BroadcastChannelLike => {
        const port = {
          owner: tabId,
          listeners: new Set<(e: { data: unknown }) => void>(),
          closed: false,
        }
        const ports = channels.get(name) ?? new Set()
        ports.add(port)
        channels.set(name, ports)
        return {
          postMessage: (data) => {
            if (port.closed) throw new Error('InvalidStateError: channel closed')
            if (!crashed.has(tabId)) deliver(name, tabId, data)
          },
          addEventListener: (_type, listener) => {
            port.listeners.add(listener)
          },
          close: () => {
            port.closed = true
            ports.delete(port)
          },
        }
      }
      return { locks, channel }
    },
  }
}
