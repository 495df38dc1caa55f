/**
 * The receipt throttle: at most `receipts` receipts per `windowMs` to one sender session (default
 * 5 per 10 s), so envelopes asking for receipts cannot make a member flood the room with them, and
 * one report per sender per window says so. Pure: time is an argument and a throttle is never
 * changed (each decision returns a new one). Memory is bounded: a sender is forgotten once its
 * window has passed, and at most `maxSenders` are kept, the one heard from longest ago going first.
 */
import {
  budgetAvailableAt,
  type CallBudget,
  type CallLimit,
  EMPTY_BUDGET,
  spendBudget,
} from './heartbeat-policy.js'

export interface ReceiptLimit {
  readonly receipts: number
  readonly windowMs: number
  readonly maxSenders: number
}

export const DEFAULT_RECEIPT_LIMIT: ReceiptLimit = {
  receipts: 5,
  windowMs: 10_000,
  maxSenders: 256,
}

interface Sender {
  readonly budget: CallBudget
  /** When this sender was last reported as over the limit (-Infinity: never). */
  readonly reportedAt: number
}

/** Sender → what it has had lately, least recently heard first. */
export type ReceiptThrottle = ReadonlyMap<string, Sender>

export const EMPTY_THROTTLE: ReceiptThrottle = new Map()

export interface ReceiptDecision {
  readonly throttle: ReceiptThrottle
  /** A receipt may go to this sender now. */
  readonly send: boolean
  /** Over the limit and not yet reported in this window: report it, once. */
  readonly report: boolean
}

/** Decides on one envelope asking `sender` (any stable id of a sender session) for a receipt. */
export function takeReceipt(
  throttle: ReceiptThrottle,
  sender: string,
  now: number,
  limit: ReceiptLimit = DEFAULT_RECEIPT_LIMIT,
): ReceiptDecision {
  // The call budget of heartbeat-policy, with no margin and no reserve: a plain sliding window.
  const calls: CallLimit = {
    callLimit: limit.receipts,
    callWindowMs: limit.windowMs,
    callMarginMs: 0,
    changeReserve: 0,
  }
  const since = now - limit.windowMs
  const old = throttle.get(sender)
  const budget = old?.budget ?? EMPTY_BUDGET
  const reportedAt = old?.reportedAt ?? -Infinity
  const send = budgetAvailableAt(budget, now, 'change', calls) <= now
  const report = !send && reportedAt <= since
  const next = new Map<string, Sender>()
  for (const [id, s] of throttle)
    if (id !== sender && (s.reportedAt > since || s.budget.calls.some((at) => at > since)))
      next.set(id, s)
  // Maps keep insertion order and the sender goes in last: the first key was heard longest ago.
  for (const id of next.keys()) {
    if (next.size < limit.maxSenders) break
    next.delete(id)
  }
  next.set(sender, {
    budget: send ? spendBudget(budget, now, calls) : budget,
    reportedAt: report ? now : reportedAt,
  })
  return { throttle: next, send, report }
}
