// Runs in the plain node environment: no window, no document, as during server-side rendering.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ActivitySignal, Clock } from '../ports.js'

afterEach(() => {
  Reflect.deleteProperty(globalThis, 'window')
  Reflect.deleteProperty(globalThis, 'document')
})

describe('createDomActivitySource without a DOM', () => {
  it('really runs without window and document', () => {
    expect(typeof window).toBe('undefined')
    expect(typeof document).toBe('undefined')
  })

  it('reads neither window nor document while the entry is imported', async () => {
    const reads: string[] = []
    for (const name of ['window', 'document']) {
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          reads.push(name)
          return undefined
        },
      })
    }
    vi.resetModules()
    const entry = await import('../browser.js')
    expect(typeof entry.createDomActivitySource).toBe('function')
    expect(reads).toEqual([])
  })

  it('returns a source that never emits and reports visible and online', async () => {
    const { createDomActivitySource } = await import('../browser.js')
    const source = createDomActivitySource()
    const signals: ActivitySignal[] = []
    const unsubscribe = source.subscribe((signal) => signals.push(signal))

    expect(source.current()).toEqual({ hidden: false, online: true })
    unsubscribe()
    unsubscribe()
    expect(signals).toEqual([])
  })

  it('works over an injected target alone (no document: always visible)', async () => {
    const { createDomActivitySource } = await import('../browser.js')
    const target = new EventTarget()
    const clock: Clock = { now: () => 0 }
    const source = createDomActivitySource({ target, clock })
    const signals: ActivitySignal[] = []
    const unsubscribe = source.subscribe((signal) => signals.push(signal))

    target.dispatchEvent(new Event('keydown'))
    target.dispatchEvent(new Event('keydown'))
    target.dispatchEvent(new Event('offline'))
    expect(signals).toEqual([{ type: 'input' }, { type: 'network', online: false }])
    // Without a navigator the source cannot know better than "online".
    expect(source.current()).toEqual({ hidden: false, online: true })

    unsubscribe()
    target.dispatchEvent(new Event('online'))
    expect(signals).toHaveLength(2)
  })
})
