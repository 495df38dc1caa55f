import { describe, expect, it } from 'vitest'
import { canonicalJson, fromWire, isPlainObject, toWire } from './wire.js'

describe('wire', () => {
  it('round-trips JSON into fresh objects and keeps an absent payload absent', () => {
    const value = { a: [1, { b: 'x' }] }
    const copy = fromWire(toWire(value))
    expect(copy).toEqual(value)
    expect(copy).not.toBe(value)
    expect(toWire(undefined)).toBeUndefined()
    expect(fromWire(undefined)).toBeUndefined()
  })

  it('delivers what a socket would: dates as strings, undefined fields dropped', () => {
    expect(fromWire(toWire({ at: new Date(0), gone: undefined }))).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    })
  })

  it('refuses what JSON cannot carry', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => toWire(cyclic)).toThrow(TypeError)
    expect(() => toWire(1n)).toThrow('payload must be JSON-serializable')
  })

  it('compares by content, not key order; arrays keep their order', () => {
    expect(canonicalJson(toWire({ a: 1, b: { c: 2, d: 3 } }))).toBe(
      canonicalJson(toWire({ b: { d: 3, c: 2 }, a: 1 })),
    )
    expect(canonicalJson(toWire([1, 2]))).not.toBe(canonicalJson(toWire([2, 1])))
    expect(canonicalJson(undefined)).toBe('undefined')
  })

  it('knows a map from other values', () => {
    expect(isPlainObject({})).toBe(true)
    expect(isPlainObject(Object.create(null))).toBe(true)
    expect(isPlainObject([])).toBe(false)
    expect(isPlainObject(null)).toBe(false)
    expect(isPlainObject('x')).toBe(false)
    expect(isPlainObject(new Date())).toBe(false)
  })
})
