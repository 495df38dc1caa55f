/**
 * PresenceRoom: the shell around one room's pure state. It feeds transport events through the
 * room-state functions, owns the lease-expiry timer and the transport room, and tells its
 * publisher (room-publisher.ts: budget, heartbeat, track calls) when a membership starts or ends;
 * broadcasts are room-broadcast.ts's. All timers run on the injected scheduler.
 * One direction: the client hands views in (`publish`); the room hands back data (`onAdoptable`)
 * and tells two sinks (errors, leave), never asking the client anything.
 * Invariants: a visibility narrower than `everyone` publishes nothing in a room that is not
 * private; a receipt goes out only while our own presence is confirmed in the room (`confirmable`);
 * a re-join on a visibility change keeps the room's identity, subscriptions and snapshot, and
 * ignores the replaced room's events.
 */
import { EventEmitter } from 'eventemitter3'
import type { SessionEntry } from './aggregation.js'
import { BROADCAST_EVENT, RECEIPT_EVENT } from './broadcast.js'
import { DeadlineQueue } from './deadline-queue.js'
import { createDeadlineTimer } from './deadline-timer.js'
import { PresenceError } from './errors.js'
import type { HeartbeatPolicy } from './heartbeat-policy.js'
import type {
  Clock,
  PresenceEvent,
  PresenceTransport,
  Scheduler,
  TransportRoom,
  TransportStatus,
  TransportStatusDetail,
} from './ports.js'
import type { PublishedView } from './published-view.js'
import { type BroadcastMeta, type BroadcastOptions, createBroadcaster } from './room-broadcast.js'
import { createPublisher } from './room-publisher.js'
import {
  applyPresenceEvent,
  createRoomState,
  expireLeases,
  type RoomState,
  type RoomStateOptions,
  type RoomUpdate,
  sessionsOf,
} from './room-state.js'
import type { Activity, BroadcastReport, MemberPresence, RoomSnapshot } from './types.js'

/** What every room of a client is made with: identity, time, policies, the transport, two sinks. */
export interface RoomConfig {
  readonly userId: string
  readonly sessionId: string
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly heartbeat: HeartbeatPolicy
  readonly roomOptions: RoomStateOptions
  /** The client's transport, wrapped by its trust if it has one: each room opens itself on it. */
  readonly transport: PresenceTransport
  /** Where errors go (the client's `error` event). */
  report(error: PresenceError): void
  /** What `room.leave()` does: the client's ref-counted leave. */
  release(roomId: string): void
}

export interface RoomEvents {
  join: (member: MemberPresence) => void
  leave: (member: MemberPresence) => void
  update: (member: MemberPresence) => void
  sync: (snapshot: RoomSnapshot) => void
  connection: (status: TransportStatus, detail?: TransportStatusDetail) => void
}

export interface PresenceRoom {
  readonly id: string
  /** connecting | joined | reconnecting | closed | error */
  readonly connection: TransportStatus
  getSnapshot(): RoomSnapshot
  /** Called after every new snapshot; for React's useSyncExternalStore. */
  subscribe(listener: () => void): () => void
  member(userId: string): MemberPresence | undefined
  on<E extends keyof RoomEvents>(event: E, listener: RoomEvents[E]): () => void
  /** Sets what you are doing in this room (overrides the client-wide activity here). */
  setActivity(activity: Activity | null): void
  broadcast(event: string, payload: unknown, options?: BroadcastOptions): Promise<BroadcastReport>
  onBroadcast(event: string, handler: (payload: unknown, meta: BroadcastMeta) => void): () => void
  /** Same as `client.leave(room.id)`. */
  leave(): void
}

/** A room as its client holds it: the public room, and what only the client calls. */
export interface RoomHandle {
  readonly room: PresenceRoom
  /**
   * The client's view after a change. What differs from what this room last sent goes out, changes
   * made close together as one update. A private room re-joins when the visibility changed, so the
   * room's authorization (Supabase's RLS track policy, decided at a membership's first track) is
   * asked again.
   */
  publish(view: PublishedView): void
  /**
   * Our user's sessions as this room holds them, after every sync and every event about our key:
   * the client adopts a newer manual or custom status from them (data, not a call into the client).
   */
  onAdoptable(listener: (entries: readonly SessionEntry[]) => void): () => void
  /** Closes the transport room; leaving removes our presence, so no untrack call is spent. */
  dispose(): void
}

/** The room's events, `change` for `subscribe` (a new snapshot or connection status), and `adoptable`. */
type EmitterEvents = RoomEvents & {
  change: () => void
  adoptable: (entries: readonly SessionEntry[]) => void
}

const noop = () => {}

/** Subscribes to a typed emitter and returns the unsubscribe function. */
export function listen<Events extends object>(
  emitter: EventEmitter<Events>,
  event: keyof Events & string,
  listener: (...args: never[]) => void,
): () => void {
  // eventemitter3's typed overloads cannot follow a generic key; callers' own signatures keep it safe.
  const fn = listener as never
  emitter.on(event as never, fn)
  return () => {
    emitter.off(event as never, fn)
  }
}

export function createRoom(
  config: RoomConfig,
  id: string,
  isPrivate: boolean,
  initialView: PublishedView,
  initialActivity?: Activity,
): RoomHandle {
  const { userId, sessionId, clock, scheduler } = config
  const emitter = new EventEmitter<EmitterEvents>()
  let connection: TransportStatus = 'connecting'
  let state: RoomState = createRoomState(id, config.roomOptions)
  let awaitingFreshSync = true
  let disposed = false
  let transport: TransportRoom
  let unsubscribers: (() => void)[] = []

  /** Errors go to the client's `error` event; none once the room is left. */
  const report = (error: PresenceError) => {
    if (!disposed) config.report(error)
  }

  const transportError = (action: string, error: unknown) =>
    new PresenceError('PRESENCE_TRANSPORT_FAILED', `${action} failed in ${id}: ${String(error)}`, {
      cause: error,
    })

  /** Transport callbacks never see our exceptions: they are reported instead (rule 7). */
  const guarded =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A): void => {
      if (disposed) return
      try {
        fn(...args)
      } catch (error) {
        report(error instanceof PresenceError ? error : transportError('handling', error))
      }
    }

  const notify = () => emitter.emit('change')

  const publisher = createPublisher(
    {
      roomId: id,
      isPrivate,
      sessionId,
      clock,
      scheduler,
      policy: config.heartbeat,
      snapshot: () => state.snapshot,
      track: (meta) => transport.track(meta),
      untrack: () => transport.untrack(),
      transportError,
      report,
    },
    initialView,
    initialActivity,
  )

  const broadcaster = createBroadcaster({
    roomId: id,
    userId,
    sessionId,
    clock,
    scheduler,
    send: (event, message) => transport.send(event, message),
    members: () => state.snapshot.values(),
    // A member with a live session is never offline.
    confirmable: (from, session) =>
      publisher.confirmed() && sessionsOf(state, from).some((e) => e.meta.session === session),
    transportError,
    report,
  })

  /** Each member's deadline, as the room state's updates report them. */
  const deadlines = new DeadlineQueue()
  /** The room's earliest lease or time-bound status (custom status, calendar window). */
  const setExpiry = createDeadlineTimer(
    clock,
    scheduler,
    guarded(() => {
      const now = clock.now()
      commit(expireLeases(state, now, deadlines.takeDue(now)))
    }),
  )

  // ── transport events ────────────────────────────────────────────────────────

  function onStatus(status: TransportStatus, detail?: TransportStatusDetail): void {
    connection = status
    // A (re)join is a new membership on the server: it holds none of our presence and counts
    // presence calls afresh, and the sync that follows is the whole truth.
    if (status === 'joined') awaitingFreshSync = true
    else setExpiry(undefined)
    publisher.membership(status === 'joined')
    emitter.emit('connection', status, detail)
    notify()
  }

  function onPresence(event: PresenceEvent): void {
    const isSync = event.type === 'sync'
    const fresh = isSync && awaitingFreshSync
    if (isSync) awaitingFreshSync = false
    commit(applyPresenceEvent(state, event, clock.now(), { fresh }), isSync)
    if (isSync || event.key === userId) emitter.emit('adoptable', sessionsOf(state, userId))
  }

  function commit(update: RoomUpdate, isSync?: boolean): void {
    for (const rejected of update.rejected)
      report(
        new PresenceError(
          'PRESENCE_PAYLOAD_INVALID',
          `Dropped presence for "${rejected.key}" (${rejected.reason}) in ${id}`,
          { details: { roomId: id, ...rejected } },
        ),
      )
    const { joined, left, updated } = update.changes
    const changed = update.state.snapshot !== state.snapshot
    state = update.state
    for (const { key, at } of update.deadlines)
      if (at === undefined) deadlines.cancel(key)
      else deadlines.schedule(key, at)
    for (const m of joined) emitter.emit('join', m)
    for (const m of left) emitter.emit('leave', m)
    for (const m of updated) emitter.emit('update', m)
    if (changed) notify()
    if (isSync) emitter.emit('sync', state.snapshot)
    scheduleExpiry()
  }

  function scheduleExpiry(): void {
    // Every heartbeat heard pushes the room's earliest lease later: the timer set stays.
    if (connection === 'joined') setExpiry(deadlines.peek())
  }

  // ── publishing (room-publisher.ts) ──────────────────────────────────────────

  /**
   * Asks the room's authorization again: a new transport room replaces this one. The snapshot
   * stays until the new join's fresh sync replaces it; the new room reports `connecting` itself.
   */
  function rejoin(): void {
    for (const unsubscribe of unsubscribers) unsubscribe()
    transport.close().catch(noop)
    connection = 'connecting'
    setExpiry(undefined)
    publisher.membership(false)
    open()
  }

  function publish(next: PublishedView): void {
    if (publisher.setView(next) && isPrivate) rejoin()
    else publisher.sendChanges()
  }

  /** Opens the transport room and listens to it; a room since replaced is no longer heard. */
  function open(): void {
    const opened = config.transport.openRoom(
      id,
      isPrivate ? { key: userId, private: true } : { key: userId },
    )
    transport = opened
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (transport === opened) fn(...args)
      }
    unsubscribers = [
      opened.onStatus(guarded(live(onStatus))),
      opened.onPresence(guarded(live(onPresence))),
      opened.onMessage(BROADCAST_EVENT, guarded(live(broadcaster.receiveEnvelope))),
      opened.onMessage(RECEIPT_EVENT, guarded(live(broadcaster.receiveReceipt))),
    ]
  }

  open()

  const room: PresenceRoom = {
    id,
    get connection() {
      return connection
    },
    getSnapshot: () => state.snapshot,
    subscribe: (listener) => listen(emitter, 'change', listener),
    member: (memberId) => state.snapshot.member(memberId),
    on: (event, listener) => listen(emitter, event, listener),
    setActivity: (next) => publisher.setActivity(next ?? undefined),
    leave: () => config.release(id),
    broadcast: broadcaster.broadcast,
    onBroadcast: broadcaster.onBroadcast,
  }

  return {
    room,
    publish,
    onAdoptable: (listener) => listen(emitter, 'adoptable', listener),
    dispose() {
      if (disposed) return
      broadcaster.close()
      disposed = true
      for (const unsubscribe of unsubscribers) unsubscribe()
      transport.close().catch(noop)
      onStatus('closed')
      emitter.removeAllListeners()
    },
  }
}
