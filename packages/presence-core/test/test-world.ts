/**
 * A small world for client tests: a fake clock, an in-memory hub and suppliers with fake activity.
 * Imported from presence-testing's source (see vitest.config.ts for why it is not a dependency).
 */
import {
  createFakeActivity,
  createFakeClock,
  createMemoryHub,
  type FakeActivity,
  type PresenceLimit,
} from '@wedsync/presence-testing'
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceClientOptions,
} from '../src/client.js'
import type { PresenceError } from '../src/errors.js'

export const ROOM = 'wedding:123'
export const MINUTE = 60_000

export interface Supplier {
  readonly client: PresenceClient
  readonly activity: FakeActivity
  readonly errors: PresenceError[]
  readonly label: string
}

export interface WorldOptions {
  readonly presenceLimit?: Partial<PresenceLimit> | false
  readonly serverTimeoutMs?: number | false
  readonly start?: number
}

export function createWorld(hubOptions: WorldOptions = {}) {
  const { start = Date.UTC(2026, 5, 12, 9, 0), ...hub_ } = hubOptions
  const clock = createFakeClock(start)
  const hub = createMemoryHub({ clock, ...hub_ })
  const suppliers: Supplier[] = []
  function supplier(
    userId: string,
    options: Partial<PresenceClientOptions> & { label?: string } = {},
  ): Supplier {
    const label = options.label ?? `${userId}#${suppliers.length}`
    const activity = createFakeActivity()
    const errors: PresenceError[] = []
    const client = createPresenceClient({
      transport: hub.connect(label),
      userId,
      clock,
      activity,
      ...options,
    })
    client.on('error', (e) => errors.push(e))
    const s = { client, activity, errors, label }
    suppliers.push(s)
    return s
  }
  /** Keeps these suppliers active minute by minute while time passes. */
  async function workFor(ms: number, active: readonly Supplier[] = []) {
    const end = clock.now() + ms
    while (clock.now() < end) {
      for (const s of active) s.activity.input()
      await clock.advance(Math.min(MINUTE, end - clock.now()))
    }
  }
  return { clock, hub, supplier, workFor, suppliers }
}
