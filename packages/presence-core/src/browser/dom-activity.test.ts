// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PresenceError } from '../errors.js'
import type { ActivitySignal, Clock } from '../ports.js'
import { createDomActivitySource, type DomWindowLike } from './dom-activity.js'

const INPUT_EVENTS = [
  'pointerdown',
  'pointermove',
  'keydown',
  'wheel',
  'scroll',
  'touchstart',
  'focus',
] as const

function fakeClock(start = 1_000_000) {
  let t = start
  const clock: Clock = { now: () => t }
  return {
    clock,
    advance(ms: number) {
      t += ms
    },
    set(ms: number) {
      t = ms
    },
  }
}

function record() {
  const signals: ActivitySignal[] = []
  return { signals, listener: (signal: ActivitySignal) => signals.push(signal) }
}

function setVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state })
  document.dispatchEvent(new Event('visibilitychange'))
}

function setOnline(online: boolean) {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => online })
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

const fire = (type: string) => window.dispatchEvent(new Event(type))

afterEach(() => {
  vi.restoreAllMocks()
  // Back to happy-dom's own getters (visible, online).
  Reflect.deleteProperty(document, 'visibilityState')
  Reflect.deleteProperty(navigator, 'onLine')
  document.body.replaceChildren()
})

describe('createDomActivitySource: input throttling', () => {
  let time: ReturnType<typeof fakeClock>
  beforeEach(() => {
    time = fakeClock()
  })

  it('emits one input for a burst within the window, then another once the window has passed', () => {
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    for (let i = 0; i < 50; i++) {
      fire('pointermove')
      time.advance(19) // 50 × 19 ms = 950 ms, all inside the first second
    }
    expect(signals).toEqual([{ type: 'input' }])

    time.advance(49) // 999 ms after the first input: still inside
    fire('pointermove')
    expect(signals).toHaveLength(1)

    time.advance(1) // exactly 1000 ms after the first input
    fire('pointermove')
    expect(signals).toEqual([{ type: 'input' }, { type: 'input' }])
    unsubscribe()
  })

  it.each(INPUT_EVENTS)('counts %s as input', (type) => {
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    fire(type)
    expect(signals).toEqual([{ type: 'input' }])
    unsubscribe()
  })

  it('shares one window across event types', () => {
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    for (const type of INPUT_EVENTS) fire(type)
    expect(signals).toEqual([{ type: 'input' }])
    unsubscribe()
  })

  it('sees non-bubbling focus and scroll on elements (capture phase)', () => {
    const source = createDomActivitySource({ clock: time.clock, throttleMs: 0 })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    const field = document.createElement('input')
    const pane = document.createElement('div')
    document.body.append(field, pane)

    field.dispatchEvent(new Event('focus', { bubbles: false }))
    pane.dispatchEvent(new Event('scroll', { bubbles: false }))
    expect(signals).toEqual([{ type: 'input' }, { type: 'input' }])
    unsubscribe()
  })

  it('still sees input whose propagation the page stops', () => {
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    const button = document.createElement('button')
    document.body.append(button)
    button.addEventListener('pointerdown', (event) => event.stopPropagation())

    button.dispatchEvent(new Event('pointerdown', { bubbles: true }))
    expect(signals).toEqual([{ type: 'input' }])
    unsubscribe()
  })

  it('honours a custom throttleMs, and 0 disables throttling', () => {
    const slow = createDomActivitySource({ clock: time.clock, throttleMs: 5000 })
    const fast = createDomActivitySource({ clock: time.clock, throttleMs: 0 })
    const slowSignals = record()
    const fastSignals = record()
    const offSlow = slow.subscribe(slowSignals.listener)
    const offFast = fast.subscribe(fastSignals.listener)

    fire('keydown')
    time.advance(4999)
    fire('keydown')
    fire('keydown')
    expect(slowSignals.signals).toHaveLength(1)
    expect(fastSignals.signals).toHaveLength(3)

    time.advance(1)
    fire('keydown')
    expect(slowSignals.signals).toHaveLength(2)
    offSlow()
    offFast()
  })

  it('does not go silent when the wall clock is set back', () => {
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    fire('keydown')
    time.set(1_000_000 - 3_600_000) // an hour back
    fire('keydown')
    expect(signals).toEqual([{ type: 'input' }, { type: 'input' }])
    unsubscribe()
  })

  it('rejects an invalid throttleMs', () => {
    for (const throttleMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createDomActivitySource({ throttleMs })).toThrow(PresenceError)
    }
  })
})

describe('createDomActivitySource: visibility and network', () => {
  it('reports the page becoming hidden, and becoming visible as visibility plus input', () => {
    const time = fakeClock()
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    setVisibility('hidden')
    expect(signals).toEqual([{ type: 'visibility', hidden: true }])
    expect(source.current()).toEqual({ hidden: true, online: true })

    time.advance(60_000)
    setVisibility('visible')
    expect(signals).toEqual([
      { type: 'visibility', hidden: true },
      { type: 'visibility', hidden: false },
      { type: 'input' },
    ])
    expect(source.current()).toEqual({ hidden: false, online: true })
    unsubscribe()
  })

  it('lets the input of becoming visible count against the throttle window', () => {
    const time = fakeClock()
    const source = createDomActivitySource({ clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    fire('keydown')
    setVisibility('hidden')
    time.advance(500)
    setVisibility('visible') // input 500 ms ago is still fresh: no second input
    time.advance(100)
    fire('pointermove')
    expect(signals).toEqual([
      { type: 'input' },
      { type: 'visibility', hidden: true },
      { type: 'visibility', hidden: false },
    ])
    unsubscribe()
  })

  it('reports going offline and back online', () => {
    const source = createDomActivitySource({ clock: fakeClock().clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    setOnline(false)
    expect(signals).toEqual([{ type: 'network', online: false }])
    expect(source.current()).toEqual({ hidden: false, online: false })

    setOnline(true)
    expect(signals).toEqual([
      { type: 'network', online: false },
      { type: 'network', online: true },
    ])
    expect(source.current()).toEqual({ hidden: false, online: true })
    unsubscribe()
  })

  it('reads current() from the page even with no subscriber', () => {
    // Passed explicitly so the compiler checks that a real Window and Document fit the options.
    const source = createDomActivitySource({ target: window, document })
    expect(source.current()).toEqual({ hidden: false, online: true })
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' })
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false })
    expect(source.current()).toEqual({ hidden: true, online: false })
  })
})

describe('createDomActivitySource: subscriptions', () => {
  it('attaches DOM listeners on the first subscribe and removes them after the last unsubscribe', () => {
    const windowAdd = vi.spyOn(window, 'addEventListener')
    const windowRemove = vi.spyOn(window, 'removeEventListener')
    const documentAdd = vi.spyOn(document, 'addEventListener')
    const documentRemove = vi.spyOn(document, 'removeEventListener')

    const source = createDomActivitySource({ clock: fakeClock().clock })
    expect(windowAdd).not.toHaveBeenCalled()
    expect(documentAdd).not.toHaveBeenCalled()

    const offA = source.subscribe(() => {})
    expect(windowAdd.mock.calls.map(([type]) => type).sort()).toEqual(
      [...INPUT_EVENTS, 'online', 'offline'].sort(),
    )
    expect(documentAdd.mock.calls.map(([type]) => type)).toEqual(['visibilitychange'])
    for (const [type, , options] of windowAdd.mock.calls) {
      expect(options, type).toMatchObject({ passive: true })
    }

    const offB = source.subscribe(() => {})
    expect(windowAdd).toHaveBeenCalledTimes(9)
    expect(documentAdd).toHaveBeenCalledTimes(1)

    offA()
    offA() // idempotent: must not count as B leaving
    expect(windowRemove).not.toHaveBeenCalled()
    expect(documentRemove).not.toHaveBeenCalled()

    offB()
    // Removed with the same listener and capture flag they were added with, or they would leak.
    const key = (type: unknown, listener: unknown, options: unknown) => ({
      type,
      listener,
      capture: (options as { capture?: boolean } | undefined)?.capture ?? false,
    })
    const added = windowAdd.mock.calls.map(([t, l, o]) => key(t, l, o))
    const removed = windowRemove.mock.calls.map(([t, l, o]) => key(t, l, o))
    expect(removed).toEqual(added)
    expect(documentRemove.mock.calls.map(([t, l, o]) => key(t, l, o))).toEqual(
      documentAdd.mock.calls.map(([t, l, o]) => key(t, l, o)),
    )
  })

  it('emits nothing after the last unsubscribe, and starts a fresh window when resubscribed', () => {
    const time = fakeClock()
    const source = createDomActivitySource({ clock: time.clock })
    const first = record()
    const unsubscribe = source.subscribe(first.listener)
    fire('keydown')
    unsubscribe()

    fire('keydown')
    setVisibility('hidden')
    setOnline(false)
    expect(first.signals).toEqual([{ type: 'input' }])

    time.advance(10) // well inside the old window
    const second = record()
    const off = source.subscribe(second.listener)
    fire('keydown')
    expect(second.signals).toEqual([{ type: 'input' }])
    off()
  })

  it('delivers each signal to every subscriber, in subscription order', () => {
    const source = createDomActivitySource({ clock: fakeClock().clock })
    const order: string[] = []
    const a = record()
    const b = record()
    const offA = source.subscribe((signal) => {
      order.push('a')
      a.listener(signal)
    })
    const offB = source.subscribe((signal) => {
      order.push('b')
      b.listener(signal)
    })

    fire('pointerdown')
    setOnline(false)
    expect(a.signals).toEqual([{ type: 'input' }, { type: 'network', online: false }])
    expect(b.signals).toEqual(a.signals)
    expect(order).toEqual(['a', 'b', 'a', 'b'])

    offA()
    setOnline(true)
    expect(a.signals).toHaveLength(2)
    expect(b.signals).toHaveLength(3)
    offB()
  })

  it('treats the same function subscribed twice as two subscriptions', () => {
    const source = createDomActivitySource({ clock: fakeClock().clock })
    const { signals, listener } = record()
    const offFirst = source.subscribe(listener)
    const offSecond = source.subscribe(listener)

    fire('keydown')
    expect(signals).toHaveLength(2)
    offFirst()
    setOnline(false)
    expect(signals).toHaveLength(3)
    offSecond()
  })

  it('does not deliver to a subscriber removed by an earlier one during the same signal', () => {
    const source = createDomActivitySource({ clock: fakeClock().clock })
    const late = record()
    let offLate = () => {}
    const offEarly = source.subscribe(() => offLate())
    offLate = source.subscribe(late.listener)

    fire('keydown')
    expect(late.signals).toEqual([])
    offEarly()
  })
})

describe('createDomActivitySource: injected targets', () => {
  /** A target whose listeners the test calls directly, so a thrown error reaches the test. */
  function fakeWindow() {
    const listeners = new Map<string, Set<() => void>>()
    const target: DomWindowLike & { fire(type: string): void; count(): number } = {
      navigator: { onLine: true },
      addEventListener(type, listener) {
        const set = listeners.get(type) ?? new Set()
        set.add(listener)
        listeners.set(type, set)
      },
      removeEventListener(type, listener) {
        listeners.get(type)?.delete(listener)
      },
      fire(type) {
        for (const listener of listeners.get(type) ?? []) listener()
      },
      count() {
        let n = 0
        for (const set of listeners.values()) n += set.size
        return n
      },
    }
    return target
  }

  it('uses the given target instead of the global window', () => {
    const target = fakeWindow()
    const source = createDomActivitySource({ target, clock: fakeClock().clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    expect(target.count()).toBe(9)

    fire('keydown') // the global window is not watched
    target.fire('keydown')
    target.fire('offline')
    expect(signals).toEqual([{ type: 'input' }, { type: 'network', online: false }])

    unsubscribe()
    expect(target.count()).toBe(0)
  })

  it('delivers to the other subscribers when one throws, then rethrows the first error', () => {
    const target = fakeWindow()
    const source = createDomActivitySource({ target, clock: fakeClock().clock })
    const after = record()
    const boom = new Error('boom')
    const offThrowing = source.subscribe(() => {
      throw boom
    })
    const offSecondThrowing = source.subscribe(() => {
      throw new Error('second')
    })
    const offAfter = source.subscribe(after.listener)

    expect(() => target.fire('offline')).toThrow(boom)
    expect(after.signals).toEqual([{ type: 'network', online: false }])
    offThrowing()
    offSecondThrowing()
    offAfter()
  })
})
