import { describe, expect, it, vi } from 'vitest'
import { createFakeClock, FAKE_CLOCK_START } from './fake-clock.js'

describe('createFakeClock', () => {
  it('starts at 13 June 2026 09:00 UTC unless told otherwise', () => {
    expect(createFakeClock().now()).toBe(Date.UTC(2026, 5, 13, 9, 0))
    expect(FAKE_CLOCK_START).toBe(Date.UTC(2026, 5, 13, 9, 0))
    expect(createFakeClock(1_000).now()).toBe(1_000)
  })

  it('moves only when advanced, and ends exactly at start + ms', async () => {
    const clock = createFakeClock(0)
    expect(clock.now()).toBe(0)
    await clock.advance(250)
    expect(clock.now()).toBe(250)
    await clock.advance(0)
    expect(clock.now()).toBe(250)
  })

  it('runs due timers in time order, with now() at each due time', async () => {
    const clock = createFakeClock(0)
    const seen: string[] = []
    clock.schedule(30, () => seen.push(`c@${clock.now()}`))
    clock.schedule(10, () => seen.push(`a@${clock.now()}`))
    clock.schedule(20, () => seen.push(`b@${clock.now()}`))
    clock.schedule(31, () => seen.push('late'))
    await clock.advance(30)
    expect(seen).toEqual(['a@10', 'b@20', 'c@30'])
    expect(clock.pending()).toBe(1)
    await clock.advance(1)
    expect(seen.at(-1)).toBe('late')
  })

  it('runs timers with equal due times in scheduling order', async () => {
    const clock = createFakeClock(0)
    const seen: number[] = []
    for (let i = 0; i < 20; i++) clock.schedule(5, () => seen.push(i))
    await clock.advance(5)
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })

  it('runs timers scheduled during the advance when they fall inside the window', async () => {
    const clock = createFakeClock(0)
    const seen: number[] = []
    clock.schedule(10, () => {
      seen.push(clock.now())
      clock.schedule(15, () => {
        seen.push(clock.now())
        clock.schedule(100, () => seen.push(clock.now()))
      })
    })
    await clock.advance(50)
    expect(seen).toEqual([10, 25])
    expect(clock.pending()).toBe(1)
    await clock.advance(75)
    expect(seen).toEqual([10, 25, 125])
  })

  it('never runs a cancelled timer, and cancelling twice is harmless', async () => {
    const clock = createFakeClock(0)
    let ran = false
    const cancel = clock.schedule(10, () => {
      ran = true
    })
    expect(clock.pending()).toBe(1)
    cancel()
    cancel()
    expect(clock.pending()).toBe(0)
    await clock.advance(100)
    expect(ran).toBe(false)
  })

  it('lets a timer cancel another that is due at the same time', async () => {
    const clock = createFakeClock(0)
    const seen: string[] = []
    let cancelB = (): void => undefined
    clock.schedule(10, () => {
      seen.push('a')
      cancelB()
    })
    cancelB = clock.schedule(10, () => seen.push('b'))
    await clock.advance(10)
    expect(seen).toEqual(['a'])
    expect(clock.pending()).toBe(0)
  })

  it('settles promise callbacks after each timer so async work started by it completes', async () => {
    const clock = createFakeClock(0)
    const seen: string[] = []
    clock.schedule(10, () => {
      void (async () => {
        await Promise.resolve()
        await Promise.resolve()
        seen.push(`async done at ${clock.now()}`)
        clock.schedule(5, () => seen.push(`follow-up at ${clock.now()}`))
      })()
    })
    clock.schedule(12, () => seen.push('second timer'))
    await clock.advance(20)
    expect(seen).toEqual(['async done at 10', 'second timer', 'follow-up at 15'])
  })

  it('flush runs what is due now, including zero-delay timers it schedules', async () => {
    const clock = createFakeClock(0)
    const seen: number[] = []
    clock.schedule(0, () => {
      seen.push(1)
      clock.schedule(0, () => seen.push(2))
    })
    clock.schedule(1, () => seen.push(3))
    await clock.flush()
    expect(seen).toEqual([1, 2])
    expect(clock.now()).toBe(0)
  })

  it('treats negative and NaN delays as zero', async () => {
    const clock = createFakeClock(0)
    const seen: string[] = []
    clock.schedule(-5, () => seen.push('negative'))
    clock.schedule(Number.NaN, () => seen.push('nan'))
    await clock.flush()
    expect(seen).toEqual(['negative', 'nan'])
  })

  it('set jumps forward running timers on the way, and refuses to go back', async () => {
    const clock = createFakeClock(0)
    const seen: number[] = []
    clock.schedule(100, () => seen.push(clock.now()))
    await clock.set(1_000)
    expect(seen).toEqual([100])
    expect(clock.now()).toBe(1_000)
    await expect(clock.set(999)).rejects.toThrow(RangeError)
    await expect(clock.set(Number.NaN)).rejects.toThrow(RangeError)
    expect(clock.now()).toBe(1_000)
  })

  it('rejects advances that are negative or not finite', async () => {
    const clock = createFakeClock(0)
    await expect(clock.advance(-1)).rejects.toThrow(RangeError)
    await expect(clock.advance(Number.POSITIVE_INFINITY)).rejects.toThrow(RangeError)
    expect(() => createFakeClock(Number.NaN)).toThrow(RangeError)
  })

  it('queues concurrent advances one after the other', async () => {
    const clock = createFakeClock(0)
    const seen: number[] = []
    clock.schedule(5, () => seen.push(clock.now()))
    clock.schedule(15, () => seen.push(clock.now()))
    await Promise.all([clock.advance(10), clock.advance(10)])
    expect(seen).toEqual([5, 15])
    expect(clock.now()).toBe(20)
  })

  it('runs the remaining timers when one throws, then rejects with its error', async () => {
    const clock = createFakeClock(0)
    const seen: string[] = []
    clock.schedule(1, () => {
      throw new Error('boom')
    })
    clock.schedule(2, () => seen.push('after'))
    await expect(clock.advance(5)).rejects.toThrow('boom')
    expect(seen).toEqual(['after'])
    expect(clock.now()).toBe(5)
    // The failure does not wedge the clock.
    await clock.advance(1)
    expect(clock.now()).toBe(6)
  })

  it('collects several timer errors into one AggregateError', async () => {
    const clock = createFakeClock(0)
    clock.schedule(1, () => {
      throw new Error('one')
    })
    clock.schedule(2, () => {
      throw new Error('two')
    })
    const error = await clock.advance(5).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AggregateError)
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['one', 'two'])
  })

  it('fails instead of hanging when a timer keeps rescheduling itself with no delay', async () => {
    const clock = createFakeClock(0)
    const loop = (): void => {
      clock.schedule(0, loop)
    }
    loop()
    await expect(clock.flush()).rejects.toThrow(/reschedules itself/)
  })

  it('never runs timers scheduled infinitely far away', async () => {
    const clock = createFakeClock(0)
    let ran = false
    clock.schedule(Number.POSITIVE_INFINITY, () => {
      ran = true
    })
    await clock.advance(1e12)
    expect(ran).toBe(false)
    expect(clock.pending()).toBe(1)
  })
})

describe('createFakeClock beside vitest fake timers', () => {
  it('still settles when vi.useFakeTimers() fakes setImmediate after load', async () => {
    const clock = createFakeClock(0)
    const seen: number[] = []
    clock.schedule(10, () => seen.push(clock.now()))
    vi.useFakeTimers()
    try {
      await clock.advance(10)
    } finally {
      vi.useRealTimers()
    }
    expect(seen).toEqual([10])
  })
})
