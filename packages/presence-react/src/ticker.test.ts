import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { TICK_MS, tickerFor } from './ticker.js'

describe('tickerFor', () => {
  it('is one ticker per clock and scheduler', () => {
    const clock = createFakeClock()
    const other = createFakeClock()
    expect(tickerFor(clock, clock)).toBe(tickerFor(clock, clock))
    expect(tickerFor(clock, clock)).not.toBe(tickerFor(other, other))
    expect(tickerFor(clock, clock)).not.toBe(tickerFor(clock, other))
  })

  it('runs one timer for all listeners, on the 30-second marks, only while someone listens', async () => {
    const clock = createFakeClock(Date.UTC(2026, 5, 12, 9, 0, 10))
    const ticker = tickerFor(clock, clock)
    const heard: number[] = []
    const stops = [1, 2, 3].map((n) => ticker.subscribe(() => heard.push(n)))
    expect(clock.pending()).toBe(1)

    await clock.advance(19_999)
    expect(heard).toEqual([])
    await clock.advance(1) // 09:00:30
    expect(heard).toEqual([1, 2, 3])
    expect(ticker.now()).toBe(clock.now())
    await clock.advance(TICK_MS) // 09:01:00
    expect(heard).toHaveLength(6)

    stops[0]!()
    stops[1]!()
    await clock.advance(TICK_MS)
    expect(heard.slice(6)).toEqual([3])
    stops[2]!()
    stops[2]!()
    expect(clock.pending()).toBe(0)
  })

  it('reads the clock floored to the last mark, the same between two ticks', async () => {
    const clock = createFakeClock(Date.UTC(2026, 5, 12, 9, 0, 0))
    const ticker = tickerFor(clock, clock)
    const mark = clock.now()
    await clock.advance(29_999)
    expect(ticker.now()).toBe(mark)
    await clock.advance(1)
    expect(ticker.now()).toBe(mark + TICK_MS)
  })

  it('aims at the next mark from the time a late timer fires', async () => {
    const clock = createFakeClock(Date.UTC(2026, 5, 12, 9, 0, 0))
    let late = 0
    // A scheduler whose timers fire 7 s late, like a throttled background tab.
    const laggy = { schedule: (ms: number, task: () => void) => clock.schedule(ms + late, task) }
    const ticker = tickerFor(clock, laggy)
    const at: number[] = []
    late = 7_000
    const stop = ticker.subscribe(() => at.push(clock.now() - Date.UTC(2026, 5, 12, 9, 0, 0)))
    await clock.advance(90_000)
    stop()
    expect(at).toEqual([37_000, 67_000])
  })
})
