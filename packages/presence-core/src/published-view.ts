/**
 * The published view: what this session shows other people, computed by the client once per change
 * from its local state, the clock and privacy, and handed to every room as one immutable value. A
 * room adds only its own parts when it sends (`metaFor`): session, seq, lease, activeAgo at the
 * moment of sending, and its own activity. Pure: `now` is an argument. Privacy is enforced here,
 * where data leaves: activity and last-active are left out when the user hides them.
 */
import { activeCalendar, isHidden, type LocalState, nextLocalChangeAt } from './local-state.js'
import type { SessionMeta } from './meta-schema.js'
import { automaticStatus, isCustomStatusActive, type StatusPolicy } from './status-policy.js'
import type { Activity, AutomaticStatus, PrivacySettings } from './types.js'
import { defined } from './util.js'

/** What a meta says to everyone, the same in every room and between sends. */
export type SharedMeta = Pick<SessionMeta, 'status' | 'manual' | 'custom' | 'calendar' | 'profile'>

export interface PublishedView {
  /** Privacy publishes nothing at all: appear offline, or visibility `nobody`. */
  readonly hidden: boolean
  /** The page is hidden (another tab or app in front): its timers may be throttled. */
  readonly pageHidden: boolean
  /** `contacts` and `team` publish only in private rooms (the room checks which it is). */
  readonly visibility: NonNullable<PrivacySettings['visibility']>
  readonly shared: SharedMeta
  /**
   * `shared` as a string ('' while hidden): the fingerprint rooms compare, once computed here.
   * Liveness (seq, lease, activeAgo) is not in it, so equal keys need no presence call.
   */
  readonly key: string
  /** Whether privacy lets activity show, a room's own activity included. */
  readonly showsActivity: boolean
  /** This session's activity where privacy shows it; a room's own activity overrides it. */
  readonly activity?: Activity
  /** The last input, for activeAgo at the moment of sending; absent when last seen is hidden. */
  readonly lastInputAt?: number
  /**
   * When this view next changes by time alone (idle, away, expiries): the client hands over a new
   * one then. A room sending at or after it waits for that one rather than send this stale one.
   */
  readonly until?: number
}

/** A room's own parts of the meta it sends. */
export interface MetaContext {
  readonly sessionId: string
  readonly seq: number
  readonly leaseMs: number
  /** The room's own activity (entering a wedding's room sets what you view there). */
  readonly activity?: Activity | undefined
}

/**
 * The view of `state` at `now`. `automatic` is the automatic status at `now` when the caller has
 * it already: the client computes it once per change for this, its own presence and its timer.
 */
export function publishedView(
  state: LocalState,
  now: number,
  policy: StatusPolicy,
  automatic: AutomaticStatus = automaticStatus(state, now, policy),
): PublishedView {
  const { privacy, custom } = state
  const hidden = isHidden(state)
  const shared = defined({
    status: automatic,
    manual: state.manual,
    // A cleared custom status (null) is sent, so other sessions adopt the clearing; an expired one is not.
    custom:
      custom && (custom.status === null || isCustomStatusActive(custom.status, now))
        ? custom
        : undefined,
    calendar: activeCalendar(state, now),
    profile: state.profile,
  })
  const showsActivity = privacy.showActivity !== false
  return defined({
    hidden,
    pageHidden: state.hiddenSince !== null,
    visibility: privacy.visibility ?? 'everyone',
    shared,
    key: hidden ? '' : JSON.stringify(shared),
    showsActivity,
    activity: showsActivity ? state.activity : undefined,
    lastInputAt: privacy.showLastSeen === false ? undefined : state.lastInputAt,
    until: nextLocalChangeAt(state, now, policy, automatic),
  })
}

/** The activity a room shows: its own, else the session's, and none when privacy hides it. */
export function shownActivity(
  view: PublishedView,
  own: Activity | undefined,
): Activity | undefined {
  return view.showsActivity ? (own ?? view.activity) : undefined
}

/** The meta a room sends at `now`: the view with the room's own parts. */
export function metaFor(view: PublishedView, now: number, ctx: MetaContext): SessionMeta {
  const { shared, lastInputAt } = view
  return defined({
    v: 1,
    session: ctx.sessionId,
    status: shared.status,
    seq: ctx.seq,
    lease: ctx.leaseMs,
    activeAgo: lastInputAt === undefined ? undefined : Math.max(0, now - lastInputAt),
    manual: shared.manual,
    custom: shared.custom,
    calendar: shared.calendar,
    activity: shownActivity(view, ctx.activity),
    profile: shared.profile,
  })
}

/** The meta this session publishes in a room, in one call (for tools and tests). */
export function toSessionMeta(
  state: LocalState,
  now: number,
  policy: StatusPolicy,
  ctx: MetaContext,
): SessionMeta {
  return metaFor(publishedView(state, now, policy), now, ctx)
}
