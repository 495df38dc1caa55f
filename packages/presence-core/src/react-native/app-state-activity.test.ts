// Runs in the plain node environment: like React Native, no window and no document.
import { describe, expect, it, vi } from 'vitest'
import { createFakeAppState, createFakeNetInfo } from '../../test/fake-react-native.js'
import { createWorld, MINUTE, ROOM } from '../../test/test-world.js'
import { PresenceError } from '../errors.js'
import type { ActivitySignal, Clock } from '../ports.js'
import { createAppStateActivitySource } from '../react-native.js'

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

const HIDDEN = { type: 'visibility', hidden: true } as const
const VISIBLE = { type: 'visibility', hidden: false } as const
const INPUT = { type: 'input' } as const

describe('createAppStateActivitySource: app state', () => {
  it('reports going to the background, and coming back as visibility plus input', () => {
    const time = fakeClock()
    const appState = createFakeAppState('active')
    const source = createAppStateActivitySource({ appState, clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    appState.change('inactive') // iOS passes through inactive on its way out
    appState.change('background')
    expect(signals).toEqual([HIDDEN])
    expect(source.current()).toEqual({ hidden: true, online: true })

    time.advance(60_000)
    appState.change('active')
    expect(signals).toEqual([HIDDEN, VISIBLE, INPUT])
    expect(source.current()).toEqual({ hidden: false, online: true })
    unsubscribe()
  })

  it('keeps the current state through inactive, unknown and extension', () => {
    const time = fakeClock()
    const appState = createFakeAppState('active')
    const source = createAppStateActivitySource({ appState, clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    for (const state of ['inactive', 'unknown', 'extension'] as const) appState.change(state)
    expect(signals).toEqual([])
    expect(source.current().hidden).toBe(false)

    appState.change('background')
    for (const state of ['inactive', 'unknown', 'extension'] as const) appState.change(state)
    expect(signals).toEqual([HIDDEN])
    expect(source.current().hidden).toBe(true)
    unsubscribe()
  })

  it('counts returning from the control centre (inactive → active) as input, not visibility', () => {
    const time = fakeClock()
    const appState = createFakeAppState('active')
    const source = createAppStateActivitySource({ appState, clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    appState.change('inactive')
    time.advance(5_000)
    appState.change('active')
    expect(signals).toEqual([INPUT])
    unsubscribe()
  })

  it('emits nothing again for a repeated state, and throttles repeated activations', () => {
    const time = fakeClock()
    const appState = createFakeAppState('active')
    const source = createAppStateActivitySource({ appState, clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    appState.change('background')
    appState.change('background')
    appState.change('active')
    appState.change('active') // same instant: inside the input window
    expect(signals).toEqual([HIDDEN, VISIBLE, INPUT])

    time.advance(1_000)
    appState.change('active')
    expect(signals).toEqual([HIDDEN, VISIBLE, INPUT, INPUT])
    unsubscribe()
  })

  it('starts hidden when launched in the background, and visible from inactive or unknown', () => {
    expect(
      createAppStateActivitySource({ appState: createFakeAppState('background') }).current(),
    ).toEqual({ hidden: true, online: true })
    for (const state of ['active', 'inactive', 'unknown', null] as const) {
      const appState = createFakeAppState(state)
      expect(createAppStateActivitySource({ appState }).current().hidden, String(state)).toBe(false)
    }
  })

  it('reads current() from AppState while nobody subscribes', () => {
    const appState = createFakeAppState('active')
    const source = createAppStateActivitySource({ appState })
    appState.currentState = 'background'
    expect(source.current().hidden).toBe(true)
    appState.currentState = 'inactive' // says nothing: keeps hidden
    expect(source.current().hidden).toBe(true)
    appState.currentState = 'active'
    expect(source.current().hidden).toBe(false)
  })

  it('picks up a state that changed while nobody listened, without a signal', () => {
    const appState = createFakeAppState('active')
    const source = createAppStateActivitySource({ appState, clock: fakeClock().clock })
    appState.currentState = 'background'
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    expect(source.current().hidden).toBe(true)
    appState.change('background')
    expect(signals).toEqual([])
    unsubscribe()
  })
})

describe('createAppStateActivitySource: reported input', () => {
  it('throttles reportInput like the DOM source, and passes as a bare handler', () => {
    const time = fakeClock()
    const source = createAppStateActivitySource({
      appState: createFakeAppState(),
      clock: time.clock,
    })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    const onTouchStartCapture: (event: { nativeEvent: unknown }) => void = source.reportInput

    for (let i = 0; i < 50; i++) {
      onTouchStartCapture({ nativeEvent: {} })
      time.advance(19)
    }
    expect(signals).toEqual([INPUT])
    time.advance(50) // 1000 ms after the first input
    source.reportInput()
    expect(signals).toEqual([INPUT, INPUT])
    unsubscribe()
  })

  it('lets becoming active count against the same window', () => {
    const time = fakeClock()
    const appState = createFakeAppState()
    const source = createAppStateActivitySource({ appState, clock: time.clock })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)

    source.reportInput()
    appState.change('background')
    time.advance(500)
    appState.change('active') // input 500 ms ago is still fresh
    source.reportInput()
    expect(signals).toEqual([INPUT, HIDDEN, VISIBLE])
    unsubscribe()
  })

  it('honours a custom throttleMs, 0 disables throttling, and a clock set back does not silence', () => {
    const time = fakeClock()
    const appState = createFakeAppState()
    const slow = createAppStateActivitySource({ appState, clock: time.clock, throttleMs: 5000 })
    const fast = createAppStateActivitySource({ appState, clock: time.clock, throttleMs: 0 })
    const slowSignals = record()
    const fastSignals = record()
    const offSlow = slow.subscribe(slowSignals.listener)
    const offFast = fast.subscribe(fastSignals.listener)

    slow.reportInput()
    fast.reportInput()
    time.advance(4999)
    slow.reportInput()
    fast.reportInput()
    fast.reportInput()
    expect(slowSignals.signals).toHaveLength(1)
    expect(fastSignals.signals).toHaveLength(3)

    time.set(1_000_000 - 3_600_000) // an hour back
    slow.reportInput()
    expect(slowSignals.signals).toHaveLength(2)
    offSlow()
    offFast()
  })

  it('does nothing without a subscriber, and a new subscriber starts a fresh window', () => {
    const time = fakeClock()
    const source = createAppStateActivitySource({
      appState: createFakeAppState(),
      clock: time.clock,
    })
    source.reportInput() // nobody listens: must not throw nor open a window
    const first = record()
    const off = source.subscribe(first.listener)
    source.reportInput()
    off()
    source.reportInput()
    expect(first.signals).toEqual([INPUT])

    time.advance(10)
    const second = record()
    const offSecond = source.subscribe(second.listener)
    source.reportInput()
    expect(second.signals).toEqual([INPUT])
    offSecond()
  })

  it('rejects an invalid throttleMs, appState or netInfo', () => {
    const appState = createFakeAppState()
    for (const throttleMs of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createAppStateActivitySource({ appState, throttleMs })).toThrow(PresenceError)
    }
    const bad = (options: unknown) => () =>
      createAppStateActivitySource(options as Parameters<typeof createAppStateActivitySource>[0])
    expect(bad(undefined)).toThrow(PresenceError)
    expect(bad({ appState: { currentState: 'active' } })).toThrow(PresenceError)
    expect(bad({ appState, netInfo: {} })).toThrow(PresenceError)
  })
})

describe('createAppStateActivitySource: connectivity', () => {
  it('reports losing and regaining the connection, once per change', () => {
    const netInfo = createFakeNetInfo({ isConnected: true, type: 'wifi' })
    const source = createAppStateActivitySource({
      appState: createFakeAppState(),
      netInfo,
      clock: fakeClock().clock,
    })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    expect(signals).toEqual([]) // the first report says what was assumed: online

    netInfo.report({ isConnected: true, type: 'cellular' }) // another network, still connected
    netInfo.report({ isConnected: false, type: 'none' })
    netInfo.report({ isConnected: false, type: 'none' })
    expect(signals).toEqual([{ type: 'network', online: false }])
    expect(source.current()).toEqual({ hidden: false, online: false })

    netInfo.report({ isConnected: null, type: 'unknown' }) // unknown counts as online
    expect(signals).toEqual([
      { type: 'network', online: false },
      { type: 'network', online: true },
    ])
    expect(source.current()).toEqual({ hidden: false, online: true })
    unsubscribe()
  })

  it('reports offline at once when the first report after subscribing says so', () => {
    const netInfo = createFakeNetInfo({ isConnected: false })
    const source = createAppStateActivitySource({ appState: createFakeAppState(), netInfo })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    expect(signals).toEqual([{ type: 'network', online: false }])
    expect(source.current().online).toBe(false)
    unsubscribe()
  })

  it('takes any { addEventListener(listener) → unsubscribe } source', () => {
    let report: (state: { isConnected: boolean }) => void = () => {}
    const unsubscribeSpy = vi.fn()
    const connectivity = {
      addEventListener(listener: (state: { isConnected: boolean }) => void) {
        report = listener
        return unsubscribeSpy
      },
    }
    const source = createAppStateActivitySource({
      appState: createFakeAppState(),
      netInfo: connectivity,
    })
    const { signals, listener } = record()
    const unsubscribe = source.subscribe(listener)
    report({ isConnected: false })
    expect(signals).toEqual([{ type: 'network', online: false }])
    unsubscribe()
    expect(unsubscribeSpy).toHaveBeenCalledTimes(1)
  })
})

describe('createAppStateActivitySource: subscriptions', () => {
  it('adds listeners on the first subscribe and removes every one after the last unsubscribe', () => {
    const appState = createFakeAppState()
    const netInfo = createFakeNetInfo()
    const source = createAppStateActivitySource({ appState, netInfo, clock: fakeClock().clock })
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([0, 0])

    const offA = source.subscribe(() => {})
    const offB = source.subscribe(() => {})
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([1, 1])

    offA()
    offA() // idempotent: must not count as B leaving
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([1, 1])
    offB()
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([0, 0])

    const offC = source.subscribe(() => {})
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([1, 1])
    offC()
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([0, 0])
  })

  it('emits nothing after the last unsubscribe', () => {
    const appState = createFakeAppState()
    const netInfo = createFakeNetInfo()
    const source = createAppStateActivitySource({ appState, netInfo, clock: fakeClock().clock })
    const { signals, listener } = record()
    source.subscribe(listener)()
    appState.change('background')
    appState.change('active')
    netInfo.report({ isConnected: false })
    source.reportInput()
    expect(signals).toEqual([])
  })

  it('delivers each signal to every subscriber in order; a throwing one does not stop the rest', () => {
    const appState = createFakeAppState()
    const source = createAppStateActivitySource({ appState, clock: fakeClock().clock })
    const order: string[] = []
    const boom = new Error('boom')
    const offThrowing = source.subscribe(() => {
      order.push('a')
      throw boom
    })
    const offSecondThrowing = source.subscribe(() => {
      order.push('b')
      throw new Error('second')
    })
    const after = record()
    const offAfter = source.subscribe(after.listener)

    expect(() => appState.change('background')).toThrow(boom)
    expect(order).toEqual(['a', 'b'])
    expect(after.signals).toEqual([HIDDEN])
    offThrowing()
    offSecondThrowing()
    offAfter()
  })

  it('does not deliver to a subscriber removed by an earlier one during the same signal', () => {
    const source = createAppStateActivitySource({
      appState: createFakeAppState(),
      clock: fakeClock().clock,
    })
    const late = record()
    let offLate = () => {}
    const offEarly = source.subscribe(() => offLate())
    offLate = source.subscribe(late.listener)
    source.reportInput()
    expect(late.signals).toEqual([])
    offEarly()
  })
})

describe('createAppStateActivitySource with a presence client', () => {
  it('backgrounding makes the session hidden, then idle; foreground brings it back online', async () => {
    const { clock, supplier } = createWorld()
    const board = supplier('u-venue').client.enter(ROOM)
    const appState = createFakeAppState('active')
    const netInfo = createFakeNetInfo()
    const activity = createAppStateActivitySource({ appState, netInfo, clock })
    const florist = supplier('u-florist', { activity })
    florist.client.enter(ROOM)
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')

    appState.change('inactive')
    appState.change('background')
    expect(florist.client.me().hidden).toBe(true)
    await clock.advance(MINUTE + 1_000)
    expect(florist.client.me().status).toBe('idle')
    expect(board.member('u-florist')?.status).toBe('idle')

    appState.change('active')
    expect(florist.client.me()).toMatchObject({ hidden: false, status: 'online' })
    await clock.advance(1_000)
    expect(board.member('u-florist')?.status).toBe('online')

    // Touches reported by the app keep the session online past the idle threshold.
    for (let minute = 0; minute < 10; minute++) {
      activity.reportInput()
      await clock.advance(MINUTE)
    }
    expect(board.member('u-florist')?.status).toBe('online')
    await clock.advance(5 * MINUTE)
    expect(board.member('u-florist')?.status).toBe('idle')

    florist.client.destroy()
    expect([appState.listenerCount(), netInfo.listenerCount()]).toEqual([0, 0])
  })

  it('starts hidden when the client is created while the app is in the background', async () => {
    const { clock, supplier } = createWorld()
    const appState = createFakeAppState('background')
    const florist = supplier('u-florist', {
      activity: createAppStateActivitySource({ appState, clock }),
    })
    expect(florist.client.me().hidden).toBe(true)
    await clock.advance(MINUTE)
    expect(florist.client.me().status).toBe('idle')
    florist.client.destroy()
    expect(appState.listenerCount()).toBe(0)
  })
})

describe('the react-native entry', () => {
  it('reads neither window, document nor navigator while imported', async () => {
    const reads: string[] = []
    const names = ['window', 'document', 'navigator'] as const
    const saved = names.map((name) => Object.getOwnPropertyDescriptor(globalThis, name))
    try {
      for (const name of names) {
        Object.defineProperty(globalThis, name, {
          configurable: true,
          get() {
            reads.push(name)
            return undefined
          },
        })
      }
      vi.resetModules()
      const entry = await import('../react-native.js')
      expect(typeof entry.createAppStateActivitySource).toBe('function')
      expect(reads).toEqual([])
    } finally {
      names.forEach((name, i) => {
        const descriptor = saved[i]
        if (descriptor) Object.defineProperty(globalThis, name, descriptor)
        else Reflect.deleteProperty(globalThis, name)
      })
    }
  })
})
