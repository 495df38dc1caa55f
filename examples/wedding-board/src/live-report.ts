/**
 * The urgent broadcast's report as it fills in: who confirmed (and how fast), who is still
 * expected to, who needs another route — and, with the presence API, what the notification router
 * did for each of them. Pure: the board feeds it the recipients it had at send time, the receipts
 * seen so far, core's final report once `room.broadcast` resolves (which then decides every row),
 * and each recipient's route as the router answers.
 */
import type { Urgency } from '@wedsync/presence-coordination/browser'
import type { BroadcastReport, Recipient, Status } from '@wedsync/presence-core'
import type { RouteState } from './route-outcome.js'

export type ReceiptRow =
  | { readonly userId: string; readonly state: 'waiting' }
  | { readonly userId: string; readonly state: 'delivered'; readonly latencyMs: number }
  | { readonly userId: string; readonly state: 'no-receipt' }
  | {
      readonly userId: string
      readonly state: 'not-present'
      readonly status: Exclude<Status, 'online'>
      readonly latencyMs?: number
    }

export interface LiveBroadcast {
  readonly text: string
  readonly sentAt: number
  /** Other members of the room at send time, with the status they had. */
  readonly recipients: readonly Recipient[]
  /**
   * Team members the room has never seen: not in core's report, and like everyone not present
   * they need a call or an email.
   */
  readonly absent: readonly string[]
  /** Core's broadcast id, once the envelope went out. */
  readonly id?: string
  /** First receipt time per user (epoch ms). */
  readonly receipts: ReadonlyMap<string, number>
  readonly report?: BroadcastReport
  /** Why the broadcast could not be sent, if it failed. */
  readonly error?: string
  /** Routing through the notification router; absent when there is no presence API. */
  readonly routing?: RoutingState
}

export interface RoutingState {
  readonly urgency: Urgency
  /** Per recipient who did not confirm: what the router is doing or did. */
  readonly routes: ReadonlyMap<string, RouteState>
}

export function receiptRows(broadcast: LiveBroadcast): readonly ReceiptRow[] {
  const absent = broadcast.absent.map(
    (userId): ReceiptRow => ({ userId, state: 'not-present', status: 'offline' }),
  )
  return [...presentRows(broadcast), ...absent]
}

function presentRows(broadcast: LiveBroadcast): readonly ReceiptRow[] {
  if (broadcast.report)
    return broadcast.report.recipients.map((r): ReceiptRow => {
      if (r.outcome === 'delivered')
        return { userId: r.userId, state: 'delivered', latencyMs: r.latencyMs }
      if (r.outcome === 'no-receipt') return { userId: r.userId, state: 'no-receipt' }
      return r.latencyMs === undefined
        ? { userId: r.userId, state: 'not-present', status: r.status }
        : { userId: r.userId, state: 'not-present', status: r.status, latencyMs: r.latencyMs }
    })
  return broadcast.recipients.map(({ userId, status }): ReceiptRow => {
    const at = broadcast.receipts.get(userId)
    const latencyMs = at === undefined ? undefined : Math.max(0, at - broadcast.sentAt)
    if (status !== 'online')
      return latencyMs === undefined
        ? { userId, state: 'not-present', status }
        : { userId, state: 'not-present', status, latencyMs }
    return latencyMs === undefined
      ? { userId, state: 'waiting' }
      : { userId, state: 'delivered', latencyMs }
  })
}

export interface ReceiptSummary {
  readonly delivered: number
  readonly waiting: number
  /** No receipt, or not present: these people need another route. */
  readonly reachOtherwise: number
  /** Of those, how many the router took another way (sent or held for later). */
  readonly routed: number
  /** Final: the report is in and every route is decided (or the broadcast failed). */
  readonly settled: boolean
}

const needsRoute = (row: ReceiptRow) => row.state === 'no-receipt' || row.state === 'not-present'

export function summarize(broadcast: LiveBroadcast): ReceiptSummary {
  const rows = receiptRows(broadcast)
  const count = (state: ReceiptRow['state']) => rows.filter((r) => r.state === state).length
  const routes = broadcast.routing?.routes
  const routeOf = (row: ReceiptRow) => routes?.get(row.userId)?.state
  const others = rows.filter(needsRoute)
  return {
    delivered: count('delivered'),
    waiting: count('waiting'),
    reachOtherwise: others.length,
    routed: others.filter((r) => routeOf(r) === 'routed').length,
    settled:
      broadcast.error !== undefined ||
      (broadcast.report !== undefined &&
        (!routes || others.every((r) => routeOf(r) === 'routed' || routeOf(r) === 'failed'))),
  }
}

/** Records what the router is doing or did for `userId` (the latest word wins). */
export function withRoute(
  broadcast: LiveBroadcast,
  userId: string,
  route: RouteState,
): LiveBroadcast {
  if (!broadcast.routing) return broadcast
  const routes = new Map(broadcast.routing.routes).set(userId, route)
  return { ...broadcast, routing: { ...broadcast.routing, routes } }
}

/** Records a receipt: the first one per user counts, later devices of the same user do not. */
export function withReceipt(broadcast: LiveBroadcast, userId: string, at: number): LiveBroadcast {
  if (broadcast.receipts.has(userId) || !broadcast.recipients.some((r) => r.userId === userId))
    return broadcast
  return { ...broadcast, receipts: new Map(broadcast.receipts).set(userId, at) }
}
