/**
 * Publishing our presence in one room: decides when the client's view (with this room's seq, lease
 * and activity) must go out, spends presence calls from the budget, keeps the heartbeat, and tracks
 * whether our presence is confirmed. The room (the shell) says when a membership starts or ends.
 * Invariants: never more calls than the budget allows; only the latest track's outcome counts;
 * nothing is published while hidden here (privacy, or a room too public for the visibility).
 */
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
import type { SessionMeta } from './meta-schema.js'
import type { Clock, Scheduler } from './ports.js'
import { metaFor, type PublishedView, shownActivity } from './published-view.js'
import type { Activity, RoomSnapshot } from './types.js'
import { sameData } from './util.js'

/** What a publisher reads from its room, each time at the moment it needs it. */
export interface PublisherContext {
  readonly roomId: string
  readonly isPrivate: boolean
  readonly sessionId: string
  readonly clock: Clock
  /** The publisher's timers (coalesced publish, heartbeat) run on the room's scheduler. */
  readonly scheduler: Scheduler
  readonly policy: HeartbeatPolicy
  /** The room's members now: the lease and the heartbeat follow the room's size. */
  snapshot(): RoomSnapshot
  /** Presence calls on the room's current transport room (a re-join replaces it). */
  track(meta: SessionMeta): Promise<void>
  untrack(): Promise<void>
  /** The transport's failure of `action`, as the room reports it. */
  transportError(action: string, error: unknown): PresenceError
  report(error: PresenceError): void
}

export interface Publisher {
  /**
   * A membership starts (`joined`) or ends (any other status, a re-join): the server holds none of
   * our presence. A new one counts presence calls afresh and gets our view at once.
   */
  membership(joined: boolean): void
  /** Takes the client's next view; returns whether its visibility changed (nothing is sent yet). */
  setView(next: PublishedView): boolean
  /** Sends what the tracked meta lacks: a call a stale view held back, or the change (coalesced). */
  sendChanges(): void
  /** Sets this room's activity and publishes it (coalesced). */
  setActivity(activity: Activity | undefined): void
  /** Our presence is published here and the server confirmed it (a receipt may say we are online). */
  confirmed(): boolean
}

export function createPublisher(
  ctx: PublisherContext,
  initialView: PublishedView,
  initialActivity?: Activity,
): Publisher {
  const { roomId: id, clock, scheduler, policy, report, transportError } = ctx
  let view = initialView
  let activity = initialActivity
  let joined = false
  let budget = EMPTY_BUDGET
  let seq = clock.now()
  /** What the tracked meta shows (the view's key, and the activity shown); undefined while nothing is tracked. */
  let published: { readonly key: string; readonly activity: Activity | undefined } | undefined
  /** A send that found the view stale (see `flush`): it goes out with the next view. */
  let waiting: CallKind | undefined
  let cancelFlush: (() => void) | undefined
  /** Bumped by every presence call and membership change: only the latest track's outcome counts. */
  let presenceCall = 0
  /** Our meta is on the server in this membership: the latest track resolved, nothing undid it. */
  let confirmed = false
  /** A visibility narrower than `everyone` in a room that is not private: we publish nothing here. */
  let exposed = false

  /** The next heartbeat: each publish sets it again. */
  const setHeartbeat = createDeadlineTimer(clock, scheduler, () => flush('heartbeat'))

  function unconfirm(): void {
    presenceCall++
    confirmed = false
  }

  /** Whether we publish nothing here: privacy hides us, or this room is too public for it. */
  const hiddenHere = () => exposed || view.hidden

  /** Whether the tracked meta already shows what we would publish now (nothing, while hidden). */
  const upToDate = () =>
    hiddenHere()
      ? published === undefined
      : published?.key === view.key && sameData(published.activity, shownActivity(view, activity))

  /** Re-checks `exposed`, reporting each time the room enters that condition. */
  function checkExposed(): void {
    const { visibility } = view
    const was = exposed
    exposed = !ctx.isPrivate && visibility !== 'everyone' && !view.hidden
    if (exposed && !was)
      report(
        new PresenceError(
          'PRESENCE_ROOM_NOT_PRIVATE',
          `${id} is not private (anyone with the anon key can read it): visibility "${visibility}" publishes nothing there. Enter it with { private: true }.`,
          { details: { roomId: id, visibility } },
        ),
      )
  }

  function requestPublish(): void {
    if (!joined || cancelFlush) return
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
    // A heartbeat waiting with a change goes out as the heartbeat it was.
    if (waiting === 'heartbeat') kind = waiting
    waiting = undefined
    // A left room is closed.
    if (!joined) return
    const now = clock.now()
    if (view.until !== undefined && now >= view.until) {
      // The client's timer for this instant has yet to run (timers due together run in any order):
      // its next view says what is true now, and this call goes out with it.
      waiting = kind
      return
    }
    const hidden = hiddenHere()
    if (hidden && published === undefined) return
    if (kind === 'change' && !hidden && upToDate()) return
    const at = budgetAvailableAt(budget, now, kind, policy)
    if (at > now) {
      // Out of budget: try again when a call frees up; never exceed the transport's limit.
      if (kind === 'change') cancelFlush = scheduler.schedule(at - now, flushChange)
      else setHeartbeat(at)
      return
    }
    budget = spendBudget(budget, now, policy)
    if (hidden) {
      published = undefined
      setHeartbeat(undefined)
      unconfirm()
      ctx.untrack().catch((error: unknown) => report(transportError('untrack', error)))
      return
    }
    const { size, counts } = ctx.snapshot()
    const roomSize = Math.max(1, size - counts.offline)
    const meta = metaFor(view, now, {
      sessionId: ctx.sessionId,
      seq: Math.max(seq + 1, now),
      leaseMs: leaseFor(roomSize, policy, view.pageHidden),
      activity,
    })
    published = { key: view.key, activity: meta.activity }
    seq = meta.seq
    // Only the latest call's outcome counts: a later call, a new status or a re-join supersedes
    // it (a track failing because we closed its room is no news). A re-track in flight keeps the
    // confirmation of the meta it replaces, which is still there.
    const call = ++presenceCall
    ctx.track(meta).then(
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

  checkExposed()

  return {
    membership(isJoined) {
      joined = isJoined
      published = undefined
      unconfirm()
      if (joined) {
        budget = EMPTY_BUDGET
        flushChange()
      } else {
        cancelFlush?.()
        cancelFlush = undefined
        waiting = undefined
        setHeartbeat(undefined)
      }
    },
    setView(next) {
      const visibilityChanged = next.visibility !== view.visibility
      view = next
      checkExposed()
      return visibilityChanged
    },
    sendChanges() {
      if (waiting) flush(waiting)
      else if (!upToDate()) requestPublish()
    },
    setActivity(next) {
      activity = next
      requestPublish()
    },
    confirmed: () => !hiddenHere() && confirmed,
  }
}
