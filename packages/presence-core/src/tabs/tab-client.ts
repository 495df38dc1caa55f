/**
 * createTabPresenceClient: a PresenceClient for one tab of a browser where the user may have many.
 * The tabs form a group (tab-group.ts) and one of them leads: its session is the one the rooms see,
 * publishing and heartbeating for the whole browser. The others feed it:
 * - activity: input in any tab counts, and the browser is hidden only when every tab is
 *   (tab-activity.ts), so every tab's client computes the status the leader publishes;
 * - settings: `setStatus` and the other settings made in any tab are applied in every tab;
 * - rooms: the leader enters every room any tab has entered, with that tab's activity there.
 * Every tab still joins its own rooms and hears everything (members, broadcasts); only presence
 * calls and receipts are the leader's (tab-transport.ts). When the leader closes, the browser hands
 * its lock to the next tab, which publishes what its client holds at once. A leader hidden for
 * `hiddenLeaderMs` while another tab is visible hands over to that tab, whose timers the browser
 * does not throttle, so throttled background timers never let the user's lease run out.
 * Invariants: nothing arriving from another tab bypasses the client's own argument checks (a bad
 * value is reported, never applied); only this tab's app can destroy this tab's client.
 */
import { EventEmitter } from 'eventemitter3'
import {
  type ClientEvents,
  createPresenceClient,
  type EnterOptions,
  type PresenceClient,
  type PresenceClientOptions,
} from '../client.js'
import { invalidArgument, PresenceError } from '../errors.js'
import { schedulerFor, systemClock } from '../ports.js'
import { listen, type PresenceRoom } from '../room.js'
import type { Activity, PrivacySettings } from '../types.js'
import { createTabActivity } from './tab-activity.js'
import { createTabGroup, type TabGroup } from './tab-group.js'
import type { TabMessage, TabRoom, TabSetting } from './tab-messages.js'
import { createTabTransport } from './tab-transport.js'

export interface TabPresenceClientOptions extends PresenceClientOptions {
  /**
   * The group of this user's tabs, one per client (the client closes it when destroyed). Default:
   * `createTabGroup({ name: userId })`.
   */
  readonly tabs?: TabGroup
  /** A visible tab takes the lead from a leader hidden this long. Default 30 s. */
  readonly hiddenLeaderMs?: number
}

export interface TabPresenceClient extends PresenceClient {
  readonly tabs: TabGroup
  /** Whether this tab publishes for the browser now. */
  isLeader(): boolean
}

const DEFAULT_HIDDEN_LEADER_MS = 30_000
/** How long a tab that stopped leading keeps its presence after hearing the new leader. */
const HANDOVER_GRACE_MS = 5_000

/** One room this tab's app has entered, as the leader needs to know it. */
interface OwnRoom {
  refs: number
  readonly private: boolean
  activity: Activity | undefined
}

export function createTabPresenceClient(options: TabPresenceClientOptions): TabPresenceClient {
  const hiddenLeaderMs = options.hiddenLeaderMs ?? DEFAULT_HIDDEN_LEADER_MS
  if (!(Number.isFinite(hiddenLeaderMs) && hiddenLeaderMs > 0))
    throw invalidArgument('hiddenLeaderMs must be a positive number (ms)')
  const group = options.tabs ?? createTabGroup({ name: String(options.userId) })
  const scheduler = schedulerFor(options.clock ?? systemClock, options.scheduler)
  const errors = new EventEmitter<Pick<ClientEvents, 'error'>>()
  const report = (error: PresenceError) => {
    errors.emit('error', error)
  }
  const activity = createTabActivity(group, options.activity)
  const transport = createTabTransport(options.transport, group.isLeader, (action, error) =>
    report(
      new PresenceError('PRESENCE_TRANSPORT_FAILED', `${action} on taking or giving up the lead`, {
        cause: error,
      }),
    ),
  )
  let client: PresenceClient
  try {
    client = createPresenceClient({ ...options, activity, transport })
  } catch (error) {
    activity.dispose()
    group.close()
    throw error
  }
  let privacy: PrivacySettings | undefined = options.privacy
  let destroyed = false

  // ---- settings: made in one tab, applied in all ----

  /** Applies a setting through the client's own checks; what fails is reported, not applied. */
  function applySetting(name: TabSetting, value: unknown, from: string): void {
    try {
      ;(client[name] as (value: unknown) => void)(value)
      if (name === 'setPrivacy') privacy = value as PrivacySettings
    } catch (error) {
      report(
        new PresenceError('PRESENCE_PAYLOAD_INVALID', `${name} from tab ${from} was not applied`, {
          cause: error,
        }),
      )
    }
  }

  function share<T>(name: TabSetting, value: T): void {
    ;(client[name] as (value: T) => void)(value)
    if (name === 'setPrivacy') privacy = value as PrivacySettings
    group.post({ type: 'setting', name, value })
  }

  /** What a tab that just said hello needs to show the user as the leader does. */
  function currentSettings(): Partial<Record<TabSetting, unknown>> {
    const me = client.me()
    const values: Partial<Record<TabSetting, unknown>> = {}
    // Only what is set: a "nothing" applied in the new tab would stamp an empty setting as newer.
    if (me.manualStatus) values.setStatus = me.manualStatus
    if (me.customStatus) values.setCustomStatus = me.customStatus
    if (me.activity) values.setActivity = me.activity
    if (me.calendar) values.setCalendarBusy = me.calendar
    if (privacy) values.setPrivacy = privacy
    return values
  }

  // ---- rooms: this tab's, told to the leader; the leader's, entered for the others ----

  const ownRooms = new Map<string, OwnRoom>()
  const announceRooms = () => {
    if (destroyed || group.isLeader()) return
    const rooms: TabRoom[] = [...ownRooms].map(([roomId, room]) =>
      room.activity
        ? { roomId, private: room.private, activity: room.activity }
        : { roomId, private: room.private },
    )
    group.post({ type: 'rooms', rooms })
  }

  /** Leader only: each follower's rooms, and the rooms entered for them. */
  const followerRooms = new Map<string, readonly TabRoom[]>()
  const servedRooms = new Map<string, PresenceRoom>()

  function serveFollowers(): void {
    const wanted = new Map<string, TabRoom>()
    if (group.isLeader() && !destroyed)
      for (const rooms of followerRooms.values())
        for (const room of rooms) wanted.set(room.roomId, room)
    for (const [roomId, room] of wanted) {
      try {
        const served = servedRooms.get(roomId)
        if (!served) {
          const enterOptions: EnterOptions = room.activity
            ? { private: room.private, activity: room.activity }
            : { private: room.private }
          servedRooms.set(roomId, client.enter(roomId, enterOptions))
        } else if (room.activity) served.setActivity(room.activity)
      } catch (error) {
        report(
          new PresenceError(
            'PRESENCE_PAYLOAD_INVALID',
            `room ${roomId} asked by a tab was not entered`,
            {
              cause: error,
            },
          ),
        )
      }
    }
    for (const roomId of [...servedRooms.keys()]) {
      if (wanted.has(roomId)) continue
      servedRooms.delete(roomId)
      client.leave(roomId)
    }
  }

  function leaveRoom(roomId: string): void {
    const own = ownRooms.get(roomId)
    client.leave(roomId)
    if (!own) return
    if (--own.refs <= 0) ownRooms.delete(roomId)
    announceRooms()
  }

  /** The client's rooms as this tab hands them out: one wrapper per room, so identity is stable. */
  const wrapped = new WeakMap<PresenceRoom, PresenceRoom>()

  /** The client's room, with its activity and leave told to the leader too. */
  function tabRoom(room: PresenceRoom): PresenceRoom {
    let tab = wrapped.get(room)
    if (tab) return tab
    tab = new Proxy(room, {
      get(target, property, receiver) {
        if (property === 'setActivity')
          return (next: Activity | null) => {
            target.setActivity(next)
            const own = ownRooms.get(target.id)
            if (own) own.activity = next ?? undefined
            announceRooms()
          }
        if (property === 'leave') return () => leaveRoom(target.id)
        return Reflect.get(target, property, receiver)
      },
    })
    wrapped.set(room, tab)
    return tab
  }

  // ---- leadership ----

  let leaderId: string | undefined
  let cancelClaim: (() => void) | undefined

  /** A visible follower takes over from a leader that has stayed hidden. */
  function watchHiddenLeader(): void {
    const leaderHidden =
      !group.isLeader() && leaderId !== undefined && activity.tabHidden(leaderId) === true
    const shouldClaim = leaderHidden && !activity.ownHidden() && !destroyed
    if (!shouldClaim) {
      cancelClaim?.()
      cancelClaim = undefined
      return
    }
    cancelClaim ??= scheduler.schedule(hiddenLeaderMs, () => {
      cancelClaim = undefined
      if (
        !group.isLeader() &&
        leaderId !== undefined &&
        activity.tabHidden(leaderId) &&
        !activity.ownHidden()
      )
        group.claim()
    })
  }

  let cancelHandover: (() => void) | undefined

  const unsubscribeLeader = group.onLeaderChange((leading) => {
    if (!leading) return // what we hold stays until the next leader is heard (below)
    leaderId = group.tabId
    cancelClaim?.()
    cancelClaim = undefined
    cancelHandover?.()
    cancelHandover = undefined
    transport.lead()
    group.post({ type: 'leading' })
  })

  /**
   * Another tab leads. Our presence and the rooms we held for the others stay for a grace period:
   * the new leader first tracks in its own rooms, then enters the ones the others tell it about,
   * and taking ours out before that would show the user offline in between.
   */
  function handOver(): void {
    cancelHandover ??= scheduler.schedule(HANDOVER_GRACE_MS, () => {
      cancelHandover = undefined
      if (group.isLeader() || destroyed) return
      transport.stepDown()
      followerRooms.clear()
      serveFollowers()
    })
  }

  const unsubscribeMessages = group.onMessage((message: TabMessage, from) => {
    switch (message.type) {
      case 'leading':
        leaderId = from
        handOver()
        announceRooms()
        break
      case 'hello':
        // A tab that starts: the leader tells it the user's settings (and, by sending, who leads).
        if (group.isLeader()) group.post({ type: 'settings', values: currentSettings() }, from)
        break
      case 'settings':
        leaderId = from
        for (const [name, value] of Object.entries(message.values))
          applySetting(name as TabSetting, value, from)
        break
      case 'setting':
        applySetting(message.name, message.value, from)
        break
      case 'rooms':
        followerRooms.set(from, message.rooms)
        if (group.isLeader()) serveFollowers()
        break
      case 'bye':
        followerRooms.delete(from)
        if (group.isLeader()) serveFollowers()
        if (from === leaderId) leaderId = undefined
        break
    }
    watchHiddenLeader()
  })
  const unsubscribeOwnVisibility = activity.subscribe(() => watchHiddenLeader())

  // A tab closing says so: its rooms and its visibility stop counting at once.
  const pageTarget = globalThis as {
    addEventListener?: typeof addEventListener
    removeEventListener?: typeof removeEventListener
  }
  const onPageHide = () => group.post({ type: 'bye' })
  pageTarget.addEventListener?.('pagehide', onPageHide)

  group.post({ type: 'hello', hidden: activity.ownHidden() })
  if (group.isLeader()) {
    leaderId = group.tabId
    transport.lead()
  }

  return {
    get userId() {
      return client.userId
    },
    get sessionId() {
      return client.sessionId
    },
    get trust() {
      return client.trust
    },
    tabs: group,
    isLeader: () => group.isLeader(),
    me: () => client.me(),
    setStatus: (status) => share('setStatus', status),
    setCustomStatus: (custom) => share('setCustomStatus', custom),
    setActivity: (next) => share('setActivity', next),
    setPrivacy: (next) => share('setPrivacy', next),
    setCalendarBusy: (calendar) => share('setCalendarBusy', calendar),
    enter(roomId, enterOptions = {}) {
      const room = client.enter(roomId, enterOptions)
      const own = ownRooms.get(roomId)
      if (own) {
        own.refs++
        if (enterOptions.activity) own.activity = enterOptions.activity
      } else
        ownRooms.set(roomId, {
          refs: 1,
          private: enterOptions.private === true,
          activity: enterOptions.activity,
        })
      announceRooms()
      return tabRoom(room)
    },
    leave: leaveRoom,
    room(roomId) {
      const room = client.room(roomId)
      return room && ownRooms.has(roomId) ? tabRoom(room) : room
    },
    on(event, listener) {
      const off = client.on(event, listener)
      if (event !== 'error') return off
      const offOwn = listen(errors, 'error', listener)
      return () => {
        off()
        offOwn()
      }
    },
    destroy() {
      if (destroyed) return
      destroyed = true
      group.post({ type: 'bye' })
      pageTarget.removeEventListener?.('pagehide', onPageHide)
      cancelClaim?.()
      cancelHandover?.()
      unsubscribeLeader()
      unsubscribeMessages()
      unsubscribeOwnVisibility()
      activity.dispose()
      client.destroy()
      errors.removeAllListeners()
      group.close()
    },
  }
}
