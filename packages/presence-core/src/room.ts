/**
 * PresenceRoom: the shell around one room's pure state. It feeds transport events through the
 * room-state functions, owns the room's timers (coalesced publish, heartbeat, lease expiry) on the
 * injected scheduler, spends presence calls from the budget, and runs broadcasts with receipts.
 * Invariants: a visibility narrower than `everyone` publishes nothing in a room that is not
 * private; a receipt goes out only while our own presence is confirmed in the room, to a sender
 * present there, within the receipt throttle (see `mayConfirm`); a re-join on a visibility change
 * keeps the room's identity, subscriptions and snapshot, and ignores the replaced room's events.
 */
import { EventEmitter } from 'eventemitter3'
import type { ZodMiniType } from 'zod/mini'
import type { SessionEntry } from './aggregation.js'
import {
  BROADCAST_EVENT,
  type BroadcastEnvelope,
  broadcastEnvelopeSchema,
  buildReport,
  eventSchema,
  expectsReceipt,
  RECEIPT_EVENT,
  type Receipt,
  receiptSchema,
  recipientsOf,
} from './broadcast.js'
import { DeadlineQueue } from './deadline-queue.js'
import { createDeadlineTimer } from './deadline-timer.js'
import { PresenceError } from './errors.js'
import {
  budgetAvailableAt,
  type CallKind,
  EMPTY_BUDGET,
  type HeartbeatPolicy,
  heartbeatIntervalFor,
  leaseFor,
  spendBudget,
} from './heartbeat-policy.js'
import { type MetaContext, visibleFingerprint } from './local-state.js'
import type { SessionMeta } from './meta-schema.js'
import type {
  Clock,
  PresenceEvent,
  Scheduler,
  TransportRoom,
  TransportStatus,
  TransportStatusDetail,
} from './ports.js'
import { EMPTY_THROTTLE, takeReceipt } from './receipt-throttle.js'
import {
  applyPresenceEvent,
  createRoomState,
  expireLeases,
  type RoomState,
  type RoomStateOptions,
  type RoomUpdate,
  sessionsOf,
} from './room-state.js'
import type {
  Activity,
  BroadcastReport,
  MemberPresence,
  PrivacySettings,
  RoomSnapshot,
} from './types.js'
import { check } from './validate-input.js'

/** What a room needs from its client: identity, time, the local meta, and where errors go. */
export interface RoomHost {
  readonly userId: string
  readonly sessionId: string
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly heartbeat: HeartbeatPolicy
  readonly roomOptions: RoomStateOptions
  metaFor(ctx: MetaContext): SessionMeta
  isHidden(): boolean
  visibility(): NonNullable<PrivacySettings['visibility']>
  /** Opens the room on the client's transport (wrapped by its trust, if any). */
  open(roomId: string, isPrivate: boolean): TransportRoom
  reportError(error: PresenceError): void
  adoptFrom(entries: readonly SessionEntry[]): void
  release(roomId: string): void
}

export interface BroadcastOptions {
  /** Ask every recipient's devices to confirm, and wait for them. Default false. */
  readonly receipts?: boolean
  /** How long to wait for receipts. Default 2,000 ms. */
  readonly timeoutMs?: number
}

export interface BroadcastMeta {
  readonly id: string
  readonly userId: string
  readonly sessionId: string
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
  /** Something we publish may have changed: coalesce changes made close together into one update. */
  requestPublish(): void
  /**
   * Privacy changed. A private room re-joins when the visibility did, so the room's authorization
   * (Supabase's RLS track policy, decided at a membership's first track) is asked again.
   */
  privacyChanged(visibilityChanged: boolean): void
  /** Closes the transport room; leaving removes our presence, so no untrack call is spent. */
  dispose(): void
}

type BroadcastHandler = (payload: unknown, meta: BroadcastMeta) => void

/** The room's events, and `change` for `subscribe`: a new snapshot or connection status. */
type EmitterEvents = RoomEvents & { change: () => void }

const DEFAULT_RECEIPT_TIMEOUT_MS = 2_000
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
  host: RoomHost,
  id: string,
  isPrivate: boolean,
  initialActivity?: Activity,
): RoomHandle {
  const { userId, sessionId, clock, scheduler, heartbeat: policy } = host
  const emitter = new EventEmitter<EmitterEvents>()
  /** Broadcast handlers by event name. */
  const handlers = new EventEmitter<Record<string, BroadcastHandler>>()
  /** Broadcasts waiting for receipts: each records a receipt from a user, or settles without one. */
  const pending = new Map<string, (user?: string) => void>()
  let connection: TransportStatus = 'connecting'
  let state: RoomState = createRoomState(id, host.roomOptions)
  let activity = initialActivity
  let budget = EMPTY_BUDGET
  let seq = clock.now()
  /** What the tracked meta shows (`visibleFingerprint`); undefined while nothing is tracked. */
  let published: string | undefined
  let awaitingFreshSync = true
  let cancelFlush: (() => void) | undefined
  let broadcastCounter = 0
  let disposed = false
  let transport: TransportRoom
  let unsubscribers: (() => void)[] = []
  /** Bumped by every presence call and membership change: only the latest track's outcome counts. */
  let presenceCall = 0
  /** Our meta is on the server in this membership: the latest track resolved, nothing undid it. */
  let confirmed = false
  /** A visibility narrower than `everyone` in a room that is not private: we publish nothing here. */
  let exposed = false
  let throttle = EMPTY_THROTTLE

  /** Errors go to the client's `error` event; none once the room is left. */
  const report = (error: PresenceError) => {
    if (!disposed) host.reportError(error)
  }

  const transportError = (action: string, error: unknown) =>
    new PresenceError('PRESENCE_TRANSPORT_FAILED', `${action} failed in ${id}: ${String(error)}`, {
      cause: error,
    })

  const transportFailed = (action: string) => (error: unknown) =>
    report(transportError(action, error))

  const dropped = (what: string, details?: unknown) =>
    report(new PresenceError('PRESENCE_PAYLOAD_INVALID', `Dropped ${what} in ${id}`, { details }))

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

  /** The next heartbeat: each publish sets it again. */
  const setHeartbeat = createDeadlineTimer(clock, scheduler, () => flush('heartbeat'))
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
    published = undefined
    unconfirm()
    if (status === 'joined') {
      // A (re)join is a new membership on the server: it holds none of our presence and counts
      // presence calls afresh, and the sync that follows is the whole truth.
      awaitingFreshSync = true
      budget = EMPTY_BUDGET
      flushChange()
    } else stopTimers()
    emitter.emit('connection', status, detail)
    notify()
  }

  function onPresence(event: PresenceEvent): void {
    const isSync = event.type === 'sync'
    const fresh = isSync && awaitingFreshSync
    if (isSync) awaitingFreshSync = false
    commit(applyPresenceEvent(state, event, clock.now(), { fresh }), isSync)
    if (isSync || event.key === userId) host.adoptFrom(sessionsOf(state, userId))
  }

  function commit(update: RoomUpdate, isSync?: boolean): void {
    for (const rejected of update.rejected)
      dropped(`presence for "${rejected.key}" (${rejected.reason})`, { roomId: id, ...rejected })
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

  // ── publishing ──────────────────────────────────────────────────────────────

  function unconfirm(): void {
    presenceCall++
    confirmed = false
  }

  /** Whether we publish nothing here: privacy hides us, or this room is too public for it. */
  const hiddenHere = () => exposed || host.isHidden()

  /** Re-checks `exposed`, reporting each time the room enters that condition. */
  function checkExposed(): void {
    const visibility = host.visibility()
    const was = exposed
    exposed = !isPrivate && visibility !== 'everyone' && !host.isHidden()
    if (exposed && !was)
      report(
        new PresenceError(
          'PRESENCE_ROOM_NOT_PRIVATE',
          `${id} is not private (anyone with the anon key can read it): visibility "${visibility}" publishes nothing there. Enter it with { private: true }.`,
          { details: { roomId: id, visibility } },
        ),
      )
  }

  /**
   * Asks the room's authorization again: a new transport room replaces this one. The snapshot
   * stays until the new join's fresh sync replaces it; the new room reports `connecting` itself.
   */
  function rejoin(): void {
    for (const unsubscribe of unsubscribers) unsubscribe()
    transport.close().catch(noop)
    connection = 'connecting'
    published = undefined
    unconfirm()
    stopTimers()
    open()
  }

  function requestPublish(): void {
    if (connection !== 'joined' || cancelFlush) return
    if (policy.coalesceMs > 0) {
      cancelFlush = scheduler.schedule(policy.coalesceMs, flushChange)
      return
    }
    // No window: changes made in the same task still go out as one update, at the end of the
    // task, without waiting for a timer (a 0 ms timer waits behind a busy event loop's I/O).
    let cancelled = false
    cancelFlush = () => {
      cancelled = true
    }
    queueMicrotask(() => {
      if (!cancelled) flushChange()
    })
  }

  function flushChange(): void {
    flush('change')
  }

  function flush(kind: CallKind): void {
    cancelFlush?.()
    cancelFlush = undefined
    // A left room is closed.
    if (connection !== 'joined') return
    const now = clock.now()
    const hidden = hiddenHere()
    if (hidden && published === undefined) return
    const { size, counts } = state.snapshot
    const roomSize = Math.max(1, size - counts.offline)
    const meta = hidden
      ? undefined
      : host.metaFor({
          sessionId,
          seq: Math.max(seq + 1, now),
          leaseMs: leaseFor(roomSize, policy),
          activity,
        })
    const fingerprint = meta && visibleFingerprint(meta)
    if (kind === 'change' && fingerprint !== undefined && fingerprint === published) return
    const at = budgetAvailableAt(budget, now, kind, policy)
    if (at > now) {
      // Out of budget: try again when a call frees up; never exceed the transport's limit.
      if (kind === 'change') cancelFlush = scheduler.schedule(at - now, flushChange)
      else setHeartbeat(at)
      return
    }
    budget = spendBudget(budget, now, policy)
    published = fingerprint
    if (!meta) {
      setHeartbeat(undefined)
      unconfirm()
      transport.untrack().catch(transportFailed('untrack'))
      return
    }
    seq = meta.seq
    // Only the latest call's outcome counts: a later call, a new status or a re-join supersedes
    // it (a track failing because we closed its room is no news). A re-track in flight keeps the
    // confirmation of the meta it replaces, which is still there.
    const call = ++presenceCall
    transport.track(meta).then(
      () => {
        if (call === presenceCall) confirmed = true
      },
      (error: unknown) => {
        if (call !== presenceCall) return
        confirmed = false
        report(transportError('track', error))
      },
    )
    setHeartbeat(now + heartbeatIntervalFor(roomSize, policy))
  }

  function stopTimers(): void {
    cancelFlush?.()
    cancelFlush = undefined
    setHeartbeat(undefined)
    setExpiry(undefined)
  }

  // ── broadcast ───────────────────────────────────────────────────────────────

  async function broadcast(
    event: string,
    payload: unknown,
    options: BroadcastOptions = {},
  ): Promise<BroadcastReport> {
    if (disposed) throw new PresenceError('PRESENCE_ROOM_LEFT')
    check(eventSchema, event, 'broadcast event')
    const broadcastId = `${sessionId}.${++broadcastCounter}`
    const base = { id: broadcastId, event, sentAt: clock.now() }
    const recipients = recipientsOf(state.snapshot.values(), userId)
    const receipts = !!options.receipts
    const envelope: BroadcastEnvelope = {
      v: 1,
      id: broadcastId,
      event,
      from: userId,
      session: sessionId,
      receipts,
      payload,
    }
    const sent = transport.send(BROADCAST_EVENT, envelope)
    const latencies = new Map<string, number>()
    if (!receipts || !recipients.some(expectsReceipt)) {
      await sent
      return buildReport(base, recipients, latencies)
    }
    return new Promise<BroadcastReport>((resolve, reject) => {
      const cancelTimer = scheduler.schedule(options.timeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS, () =>
        settle(),
      )
      const done = () => {
        cancelTimer()
        pending.delete(broadcastId)
      }
      // Receipts from people who were not recipients are left out of the report by buildReport.
      const settle = (user?: string) => {
        if (user !== undefined) {
          if (!latencies.has(user)) latencies.set(user, clock.now() - base.sentAt)
          if (recipients.some((r) => expectsReceipt(r) && !latencies.has(r.userId))) return
        }
        done()
        resolve(buildReport(base, recipients, latencies))
      }
      pending.set(broadcastId, settle)
      sent.catch((error: unknown) => {
        done()
        reject(transportError('broadcast', error))
      })
    })
  }

  /** Validates a message from another client; a malformed one is dropped and reported (rule 7). */
  function accept<T>(schema: ZodMiniType<T>, raw: unknown, what: string): T | undefined {
    const parsed = schema.safeParse(raw)
    if (parsed.success) return parsed.data
    dropped(`a malformed ${what}`)
  }

  /**
   * Whether to confirm a broadcast from `from`'s `session`. A receipt tells the whole room this
   * session is online, so it goes out only while our presence is published and confirmed here
   * (not hidden, the room's policy did not refuse our track), only to a sender present in the room
   * (a forged sender gets nothing), and within the receipt throttle (no receipt storms).
   */
  function mayConfirm(from: string, session: string): boolean {
    // A member with a live session is never offline.
    if (
      hiddenHere() ||
      !confirmed ||
      !sessionsOf(state, from).some((e) => e.meta.session === session)
    )
      return false
    const decision = takeReceipt(throttle, JSON.stringify([from, session]), clock.now())
    throttle = decision.throttle
    if (decision.report)
      report(
        new PresenceError(
          'PRESENCE_RATE_LIMITED',
          `Too many receipt requests from ${from} in ${id}: receipts withheld`,
          { details: { roomId: id, userId: from, sessionId: session } },
        ),
      )
    return decision.send
  }

  function onEnvelope(raw: unknown): void {
    const envelope = accept(broadcastEnvelopeSchema, raw, 'broadcast')
    if (!envelope || envelope.session === sessionId) return
    const { id: broadcastId, event, from, session } = envelope
    if (envelope.receipts && mayConfirm(from, session)) {
      const receipt: Receipt = {
        v: 1,
        id: broadcastId,
        user: userId,
        session: sessionId,
        to: session,
      }
      transport.send(RECEIPT_EVENT, receipt).catch(transportFailed('receipt'))
    }
    const meta: BroadcastMeta = { id: broadcastId, userId: from, sessionId: session }
    for (const handler of handlers.listeners(event)) {
      try {
        handler((raw as BroadcastEnvelope).payload, meta)
      } catch (error) {
        report(
          new PresenceError('PRESENCE_INVALID_ARGUMENT', `broadcast handler for "${event}" threw`, {
            cause: error,
          }),
        )
      }
    }
  }

  function onReceipt(raw: unknown): void {
    const receipt = accept(receiptSchema, raw, 'receipt')
    if (receipt?.to === sessionId) pending.get(receipt.id)?.(receipt.user)
  }

  /** Opens the transport room and listens to it; a room since replaced is no longer heard. */
  function open(): void {
    const opened = host.open(id, isPrivate)
    transport = opened
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (transport === opened) fn(...args)
      }
    unsubscribers = [
      opened.onStatus(guarded(live(onStatus))),
      opened.onPresence(guarded(live(onPresence))),
      opened.onMessage(BROADCAST_EVENT, guarded(live(onEnvelope))),
      opened.onMessage(RECEIPT_EVENT, guarded(live(onReceipt))),
    ]
  }

  checkExposed()
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
    setActivity(next) {
      activity = next ?? undefined
      requestPublish()
    },
    leave: () => host.release(id),
    broadcast,
    onBroadcast: (event, handler) => listen(handlers, event, handler),
  }

  return {
    room,
    requestPublish,
    privacyChanged(visibilityChanged) {
      checkExposed()
      if (visibilityChanged && isPrivate) rejoin()
      else requestPublish()
    },
    dispose() {
      if (disposed) return
      for (const settle of pending.values()) settle()
      disposed = true
      for (const unsubscribe of unsubscribers) unsubscribe()
      transport.close().catch(noop)
      onStatus('closed')
      emitter.removeAllListeners()
      handlers.removeAllListeners()
    },
  }
}
