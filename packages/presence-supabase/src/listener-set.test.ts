import { describe, expect, it } from 'vitest'
import { ListenerSet } from './listener-set.js'

describe('ListenerSet', () => {
  it('calls every listener; one that throws is reported and the rest still run', () => {
    const failures: unknown[] = []
    const set = new ListenerSet<[number]>((error) => failures.push(error))
    const heard: number[] = []
    set.add(() => {
      throw new Error('boom')
    })
    set.add((n) => heard.push(n))
    expect(() => set.emit(1)).not.toThrow()
    expect(heard).toEqual([1])
    expect(failures).toEqual([new Error('boom')])
  })

  it('the same function twice is two listeners; removers are idempotent', () => {
    const set = new ListenerSet<[]>(() => {})
    let calls = 0
    const fn = () => calls++
    const off = set.add(fn)
    set.add(fn)
    set.emit()
    expect(calls).toBe(2)
    off()
    off()
    expect(set.size).toBe(1)
  })

  it('a listener removed during an emit is not called later in that emit', () => {
    const set = new ListenerSet<[]>(() => {})
    const heard: string[] = []
    let offSecond: () => void = () => {}
    set.add(() => {
      heard.push('first')
      offSecond()
    })
    offSecond = set.add(() => heard.push('second'))
    set.emit()
    expect(heard).toEqual(['first'])
  })
})
