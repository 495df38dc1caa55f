/**
 * A world for hook tests: a fake clock, the in-memory hub, suppliers with fake activity, and a
 * wrapper that puts a client (and the fake clock) in a PresenceProvider, optionally in StrictMode.
 */

import { act } from '@testing-library/react'
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceClientOptions,
  type PresenceError,
} from '@wedsync/presence-core'
import {
  createFakeActivity,
  createFakeClock,
  createMemoryHub,
  type FakeActivity,
  type FakeClock,
  type MemoryHub,
  type MemoryTransport,
} from '@wedsync/presence-testing'
import { type ReactNode, StrictMode } from 'react'
import { PresenceProvider } from '../src/context.js'

export const ROOM = 'wedding:123'
export const MINUTE = 60_000
/** Friday 12 June 2026, 09:00 UTC. */
export const START = Date.UTC(2026, 5, 12, 9, 0)

export interface Supplier {
  readonly client: PresenceClient
  readonly transport: MemoryTransport
  readonly activity: FakeActivity
  readonly errors: PresenceError[]
}

export interface World {
  readonly clock: FakeClock
  readonly hub: MemoryHub
  supplier(userId: string, options?: Partial<PresenceClientOptions>): Supplier
  /** Lets time pass inside act, so React sees what the clock's timers did. */
  advance(ms: number): Promise<void>
  /** Runs what is due now (hub deliveries, microtasks) inside act. */
  flush(): Promise<void>
  dispose(): void
}

export function createWorld(): World {
  const clock = createFakeClock(START)
  const hub = createMemoryHub({ clock, presenceLimit: false })
  const clients: PresenceClient[] = []
  return {
    clock,
    hub,
    supplier(userId, options = {}) {
      const activity = createFakeActivity()
      const errors: PresenceError[] = []
      const transport = hub.connect(`${userId}#${clients.length}`)
      const client = createPresenceClient({
        transport,
        userId,
        clock,
        activity,
        ...options,
      })
      client.on('error', (e) => errors.push(e))
      clients.push(client)
      return { client, transport, activity, errors }
    },
    advance: (ms) => act(() => clock.advance(ms)),
    flush: () => act(() => clock.flush()),
    dispose() {
      for (const client of clients) client.destroy()
      hub.dispose()
    },
  }
}

/** A `wrapper` for render/renderHook: the client in a provider on the world's clock. */
export function providerFor(client: PresenceClient, clock: FakeClock, strict = false) {
  // biome-ignore lint/correctness/noComponentHookFactories: render's `wrapper` takes a component, made per client.
  return function Wrapper({ children }: { children?: ReactNode }) {
    const tree = (
      <PresenceProvider client={client} clock={clock}>
        {children}
      </PresenceProvider>
    )
    return strict ? <StrictMode>{tree}</StrictMode> : tree
  }
}
