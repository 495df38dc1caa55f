/**
 * An in-memory transport hub with Supabase Realtime presence semantics and fault controls. One
 * `connect(label)` is one socket. Presence is echoed, updates are a join of the new ref then a
 * leave of the old, and after every join a `sync` follows; a reconnect never restores presence.
 */
import type {
  Clock,
  OpenRoomOptions,
  PresenceState,
  PresenceTransport,
  Scheduler,
  TransportRoom,
} from '@wedsync/presence-core'
import { createFaultPlan, type HubFaults } from './fault-plan.js'
import { HubEngine, type HubStats, pairKey, type TrackPolicy } from './hub-engine.js'
import type { Connection } from './hub-model.js'
import { createPrng } from './prng.js'
import { type PresenceLimit, SUPABASE_PRESENCE_LIMIT } from './sliding-window.js'

interface MemoryHubCommonOptions {
  /** Presence calls allowed per room membership in a sliding window; `false` turns it off. */
  readonly presenceLimit?: Partial<PresenceLimit> | false
  /** How long the hub keeps a silently disconnected connection's metas. `false`: forever. */
  readonly serverTimeoutMs?: number | false
  /** How long a presence call waits for a reply that cannot come before it rejects. */
  readonly pushTimeoutMs?: number
  /** Seed of the generator behind drop, duplicate and reorder faults. */
  readonly seed?: number
  /** Deliver broadcasts to the sender too (Supabase's `broadcast.self`). */
  readonly echoBroadcast?: boolean
  /** Where errors thrown by listeners go; default: rethrown from a microtask. */
  readonly onListenerError?: (error: unknown) => void
}

/** A clock that can also schedule (the fake clock) needs no separate scheduler. */
export type MemoryHubOptions = MemoryHubCommonOptions &
  (
    | { readonly clock: Clock & Scheduler; readonly scheduler?: Scheduler }
    | { readonly clock: Clock; readonly scheduler: Scheduler }
  )

export interface MemoryTransport extends PresenceTransport {
  readonly label: string
}

export interface DisconnectOptions {
  /**
   * The network vanished without a goodbye (lid shut, cable cut): nobody is told, its metas stay
   * until `serverTimeoutMs`, what it sends is lost and it receives nothing.
   */
  readonly silent?: boolean
}

export type { HubFaults, HubStats, TrackPolicy }

export interface MemoryHub {
  /** Opens a new socket named `label`; labels are unique within a hub. */
  connect(label: string): MemoryTransport
  /**
   * Non-silent: its metas leave at once and its joined rooms go `reconnecting`. Silent: see
   * `DisconnectOptions`. Either way nothing flows until `reconnect`.
   */
  disconnect(label: string, options?: DisconnectOptions): void
  /**
   * Removes the connection's leftover metas (others get the leave), then rejoins each open room:
   * `reconnecting` (if it never heard it was cut), `joined`, a fresh `sync`. Presence is not
   * restored; the client tracks again. On a connected label it forces a drop and rejoin.
   */
  reconnect(label: string): void
  /** Presence events and broadcasts between `a` and `b` are lost both ways; hub state still moves. */
  partition(a: string, b: string): void
  /** Ends all partitions; every connection that was in one gets a fresh `sync` of its rooms. */
  heal(): void
  /** Replaces the current faults; `{}` clears them. Syncs and status events are never dropped. */
  setFaults(faults: HubFaults): void
  /**
   * Refuses tracks the way a room's RLS policy does (see `TrackPolicy`): decided at a
   * membership's first track and kept until it rejoins. `undefined` stops asking; a membership
   * already refused stays refused until it rejoins.
   */
  setTrackPolicy(policy: TrackPolicy | undefined): void
  /** The hub's own presence state of a room (ghosts included). */
  state(roomId: string, options?: { readonly private?: boolean }): PresenceState
  stats(): HubStats
  /** Labels of every connection made, in order. */
  connections(): string[]
  /** Cancels every pending delivery and timer; the hub cannot be used afterwards. */
  dispose(): void
}

export function createMemoryHub(options: MemoryHubOptions): MemoryHub {
  const scheduler = options.scheduler ?? schedulerOf(options.clock)
  const limit = options.presenceLimit
  const engine = new HubEngine({
    clock: options.clock,
    scheduler,
    presenceLimit: limit === false ? undefined : { ...SUPABASE_PRESENCE_LIMIT, ...limit },
    pushTimeoutMs: options.pushTimeoutMs ?? 10_000,
    echoBroadcast: options.echoBroadcast ?? false,
    onListenerError: options.onListenerError,
  })
  const serverTimeoutMs = options.serverTimeoutMs ?? 60_000
  let partitioned = new Set<string>()
  const random = createPrng(options.seed ?? 1)

  function conn(label: string): Connection {
    const found = engine.connections.get(label)
    if (!found) throw new Error(`no connection labelled "${label}"`)
    return found
  }

  function cancelServerTimeout(connection: Connection): void {
    connection.cancelServerTimeout?.()
    connection.cancelServerTimeout = undefined
  }

  function disconnect(label: string, { silent = false }: DisconnectOptions = {}): void {
    const connection = conn(label)
    if (connection.mode === 'down') return
    if (silent) {
      if (connection.mode === 'silent') return
      connection.mode = 'silent'
      if (serverTimeoutMs !== false) {
        connection.cancelServerTimeout = engine.schedule(serverTimeoutMs, () => {
          connection.cancelServerTimeout = undefined
          engine.removeAllMembers(connection)
        })
      }
      return
    }
    cancelServerTimeout(connection)
    connection.mode = 'down'
    engine.removeAllMembers(connection)
    for (const room of connection.rooms) {
      if (room.status !== 'joined') continue
      room.status = 'reconnecting'
      engine.emitStatus(room, 'reconnecting', 0)
    }
  }

  function reconnect(label: string): void {
    const connection = conn(label)
    if (connection.mode === 'up') disconnect(label)
    cancelServerTimeout(connection)
    engine.removeAllMembers(connection) // ghosts of a silent disconnect
    connection.mode = 'up'
    for (const room of connection.rooms) {
      if (room.status === 'joined') {
        // It never heard it was cut off; it learns only now, as its socket reconnects.
        room.status = 'reconnecting'
        engine.emitStatus(room, 'reconnecting', 0)
      }
      engine.beginJoin(room)
    }
  }

  return {
    connect(label) {
      if (engine.connections.has(label)) throw new Error(`connection "${label}" already exists`)
      const connection: Connection = {
        label,
        mode: 'up',
        rooms: new Set(),
        members: new Set(),
        cancelServerTimeout: undefined,
      }
      engine.connections.set(label, connection)
      return {
        label,
        openRoom: (roomId: string, roomOptions: OpenRoomOptions): TransportRoom =>
          engine.openRoom(connection, roomId, roomOptions),
      }
    },
    disconnect,
    reconnect,
    partition(a, b) {
      conn(a)
      conn(b)
      if (a === b) throw new Error('a connection cannot be partitioned from itself')
      engine.partitions.add(pairKey(a, b))
      partitioned.add(a).add(b)
    },
    heal() {
      const labels = partitioned
      partitioned = new Set()
      engine.partitions.clear()
      for (const label of labels) {
        for (const room of conn(label).rooms) {
          if (room.status === 'joined' && room.member) engine.sendSync(room.member)
        }
      }
    },
    setFaults(faults) {
      engine.faults = createFaultPlan(faults, random)
    },
    setTrackPolicy(policy) {
      engine.trackPolicy = policy
    },
    state: (roomId, stateOptions) => engine.state(roomId, stateOptions?.private === true),
    stats: () => ({ ...engine.counters }),
    connections: () => [...engine.connections.keys()],
    dispose: () => engine.dispose(),
  }
}

function schedulerOf(clock: Clock): Scheduler {
  const candidate = clock as Partial<Scheduler>
  if (typeof candidate.schedule !== 'function') {
    throw new TypeError('createMemoryHub needs a scheduler when the clock cannot schedule')
  }
  return { schedule: (delayMs, task) => candidate.schedule!(delayMs, task) }
}
