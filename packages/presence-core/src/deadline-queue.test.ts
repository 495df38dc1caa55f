import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DeadlineQueue } from './deadline-queue.js'

describe('DeadlineQueue', () => {
  it('is empty at first', () => {
    const queue = new DeadlineQueue()
    expect(queue.peek()).toBeUndefined()
    expect(queue.takeDue(Number.MAX_SAFE_INTEGER)).toEqual([])
  })

  it('hands out keys in deadline order, only those due', () => {
    const queue = new DeadlineQueue()
    queue.schedule('c', 300)
    queue.schedule('a', 100)
    queue.schedule('d', 400)
    queue.schedule('b', 200)
    expect(queue.peek()).toBe(100)
    expect(queue.takeDue(99)).toEqual([])
    expect(queue.takeDue(200)).toEqual(['a', 'b'])
    expect(queue.peek()).toBe(300)
    expect(queue.takeDue(1_000)).toEqual(['c', 'd'])
    expect(queue.peek()).toBeUndefined()
  })

  it('counts a deadline equal to now as due', () => {
    const queue = new DeadlineQueue()
    queue.schedule('a', 100)
    expect(queue.takeDue(100)).toEqual(['a'])
  })

  it('takes the latest request for a key, earlier or later', () => {
    const later = new DeadlineQueue()
    later.schedule('a', 100)
    later.schedule('b', 300)
    later.schedule('a', 500)
    // 'a' moved past 'b': nothing is due at 100, and a heartbeat never wakes the room early.
    expect(later.peek()).toBe(300)
    expect(later.takeDue(100)).toEqual([])
    expect(later.takeDue(300)).toEqual(['b'])
    expect(later.peek()).toBe(500)
    expect(later.takeDue(500)).toEqual(['a'])
    expect(later.peek()).toBeUndefined()

    const earlier = new DeadlineQueue()
    earlier.schedule('a', 500)
    earlier.schedule('b', 300)
    earlier.schedule('a', 100)
    expect(earlier.peek()).toBe(100)
    expect(earlier.takeDue(100)).toEqual(['a'])
    // The outdated entry at 500 is dropped: 'a' is not due again.
    expect(earlier.peek()).toBe(300)
    expect(earlier.takeDue(1_000)).toEqual(['b'])
  })

  it('moves a deadline later and back earlier without handing the key out twice', () => {
    const queue = new DeadlineQueue()
    queue.schedule('a', 100)
    queue.schedule('a', 50)
    queue.schedule('a', 200)
    expect(queue.peek()).toBe(200)
    expect(queue.takeDue(1_000)).toEqual(['a'])
    expect(queue.peek()).toBeUndefined()
    queue.schedule('a', 300)
    expect(queue.takeDue(1_000)).toEqual(['a'])
    expect(queue.takeDue(1_000)).toEqual([])
  })

  it('hands out a key once even when a stale entry has the same deadline as a new one', () => {
    const queue = new DeadlineQueue()
    queue.schedule('a', 100)
    queue.schedule('a', 50)
    expect(queue.takeDue(50)).toEqual(['a'])
    queue.schedule('a', 100)
    expect(queue.peek()).toBe(100)
    expect(queue.takeDue(100)).toEqual(['a'])
    expect(queue.peek()).toBeUndefined()
    expect(queue.takeDue(1_000)).toEqual([])
  })

  it('can schedule a key again after it was taken', () => {
    const queue = new DeadlineQueue()
    queue.schedule('a', 100)
    expect(queue.takeDue(100)).toEqual(['a'])
    queue.schedule('a', 200)
    expect(queue.takeDue(199)).toEqual([])
    expect(queue.takeDue(200)).toEqual(['a'])
  })

  it('forgets a cancelled key: its entry is dropped when it reaches the top', () => {
    const queue = new DeadlineQueue()
    queue.schedule('a', 100)
    queue.schedule('b', 200)
    queue.cancel('a')
    expect(queue.peek()).toBe(200)
    expect(queue.takeDue(1_000)).toEqual(['b'])
  })

  it('forgets everything on clear', () => {
    const queue = new DeadlineQueue()
    queue.schedule('a', 100)
    queue.schedule('b', 50)
    queue.clear()
    expect(queue.peek()).toBeUndefined()
    expect(queue.takeDue(1_000)).toEqual([])
    queue.schedule('a', 300)
    expect(queue.peek()).toBe(300)
  })

  it('matches a model of "latest request per key" under random operations', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g')
    const time = fc.integer({ min: 0, max: 50 })
    const op = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), key, at: time }),
      fc.record({ kind: fc.constant('take' as const), now: time }),
      fc.record({ kind: fc.constant('peek' as const) }),
      fc.record({ kind: fc.constant('clear' as const) }),
      fc.record({ kind: fc.constant('cancel' as const), key }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const queue = new DeadlineQueue()
        const model = new Map<string, number>()
        const modelMin = () => (model.size === 0 ? undefined : Math.min(...model.values()))
        for (const o of ops) {
          if (o.kind === 'schedule') {
            queue.schedule(o.key, o.at)
            model.set(o.key, o.at)
          } else if (o.kind === 'take') {
            const due = queue.takeDue(o.now)
            const expected = Array.from(model).filter(([, at]) => at <= o.now)
            expect([...due].sort()).toEqual(expected.map(([k]) => k).sort())
            const times = due.map((k) => model.get(k)!)
            for (let i = 1; i < times.length; i++)
              expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]!)
            for (const k of due) model.delete(k)
          } else if (o.kind === 'peek') {
            expect(queue.peek()).toBe(modelMin())
          } else if (o.kind === 'cancel') {
            queue.cancel(o.key)
            model.delete(o.key)
          } else {
            queue.clear()
            model.clear()
          }
        }
        expect(queue.peek()).toBe(modelMin())
      }),
      { numRuns: 500 },
    )
  })
})
