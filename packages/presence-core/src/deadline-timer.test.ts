import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createDeadlineTimer } from './deadline-timer.js'

function setup() {
  const clock = createFakeClock()
  const runs: number[] = []
  const timer = createDeadlineTimer(clock, clock, () => runs.push(clock.now()))
  const at = (ms: number) => clock.now() + ms
  return { clock, runs, timer, at }
}

describe('createDeadlineTimer', () => {
  it('runs the task once, at the deadline', async () => {
    const { clock, runs, timer, at } = setup()
    const due = at(1_000)
    timer(due)
    expect(runs).toEqual([])
    await clock.advance(999)
    expect(runs).toEqual([])
    await clock.advance(1)
    expect(runs).toEqual([due])
    await clock.advance(10_000)
    expect(runs).toHaveLength(1)
  })

  it('keeps the timer set when the deadline moves later, and runs at the later one', async () => {
    const { clock, runs, timer, at } = setup()
    timer(at(1_000))
    for (let i = 1; i <= 50; i++) timer(at(1_000 + i * 100))
    // One timer for the first deadline; no new timer per later one.
    expect(clock.pending()).toBe(1)
    const last = at(6_000)
    await clock.advance(5_999)
    expect(runs).toEqual([])
    await clock.advance(1)
    expect(runs).toEqual([last])
    expect(clock.pending()).toBe(0)
  })

  it('replaces the timer for an earlier deadline', async () => {
    const { clock, runs, timer, at } = setup()
    timer(at(5_000))
    const early = at(1_000)
    timer(early)
    expect(clock.pending()).toBe(1)
    await clock.advance(1_000)
    expect(runs).toEqual([early])
    await clock.advance(10_000)
    expect(runs).toEqual([early])
  })

  it('never runs once set to undefined, and can be set again', async () => {
    const { clock, runs, timer, at } = setup()
    timer(at(1_000))
    timer(undefined)
    expect(clock.pending()).toBe(0)
    await clock.advance(5_000)
    expect(runs).toEqual([])
    const due = at(500)
    timer(due)
    await clock.advance(500)
    expect(runs).toEqual([due])
  })

  it('runs at once for a deadline already past, and may be set again from the task', async () => {
    const clock = createFakeClock()
    const runs: number[] = []
    const timer = createDeadlineTimer(clock, clock, () => {
      runs.push(clock.now())
      if (runs.length < 3) timer(clock.now() + 100)
    })
    timer(clock.now() - 50)
    await clock.flush()
    await clock.advance(1_000)
    expect(runs.map((t) => t - runs[0]!)).toEqual([0, 100, 200])
  })
})
