/**
 * The local state machine: what this session knows about itself (input, visibility, manual and
 * custom status, calendar, activity, privacy). Pure: every function takes `now`. What it publishes
 * from this state is published-view.ts's.
 */
import { latestStamped, type SessionEntry } from './aggregation.js'
import { MAX_CLOCK_SKEW_MS, type Stamped } from './meta-schema.js'
import {
  automaticStatus,
  effectiveStatus,
  isCalendarBusy,
  isCustomStatusActive,
  nextAutomaticChangeAt,
  type StatusPolicy,
} from './status-policy.js'
import type {
  Activity,
  AutomaticStatus,
  CalendarBusy,
  CustomStatus,
  ManualStatus,
  PrivacySettings,
  Profile,
  SelfPresence,
} from './types.js'
import { defined, earliestAfter, sameData } from './util.js'

export interface LocalState {
  readonly lastInputAt: number
  readonly hiddenSince: number | null
  readonly online: boolean
  readonly manual?: Stamped<ManualStatus | null>
  readonly custom?: Stamped<CustomStatus | null>
  readonly calendar?: CalendarBusy
  readonly activity?: Activity
  readonly profile?: Profile
  readonly privacy: PrivacySettings
}

export type LocalEvent =
  | { readonly type: 'input' }
  | { readonly type: 'visibility'; readonly hidden: boolean }
  | { readonly type: 'network'; readonly online: boolean }
  | { readonly type: 'set-manual'; readonly status: ManualStatus | null }
  | { readonly type: 'set-custom'; readonly custom: CustomStatus | null }
  | { readonly type: 'set-activity'; readonly activity: Activity | null }
  | { readonly type: 'set-calendar'; readonly calendar: CalendarBusy | null }
  | { readonly type: 'set-privacy'; readonly privacy: PrivacySettings }
  /** Settings another session of the same user published later than ours: a manual status applies everywhere. */
  | {
      readonly type: 'adopt'
      readonly manual?: Stamped<ManualStatus | null>
      readonly custom?: Stamped<CustomStatus | null>
    }
  | { readonly type: 'tick' }

export interface LocalInit {
  readonly hidden?: boolean | undefined
  readonly online?: boolean | undefined
  readonly activity?: Activity | undefined
  readonly profile?: Profile | undefined
  readonly privacy?: PrivacySettings | undefined
}

export function createLocalState(now: number, init: LocalInit = {}): LocalState {
  return defined({
    lastInputAt: now,
    hiddenSince: init.hidden ? now : null,
    online: init.online ?? true,
    privacy: init.privacy ?? {},
    activity: init.activity,
    profile: init.profile,
  })
}

/** Whether privacy keeps this session from publishing anything at all. */
export function isHidden(state: LocalState): boolean {
  return state.privacy.appearOffline === true || state.privacy.visibility === 'nobody'
}

export function reduceLocal(state: LocalState, event: LocalEvent, now: number): LocalState {
  switch (event.type) {
    case 'input':
      return { ...state, lastInputAt: now }
    case 'visibility':
      // Coming back to the page is input: the person is looking at it.
      if (!event.hidden) return { ...state, hiddenSince: null, lastInputAt: now }
      return state.hiddenSince === null ? { ...state, hiddenSince: now } : state
    case 'network':
      return { ...state, online: event.online }
    case 'set-manual':
      return { ...state, manual: { status: event.status, at: stampAfter(state.manual, now) } }
    case 'set-custom':
      return { ...state, custom: { status: event.custom, at: stampAfter(state.custom, now) } }
    case 'set-activity':
      return defined({ ...state, activity: event.activity ?? undefined })
    case 'set-calendar':
      return defined({ ...state, calendar: event.calendar ?? undefined })
    case 'set-privacy':
      return { ...state, privacy: event.privacy }
    case 'adopt': {
      const manual = adopted(event.manual, state.manual, now)
      const custom = adopted(event.custom, state.custom, now)
      return manual === state.manual && custom === state.custom
        ? state
        : defined({ ...state, manual, custom })
    }
    case 'tick':
      return state
  }
}

/**
 * Stamps are the wall clock, kept after the stamp held — our own last, or one adopted from another
 * session — so "latest wins" is never a tie with itself, and a change made after another device's
 * wins over it even when that device's clock runs ahead of ours.
 */
function stampAfter(previous: Stamped<unknown> | undefined, now: number): number {
  return previous && previous.at >= now ? previous.at + 1 : now
}

/**
 * `candidate` when it was set later than `current` (or there is none), else `current`. A stamp
 * more than MAX_CLOCK_SKEW_MS ahead of this clock counts as stamped at that bound, so no session
 * under our key can push the stamps we set after it (stampAfter) out of the safe integers; and a
 * setting from the future that we already hold is no news (re-stamping it as the bound moves on
 * would republish on every presence event).
 */
function adopted<T>(
  candidate: Stamped<T> | undefined,
  current: Stamped<T> | undefined,
  now: number,
): Stamped<T> | undefined {
  const bound = now + MAX_CLOCK_SKEW_MS
  if (candidate && candidate.at > bound) {
    if (current && sameData(current.status, candidate.status)) return current
    candidate = { status: candidate.status, at: bound }
  }
  return candidate && (!current || candidate.at > current.at) ? candidate : current
}

/** The newest manual and custom settings among a user's other sessions, for `adopt`. */
export function settingsFromOtherSessions(entries: readonly SessionEntry[], ownSessionId: string) {
  const others = entries.filter((entry) => entry.meta.session !== ownSessionId)
  return defined({
    manual: latestStamped(others, 'manual'),
    custom: latestStamped(others, 'custom'),
  })
}

/** The calendar window while it lasts. */
export function activeCalendar(state: LocalState, now: number): CalendarBusy | undefined {
  return isCalendarBusy(state.calendar, now) ? state.calendar : undefined
}

/** This session's own presence; `automatic` when the caller has computed it for `now` already. */
export function selfPresence(
  state: LocalState,
  now: number,
  policy: StatusPolicy,
  ids: { readonly userId: string; readonly sessionId: string },
  automatic: AutomaticStatus = automaticStatus(state, now, policy),
): SelfPresence {
  const manual = state.manual?.status ?? undefined
  const custom = state.custom?.status
  const calendar = activeCalendar(state, now)
  return defined({
    userId: ids.userId,
    sessionId: ids.sessionId,
    status: effectiveStatus(automatic, manual, calendar, now),
    automaticStatus: automatic,
    lastInputAt: state.lastInputAt,
    hidden: state.hiddenSince !== null,
    appearOffline: isHidden(state),
    manualStatus: manual,
    customStatus: isCustomStatusActive(custom, now) ? custom : undefined,
    calendar,
    activity: state.activity,
  })
}

/** The next instant when the local view changes by time alone (idle, away, expiries). */
export function nextLocalChangeAt(
  state: LocalState,
  now: number,
  policy: StatusPolicy,
  automatic?: AutomaticStatus,
): number | undefined {
  return earliestAfter(now, [
    nextAutomaticChangeAt(state, now, policy, automatic),
    state.custom?.status?.expiresAt,
    state.calendar?.until,
  ])
}
