/**
 * Status policy (DESIGN rule 1): a session's status is derived from its last input, visibility,
 * manual status and the clock — never stored. Pure: `now` is an argument.
 */
import {
  type AutomaticStatus,
  type CalendarBusy,
  type CustomStatus,
  type ManualStatus,
  STATUSES,
  type Status,
} from './types.js'
import { earliestAfter } from './util.js'

export interface StatusPolicy {
  /** No input for this long ⇒ idle. Default 5 minutes. */
  readonly idleAfterMs: number
  /** No input for this long ⇒ away. Default 30 minutes. */
  readonly awayAfterMs: number
  /** A hidden page (another tab in front, app in background) is idle after this long. Default 1 minute. */
  readonly hiddenIdleAfterMs: number
}

export const DEFAULT_STATUS_POLICY: StatusPolicy = {
  idleAfterMs: 5 * 60_000,
  awayAfterMs: 30 * 60_000,
  hiddenIdleAfterMs: 60_000,
}

export interface InputState {
  readonly lastInputAt: number
  /** When the page became hidden, or null while visible. */
  readonly hiddenSince: number | null
}

/** online / idle / away from input alone. */
export function automaticStatus(
  input: InputState,
  now: number,
  policy: StatusPolicy,
): AutomaticStatus {
  const quiet = now - input.lastInputAt
  if (quiet >= policy.awayAfterMs) return 'away'
  if (quiet >= policy.idleAfterMs) return 'idle'
  if (input.hiddenSince !== null && now - input.hiddenSince >= policy.hiddenIdleAfterMs)
    return 'idle'
  return 'online'
}

/**
 * The next instant after `now` at which `automaticStatus` changes without new input, if any.
 * The status only ever moves towards away as time passes, and only at one of the thresholds, so
 * the first threshold after `now` whose status differs from the current one is that instant (a
 * threshold that is already covered, e.g. input-idle while hidden-idle, is skipped). `current` is
 * the status at `now`, when the caller has it already.
 */
export function nextAutomaticChangeAt(
  input: InputState,
  now: number,
  policy: StatusPolicy,
  current: AutomaticStatus = automaticStatus(input, now, policy),
): number | undefined {
  return earliestAfter(
    now,
    [
      input.lastInputAt + policy.idleAfterMs,
      input.lastInputAt + policy.awayAfterMs,
      input.hiddenSince === null ? undefined : input.hiddenSince + policy.hiddenIdleAfterMs,
    ].filter((at) => at !== undefined && automaticStatus(input, at, policy) !== current),
  )
}

export function isCustomStatusActive(
  custom: CustomStatus | null | undefined,
  now: number,
): custom is CustomStatus {
  return (
    !!(custom?.text || custom?.emoji) && (custom.expiresAt === undefined || now < custom.expiresAt)
  )
}

export function isCalendarBusy(
  calendar: CalendarBusy | null | undefined,
  now: number,
): calendar is CalendarBusy {
  return !!calendar && now < calendar.until
}

/** Manual status > calendar busy > automatic (DESIGN rule 2, for one session or one user). */
export function effectiveStatus(
  automatic: AutomaticStatus,
  manual: ManualStatus | null | undefined,
  calendar: CalendarBusy | null | undefined,
  now: number,
): Status {
  if (manual) return manual
  if (isCalendarBusy(calendar, now)) return 'busy'
  return automatic
}

/** The most present of several automatic statuses: online > idle > away (the order of STATUSES). */
export function mostPresent(a: AutomaticStatus, b: AutomaticStatus): AutomaticStatus {
  return STATUSES.indexOf(a) <= STATUSES.indexOf(b) ? a : b
}
