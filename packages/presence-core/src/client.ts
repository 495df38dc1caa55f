/**
 * createPresenceClient: the one shell that owns time. It holds the local state machine, listens to
 * the activity source, schedules the next automatic change (idle, away, expiries) on the injected
 * scheduler, and keeps ref-counted rooms publishing the session's meta. Each change computes the
 * automatic status once, and from it the published view (handed to every room), its own presence
 * and the next timer; rooms hand back data (sessions to adopt from) and errors, nothing else.
 */
import { EventEmitter } from 'eventemitter3'
import { createDeadlineTimer } from './deadline-timer.js'
import { invalidArgument, PresenceError } from './errors.js'
import { DEFAULT_HEARTBEAT_POLICY, type HeartbeatPolicy } from './heartbeat-policy.js'
import {
  createLocalState,
  type LocalEvent,
  type LocalState,
  reduceLocal,
  selfPresence,
  settingsFromOtherSessions,
} from './local-state.js'
import {
  calendarSchema,
  isValidPresenceKey,
  manualStatusSchema,
  profileSchema,
} from './meta-schema.js'
import type {
  ActivitySource,
  Clock,
  PresenceTransport,
  PresenceTrust,
  Scheduler,
  TrustMode,
} from './ports.js'
import { schedulerFor, systemClock } from './ports.js'
import { type PublishedView, publishedView } from './published-view.js'
import { createRoom, listen, type PresenceRoom, type RoomConfig, type RoomHandle } from './room.js'
import type { RoomStateOptions } from './room-state.js'
import { automaticStatus, DEFAULT_STATUS_POLICY } from './status-policy.js'
import type {
  Activity,
  CalendarBusy,
  CustomStatus,
  ManualStatus,
  PrivacySettings,
  Profile,
  SelfPresence,
} from './types.js'
import {
  check,
  checkActivity,
  checkCustomStatus,
  checkPrivacy,
  roomIdSchema,
} from './validate-input.js'

export interface PresenceClientOptions {
  readonly transport: PresenceTransport
  /** The presence key: one user is one member however many sessions they have. */
  readonly userId: string
  /** One tab, device or process. Default: a random id. */
  readonly sessionId?: string
  readonly profile?: Profile
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Where input and visibility come from; `createDomActivitySource()` in browsers. */
  readonly activity?: ActivitySource
  /** Initial activity for every room (a room's own activity overrides it). */
  readonly initialActivity?: Activity
  /** Default 5 minutes. */
  readonly idleAfterMs?: number
  /** Default 30 minutes. */
  readonly awayAfterMs?: number
  /** A hidden page is idle after this long. Default 1 minute. */
  readonly hiddenIdleAfterMs?: number
  readonly heartbeat?: Partial<HeartbeatPolicy>
  readonly privacy?: PrivacySettings
  /** Room state options: keep offline members (default true), lease bounds. */
  readonly rooms?: RoomStateOptions
  /**
   * Verified presence: `createSessionTrust(...)` from `@wedsync/presence-core/trust`, one per
   * client. Without it every key, meta, broadcast and receipt is its sender's claim (`trust` says
   * `unverified`); see docs/security.md for what each mode can promise.
   */
  readonly trust?: PresenceTrust
}

export interface EnterOptions {
  /** What you are doing in this room: entering a wedding's room says you are viewing it. */
  readonly activity?: Activity
  readonly private?: boolean
}

export interface ClientEvents {
  /** Your own presence changed (status, manual/custom status, activity, privacy). */
  status: (me: SelfPresence) => void
  /** Something was dropped or failed; the client keeps running. */
  error: (error: PresenceError) => void
}

export interface PresenceClient {
  readonly userId: string
  readonly sessionId: string
  /** `verified` when the client was given a trust: only verified presence reaches its rooms. */
  readonly trust: TrustMode
  me(): SelfPresence
  /** `busy` or `away` by hand, applied on every session of the user; `null` = automatic again. */
  setStatus(status: ManualStatus | null): void
  setCustomStatus(custom: CustomStatus | null): void
  setActivity(activity: Activity | null): void
  /**
   * What this session publishes, and to whom. `contacts` and `team` publish only in private rooms
   * (elsewhere: nothing, and a PRESENCE_ROOM_NOT_PRIVATE error). A visibility change re-joins
   * every private room so its authorization is asked again: store the settings on the server
   * (PUT /presence/settings) first, then call this, or the re-join still sees the old ones.
   */
  setPrivacy(privacy: PrivacySettings): void
  /** Busy from the calendar until `until`; a manual status still wins. `null` clears it. */
  setCalendarBusy(calendar: CalendarBusy | null): void
  /** Enters a room, or returns the one already entered (ref-counted: each enter needs a leave). */
  enter(roomId: string, options?: EnterOptions): PresenceRoom
  leave(roomId: string): void
  room(roomId: string): PresenceRoom | undefined
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void
  destroy(): void
}

/** A random session id (crypto.randomUUID is missing outside secure contexts). */
const randomId = (): string =>
  globalThis.crypto?.randomUUID?.() ??
  `s-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`

function checkKey(value: unknown, name: string): string {
  if (isValidPresenceKey(value)) return value
  throw invalidArgument(`${name} must be a valid presence key (1–128 characters)`)
}

function positive(value: number, name: string): number {
  if (Number.isFinite(value) && value > 0) return value
  throw invalidArgument(`${name} must be a positive number (ms)`)
}

/** The defaults with every option that is set in place of its default, vetted by `check`. */
function withDefaults<T extends Record<keyof T, number>>(
  defaults: T,
  given: Partial<T> = {},
  check = (value: number, _name: string) => value,
): T {
  const result = { ...defaults }
  for (const name in defaults) {
    const value = given[name]
    if (value !== undefined) result[name] = check(value, name) as T[typeof name]
  }
  return result
}

/** Creates a presence client for one session of one user. */
export function createPresenceClient(options: PresenceClientOptions): PresenceClient {
  if (typeof options?.transport?.openRoom !== 'function')
    throw invalidArgument('transport must implement openRoom()')
  const userId = checkKey(options.userId, 'userId')
  const sessionId = checkKey(options.sessionId ?? randomId(), 'sessionId')
  const { activity: source, privacy, profile, initialActivity, trust } = options
  if (trust && (typeof trust.wrap !== 'function' || typeof trust.dispose !== 'function'))
    throw invalidArgument('trust must come from createSessionTrust()')
  const clock = options.clock ?? systemClock
  const scheduler = schedulerFor(clock, options.scheduler)
  const policy = withDefaults(DEFAULT_STATUS_POLICY, options, positive)
  const heartbeat = withDefaults(DEFAULT_HEARTBEAT_POLICY, options.heartbeat)
  const emitter = new EventEmitter<ClientEvents>()
  const rooms = new Map<string, { handle: RoomHandle; refs: number }>()
  const initial = source?.current?.()
  let local: LocalState = createLocalState(clock.now(), {
    hidden: initial?.hidden,
    online: initial?.online,
    privacy: privacy ? checkPrivacy(privacy) : undefined,
    profile: profile ? (check(profileSchema, profile, 'profile') as Profile) : undefined,
    activity: initialActivity ? checkActivity(initialActivity) : undefined,
  })
  /** When the local view next changes by time alone (idle, away, expiries). */
  const setLocalTimer = createDeadlineTimer(clock, scheduler, () => apply({ type: 'tick' }))
  let destroyed = false
  const ids = { userId, sessionId }
  // Set by refresh() below, before any room or listener can read them.
  /** What every room publishes: recomputed on each change, never changed in place. */
  let view!: PublishedView
  /** Our own presence as of the last change, and what of it the `status` event compares. */
  let self!: SelfPresence
  let selfKey!: string

  const me = (): SelfPresence => selfPresence(local, clock.now(), policy, ids)

  const assertAlive = () => {
    if (destroyed) throw new PresenceError('PRESENCE_CLIENT_DESTROYED')
  }

  /** Recomputes the view and our own presence: the automatic status once, for both and the timer. */
  function refresh(now: number): void {
    const automatic = automaticStatus(local, now, policy)
    view = publishedView(local, now, policy, automatic)
    self = selfPresence(local, now, policy, ids, automatic)
    const { lastInputAt: _input, ...visible } = self
    selfKey = JSON.stringify(visible)
  }

  /** Signals from the activity source, other sessions and time: ignored once destroyed. */
  function apply(event: LocalEvent): void {
    if (destroyed) return
    const now = clock.now()
    const next = reduceLocal(local, event, now)
    if (next === local && event.type !== 'tick') return
    local = next
    const previousSelf = selfKey
    refresh(now)
    // Every room gets the new view (last input and timing included); each sends only what differs.
    for (const { handle } of rooms.values()) handle.publish(view)
    if (selfKey !== previousSelf) emitter.emit('status', self)
    // Input moves the idle deadline later many times a minute: the timer set stays (deadline-timer).
    setLocalTimer(view.until)
  }

  /** What the app asks for: an error once destroyed. */
  function set(event: LocalEvent): void {
    assertAlive()
    apply(event)
  }

  function release(roomId: string): void {
    const entry = rooms.get(roomId)
    if (!entry || --entry.refs > 0) return
    rooms.delete(roomId)
    entry.handle.dispose()
  }

  const report = (error: PresenceError) => {
    emitter.emit('error', error)
  }

  const roomConfig: RoomConfig = {
    userId,
    sessionId,
    clock,
    scheduler,
    heartbeat,
    roomOptions: options.rooms ?? {},
    // Every room opens through the trust's wrapper: nothing unverified reaches the room state.
    transport: trust
      ? trust.wrap(options.transport, { userId, sessionId, clock, scheduler, report })
      : options.transport,
    report,
    release,
  }

  refresh(clock.now())
  const unsubscribeActivity = source?.subscribe(apply)
  setLocalTimer(view.until)

  return {
    userId,
    sessionId,
    trust: trust ? 'verified' : 'unverified',
    me,
    setStatus: (status) =>
      set({ type: 'set-manual', status: check(manualStatusSchema, status, 'setStatus argument') }),
    setCustomStatus: (custom) => {
      const checked = checkCustomStatus(custom)
      // Would be dropped at once and never shown: almost always an expiry computed wrongly (a
      // time of day in the past, seconds for milliseconds), so it is said rather than ignored.
      const expiresAt = checked?.expiresAt
      if (expiresAt !== undefined && expiresAt <= clock.now())
        throw invalidArgument(
          `setCustomStatus: expiresAt (${new Date(expiresAt).toISOString()}) is already past; ` +
            'give a future time in epoch milliseconds, or leave it out for no expiry',
        )
      set({ type: 'set-custom', custom: checked })
    },
    setActivity: (activity) =>
      set({ type: 'set-activity', activity: activity === null ? null : checkActivity(activity) }),
    // Each room sees a visibility change in the view it is handed, and re-joins if private.
    setPrivacy: (privacy) => set({ type: 'set-privacy', privacy: checkPrivacy(privacy) }),
    setCalendarBusy: (calendar) =>
      set({
        type: 'set-calendar',
        calendar:
          calendar === null ? null : check(calendarSchema, calendar, 'calendar busy window'),
      }),
    enter(roomId, enterOptions = {}) {
      assertAlive()
      check(roomIdSchema, roomId, 'roomId')
      const activity = enterOptions.activity ? checkActivity(enterOptions.activity) : undefined
      const existing = rooms.get(roomId)
      if (existing) {
        existing.refs++
        if (activity) existing.handle.room.setActivity(activity)
        return existing.handle.room
      }
      const handle = createRoom(roomConfig, roomId, enterOptions.private === true, view, activity)
      // The room reports our other sessions as it sees them; a newer manual status among them is ours too.
      handle.onAdoptable((entries) =>
        apply({ type: 'adopt', ...settingsFromOtherSessions(entries, sessionId) }),
      )
      rooms.set(roomId, { handle, refs: 1 })
      return handle.room
    },
    leave: release,
    room: (roomId) => rooms.get(roomId)?.handle.room,
    on: (event, listener) => listen(emitter, event, listener),
    destroy() {
      if (destroyed) return
      destroyed = true
      for (const { handle } of rooms.values()) handle.dispose()
      rooms.clear()
      unsubscribeActivity?.()
      trust?.dispose()
      setLocalTimer(undefined)
      emitter.removeAllListeners()
    },
  }
}
