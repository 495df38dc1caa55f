import { createDeferred } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createWriteCoalescer, distinctRounds } from './write-coalescer.js'

describe('createWriteCoalescer', () => {
  it('writes the first call at once and gathers the calls made while it is in flight', async () => {
    const batches: number[][] = []
    const gates: ReturnType<typeof createDeferred<void>>[] = []
    const write = createWriteCoalescer<number, number>(
      async (batch) => {
        batches.push([...batch])
        const gate = createDeferred<void>()
        gates.push(gate)
        await gate.promise
        return batch.map((n) => n * 10)
      },
      { maxInFlight: 1 },
    )
    const first = write(1)
    await Promise.resolve()
    const rest = [write(2), write(3), write(4)]
    expect(batches).toEqual([[1]])
    gates[0]!.resolve()
    expect(await first).toBe(10)
    await new Promise<void>((resolve) => queueMicrotask(resolve))
    expect(batches).toEqual([[1], [2, 3, 4]])
    gates[1]!.resolve()
    expect(await Promise.all(rest)).toEqual([20, 30, 40])
  })

  it('caps batch size and rejects every caller of a failed batch', async () => {
    const sizes: number[] = []
    const write = createWriteCoalescer<number, void>(
      async (batch) => {
        sizes.push(batch.length)
        if (batch.includes(3)) throw new Error('store down')
        return batch.map(() => undefined)
      },
      { maxBatch: 2, maxInFlight: 1 },
    )
    const outcomes = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => write(n)))
    expect(sizes).toEqual([2, 2, 1])
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
    ])
  })
})

describe('distinctRounds', () => {
  it('puts each key at most once per round, keeping its order', () => {
    expect(distinctRounds(['a', 'b', 'a', 'c', 'a', 'b'], (k) => k)).toEqual([
      [0, 1, 3],
      [2, 5],
      [4],
    ])
    expect(distinctRounds([], (k: string) => k)).toEqual([])
  })
})
