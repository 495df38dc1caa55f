import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  budgetAvailableAt,
  type CallBudget,
  callsInWindow,
  EMPTY_BUDGET,
  ghostBound,
  heartbeatIntervalFor,
  leaseFor,
  DEFAULT_HEARTBEAT_POLICY as P,
  spendBudget,
} from './heartbeat-policy.js'

const WINDOW = P.callWindowMs + P.callMarginMs

describe('heartbeat interval and lease', () => {
  it.each([
    [1, 15_000, 30_000],
    [10, 15_000, 30_000],
    [50, 15_000, 30_000],
    [100, 30_000, 60_000],
    [1_000, 300_000, 600_000],
    [5_000, 1_500_000, 3_000_000],
  ])('room of %i: heartbeat %i ms, lease %i ms', (size, heartbeat, lease) => {
    expect(heartbeatIntervalFor(size)).toBe(heartbeat)
    expect(leaseFor(size)).toBe(lease)
  })

  it('keeps the room-wide heartbeat rate flat above the base size', () => {
    const rate = (n: number) => ghostBound(n).roomHeartbeatsPerSecond
    expect(rate(50)).toBeCloseTo(50 / 15, 5)
    expect(rate(5_000)).toBeCloseTo(rate(50), 5)
    expect(rate(10)).toBeLessThan(rate(50))
  })

  it('states the ghost bound: the lease, or the transport’s own detection when sooner', () => {
    expect(ghostBound(10).boundMs).toBe(30_000)
    expect(ghostBound(5_000).boundMs).toBe(3_000_000)
    expect(ghostBound(5_000, P, 75_000).boundMs).toBe(75_000)
    expect(ghostBound(10, P, 75_000).boundMs).toBe(30_000)
  })
})

describe('the call budget', () => {
  it('lets changes use all 5 calls and heartbeats only 3', () => {
    let budget: CallBudget = EMPTY_BUDGET
    for (let i = 0; i < 3; i++) {
      expect(budgetAvailableAt(budget, 1_000 + i, 'heartbeat')).toBe(1_000 + i)
      budget = spendBudget(budget, 1_000 + i)
    }
    expect(budgetAvailableAt(budget, 1_003, 'heartbeat')).toBe(1_000 + WINDOW)
    expect(budgetAvailableAt(budget, 1_003, 'change')).toBe(1_003)
    budget = spendBudget(spendBudget(budget, 1_003), 1_004)
    expect(budgetAvailableAt(budget, 1_005, 'change')).toBe(1_000 + WINDOW)
    expect(callsInWindow(budget, 1_005)).toBe(5)
    expect(callsInWindow(budget, 1_000 + WINDOW)).toBe(4)
  })

  it('forgets calls that left the window', () => {
    const budget = spendBudget(spendBudget(EMPTY_BUDGET, 0), 10)
    expect(spendBudget(budget, 10 + WINDOW).calls).toEqual([10 + WINDOW])
  })

  it('property: spending only when available never puts more than the limit in any window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 0, max: 20_000 }),
            kind: fc.constantFrom('change', 'heartbeat') as fc.Arbitrary<'change' | 'heartbeat'>,
          }),
          {
            maxLength: 200,
          },
        ),
        (steps) => {
          let now = 0
          let budget: CallBudget = EMPTY_BUDGET
          const made: number[] = []
          for (const { gap, kind } of steps) {
            now += gap
            const at = budgetAvailableAt(budget, now, kind)
            expect(at).toBeGreaterThanOrEqual(now)
            if (at === now) {
              budget = spendBudget(budget, now)
              made.push(now)
            }
          }
          // The server's view: any 30 s window holds at most 5 calls.
          for (let i = 0; i < made.length; i++) {
            const inWindow = made.filter(
              (t) => t > made[i]! - P.callWindowMs && t <= made[i]!,
            ).length
            expect(inWindow).toBeLessThanOrEqual(P.callLimit)
          }
        },
      ),
    )
  })
})
