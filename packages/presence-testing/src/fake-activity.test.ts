import type { ActivitySignal } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import { createFakeActivity } from './fake-activity.js'

describe('createFakeActivity', () => {
  it('starts visible and online unless told otherwise', () => {
    expect(createFakeActivity().current()).toEqual({ hidden: false, online: true })
    expect(createFakeActivity({ hidden: true, online: false }).current()).toEqual({
      hidden: true,
      online: false,
    })
  })

  it('emits each control as its signal, synchronously, and tracks the state', () => {
    const activity = createFakeActivity()
    const seen: ActivitySignal[] = []
    activity.subscribe((signal) => seen.push(signal))
    activity.input()
    activity.hide()
    expect(activity.current()).toEqual({ hidden: true, online: true })
    activity.show()
    activity.goOffline()
    expect(activity.current()).toEqual({ hidden: false, online: false })
    activity.goOnline()
    expect(seen).toEqual([
      { type: 'input' },
      { type: 'visibility', hidden: true },
      { type: 'visibility', hidden: false },
      { type: 'network', online: false },
      { type: 'network', online: true },
    ])
  })

  it('emits repeated controls even when the state does not change', () => {
    const activity = createFakeActivity({ hidden: true })
    const seen: ActivitySignal[] = []
    activity.subscribe((signal) => seen.push(signal))
    activity.hide()
    activity.hide()
    expect(seen).toEqual([
      { type: 'visibility', hidden: true },
      { type: 'visibility', hidden: true },
    ])
  })

  it('counts subscriptions, and unsubscribing stops delivery to that one only', () => {
    const activity = createFakeActivity()
    const a: ActivitySignal[] = []
    const b: ActivitySignal[] = []
    const offA = activity.subscribe((s) => a.push(s))
    activity.subscribe((s) => b.push(s))
    expect(activity.listenerCount()).toBe(2)
    offA()
    offA()
    expect(activity.listenerCount()).toBe(1)
    activity.input()
    expect(a).toEqual([])
    expect(b).toEqual([{ type: 'input' }])
  })

  it('treats the same function subscribed twice as two subscriptions', () => {
    const activity = createFakeActivity()
    let calls = 0
    const listener = (): void => {
      calls++
    }
    const off = activity.subscribe(listener)
    activity.subscribe(listener)
    activity.input()
    expect(calls).toBe(2)
    off()
    activity.input()
    expect(calls).toBe(3)
  })

  it('does not call a listener that an earlier listener removed during the same signal', () => {
    const activity = createFakeActivity()
    const seen: string[] = []
    let offSecond = (): void => undefined
    activity.subscribe(() => {
      seen.push('first')
      offSecond()
    })
    offSecond = activity.subscribe(() => seen.push('second'))
    activity.input()
    expect(seen).toEqual(['first'])
  })
})
