import { describe, expect, it } from 'vitest'
import {
  DEFAULT_RECEIPT_LIMIT,
  EMPTY_THROTTLE,
  type ReceiptLimit,
  type ReceiptThrottle,
  takeReceipt,
} from './receipt-throttle.js'

/** Feeds `times` (one envelope each) from `sender` and returns what was sent and reported. */
function run(
  times: readonly number[],
  sender = 's1',
  limit: ReceiptLimit = DEFAULT_RECEIPT_LIMIT,
  start: ReceiptThrottle = EMPTY_THROTTLE,
) {
  let throttle = start
  const sent: number[] = []
  const reported: number[] = []
  for (const now of times) {
    const decision = takeReceipt(throttle, sender, now, limit)
    throttle = decision.throttle
    if (decision.send) sent.push(now)
    if (decision.report) reported.push(now)
  }
  return { throttle, sent, reported }
}

describe('receipt throttle', () => {
  it('sends 5 receipts per 10 s to one sender and reports once per window', () => {
    const burst = Array.from({ length: 300 }, () => 1_000)
    const { sent, reported } = run(burst)
    expect(sent).toEqual([1_000, 1_000, 1_000, 1_000, 1_000])
    expect(reported).toEqual([1_000])
  })

  it('is a sliding window: a slot frees exactly 10 s after it was used', () => {
    const { sent, reported } = run([0, 1, 2, 3, 4, 5, 9_999, 10_000, 10_000, 10_001])
    // The slot of 0 frees at 10,000 and that of 1 at 10,001; the second envelope at 10,000 waits.
    expect(sent).toEqual([0, 1, 2, 3, 4, 10_000, 10_001])
    // Refused at 5, 9,999 and 10,000: reported once, as that is within 10 s of the report.
    expect(reported).toEqual([5])
    const steady = run(Array.from({ length: 400 }, (_, i) => i * 100)) // 10 per second, 40 s
    // Never more than 5 in any 10 s…
    for (const at of steady.sent)
      expect(steady.sent.filter((t) => t > at - 10_000 && t <= at).length).toBeLessThanOrEqual(5)
    // …and one report per 10 s of flooding, not one per envelope.
    expect(steady.reported).toEqual([500, 10_500, 20_500, 30_500])
  })

  it('counts each sender on its own', () => {
    let throttle = run(
      Array.from({ length: 10 }, () => 0),
      'a',
    ).throttle
    const b = takeReceipt(throttle, 'b', 0)
    expect(b).toMatchObject({ send: true, report: false })
    throttle = b.throttle
    expect(takeReceipt(throttle, 'a', 0)).toMatchObject({ send: false, report: false })
  })

  it('never changes the throttle it was given', () => {
    const before = run([0, 1, 2]).throttle
    const copy = new Map(before)
    takeReceipt(before, 's1', 3)
    takeReceipt(before, 's2', 3)
    expect(before).toEqual(copy)
  })

  it('forgets senders whose window has passed, and keeps at most maxSenders', () => {
    const limit = { ...DEFAULT_RECEIPT_LIMIT, maxSenders: 3 }
    let throttle: ReceiptThrottle = EMPTY_THROTTLE
    for (const [sender, now] of [
      ['a', 0],
      ['b', 1],
      ['c', 2],
      ['d', 3],
    ] as const)
      throttle = takeReceipt(throttle, sender, now, limit).throttle
    expect([...throttle.keys()]).toEqual(['b', 'c', 'd'])
    // At 10,002 the windows of b and c have passed (heard at 1 and 2).
    throttle = takeReceipt(throttle, 'e', 10_002, limit).throttle
    expect([...throttle.keys()]).toEqual(['d', 'e'])
    throttle = takeReceipt(throttle, 'f', 30_000, limit).throttle
    expect([...throttle.keys()]).toEqual(['f'])
  })

  it('remembers a report for its window even once the sender has no receipts counting', () => {
    const limit = { ...DEFAULT_RECEIPT_LIMIT, receipts: 0 }
    const { reported, throttle } = run([0, 5_000, 9_999], 's1', limit)
    expect(reported).toEqual([0])
    expect(throttle.has('s1')).toBe(true)
    expect(run([10_000], 's1', limit, throttle).reported).toEqual([10_000])
  })
})
