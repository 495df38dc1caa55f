/**
 * Heartbeat and budget policy (DESIGN rule 4). Transports limit presence calls (Supabase: 5
 * track/untrack per client per 30 s, closing the channel past that — research §4.1), so a session
 * spends heartbeats only from what real changes leave over, and stretches its heartbeat in large
 * rooms so the room's total heartbeat traffic stays flat. Pure: `now` is an argument.
 */

export interface HeartbeatPolicy {
  /** Heartbeat in rooms up to `baseRoomSize` members. Default 15 s. */
  readonly intervalMs: number
  /** How long observers count a session alive without news, at `baseRoomSize`. Default 30 s. */
  readonly leaseMs: number
  /**
   * The least lease a hidden page declares. Default 150 s: browsers throttle a hidden page's
   * timers (Chrome, after 5 minutes hidden, runs them once a minute), so its heartbeat may come a
   * minute late, and a 30 s lease would show the user offline between two of them.
   */
  readonly hiddenLeaseMs: number
  /** Up to this many members the base interval applies; beyond, it grows linearly. Default 50. */
  readonly baseRoomSize: number
  /** Presence calls allowed per window (Supabase: 5 per 30 s). */
  readonly callLimit: number
  readonly callWindowMs: number
  /** Extra ms added to the window so network jitter can never push us over the server's count. */
  readonly callMarginMs: number
  /** Calls in every window that heartbeats may not use: kept for real status changes. */
  readonly changeReserve: number
  /** Changes made within this window go out as one update; 0: those of one task, at its end. */
  readonly coalesceMs: number
}

export const DEFAULT_HEARTBEAT_POLICY: HeartbeatPolicy = {
  intervalMs: 15_000,
  leaseMs: 30_000,
  hiddenLeaseMs: 150_000,
  baseRoomSize: 50,
  callLimit: 5,
  callWindowMs: 30_000,
  callMarginMs: 1_000,
  changeReserve: 2,
  coalesceMs: 200,
}

/** How much a room of `roomSize` stretches the heartbeat: 1 up to the base size, then linear. */
function stretch(roomSize: number, policy: HeartbeatPolicy): number {
  return Math.max(1, roomSize / policy.baseRoomSize)
}

/**
 * The heartbeat interval for a room: the room's total heartbeat rate stays at most
 * baseRoomSize / intervalMs (50 per 15 s by default ≈ 3.3/s) however large it grows.
 */
export function heartbeatIntervalFor(
  roomSize: number,
  policy: HeartbeatPolicy = DEFAULT_HEARTBEAT_POLICY,
): number {
  return Math.round(policy.intervalMs * stretch(roomSize, policy))
}

/** The lease a session declares in its meta for a room of `roomSize`, its page hidden or not. */
export function leaseFor(
  roomSize: number,
  policy: HeartbeatPolicy = DEFAULT_HEARTBEAT_POLICY,
  pageHidden = false,
): number {
  const lease = Math.round(policy.leaseMs * stretch(roomSize, policy))
  return pageHidden ? Math.max(lease, policy.hiddenLeaseMs) : lease
}

export interface GhostBound {
  readonly roomSize: number
  readonly heartbeatMs: number
  readonly leaseMs: number
  /** Heartbeats the whole room sends per second. */
  readonly roomHeartbeatsPerSecond: number
  /**
   * The longest a session that vanished without a clean close can still be shown present: the
   * lease, or the transport's own leave detection when that is sooner.
   */
  readonly boundMs: number
}

/**
 * States the ghost bound for a room size. `transportLeaveMs` is how fast the transport itself
 * reports a dead session (Supabase: at once on a clean close; within its 60 s idle timeout for a
 * silent one — research §1.5), if it does.
 */
export function ghostBound(
  roomSize: number,
  policy: HeartbeatPolicy = DEFAULT_HEARTBEAT_POLICY,
  transportLeaveMs: number = Infinity,
): GhostBound {
  const heartbeatMs = heartbeatIntervalFor(roomSize, policy)
  const leaseMs = leaseFor(roomSize, policy)
  return {
    roomSize,
    heartbeatMs,
    leaseMs,
    roomHeartbeatsPerSecond: (Math.max(roomSize, 1) * 1000) / heartbeatMs,
    boundMs: Math.min(leaseMs, transportLeaveMs),
  }
}

/** Times of the presence calls made in the current window, oldest first. */
export interface CallBudget {
  readonly calls: readonly number[]
}

export const EMPTY_BUDGET: CallBudget = { calls: [] }

export type CallKind = 'change' | 'heartbeat'

/** What a budget counts against: the heartbeat policy, or any other limit on calls per window. */
export type CallLimit = Pick<
  HeartbeatPolicy,
  'callLimit' | 'callWindowMs' | 'callMarginMs' | 'changeReserve'
>

/** The window, with its margin: network jitter can never push us over the server's count. */
function windowOf(policy: CallLimit): number {
  return policy.callWindowMs + policy.callMarginMs
}

/** The calls that still count against the window at `now`, oldest first. */
function liveCalls(budget: CallBudget, now: number, policy: CallLimit): number[] {
  return budget.calls.filter((at) => at > now - windowOf(policy))
}

/** Calls still counting against the window at `now`. */
export function callsInWindow(
  budget: CallBudget,
  now: number,
  policy: CallLimit = DEFAULT_HEARTBEAT_POLICY,
): number {
  return liveCalls(budget, now, policy).length
}

/**
 * The earliest instant ≥ now when a call of `kind` fits the budget. Heartbeats leave
 * `changeReserve` calls unused so a real status change can always go out within the window.
 */
export function budgetAvailableAt(
  budget: CallBudget,
  now: number,
  kind: CallKind,
  policy: CallLimit = DEFAULT_HEARTBEAT_POLICY,
): number {
  const { callLimit, changeReserve } = policy
  const limit = kind === 'change' ? callLimit : Math.max(0, callLimit - changeReserve)
  const live = liveCalls(budget, now, policy)
  if (live.length < limit) return now
  if (limit === 0) return Infinity
  // The window must shed (live.length - limit + 1) calls; the last of those leaves at its time + window.
  return live[live.length - limit]! + windowOf(policy)
}

/** Records a call made at `now`, forgetting calls that no longer count. */
export function spendBudget(
  budget: CallBudget,
  now: number,
  policy: CallLimit = DEFAULT_HEARTBEAT_POLICY,
): CallBudget {
  return { calls: [...liveCalls(budget, now, policy), now] }
}
