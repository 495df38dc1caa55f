import { describe, expect, it } from 'vitest'
import { PresenceTracker, sameJson } from './presence-tracker.js'

const tracker = () => {
  let n = 0
  return new PresenceTracker<string>(() => `R${++n}`)
}

describe('presence tracker', () => {
  it('groups metas by key, one per owner, in tracking order', () => {
    const t = tracker()
    expect(t.json()).toBe('{}')
    expect(t.track('tab1', 'u', { tab: 1 })).toEqual({
      joins: { u: { metas: [{ tab: 1, phx_ref: 'R1' }] } },
      leaves: {},
    })
    t.track('tab2', 'u', { tab: 2 })
    t.track('other', 'v', {})
    expect(t.json()).toBe(
      '{"u":{"metas":[{"tab":1,"phx_ref":"R1"},{"tab":2,"phx_ref":"R2"}]},"v":{"metas":[{"phx_ref":"R3"}]}}',
    )
    expect(t.size).toBe(3)
    expect(t.has('tab1')).toBe(true)
  })

  it('makes an update ONE diff: the new meta with phx_ref_prev in joins, the old in leaves', () => {
    const t = tracker()
    t.track('a', 'alice', { status: 'online' })
    expect(t.track('a', 'alice', { status: 'away' })).toEqual({
      joins: { alice: { metas: [{ status: 'away', phx_ref: 'R2', phx_ref_prev: 'R1' }] } },
      leaves: { alice: { metas: [{ status: 'online', phx_ref: 'R1' }] } },
    })
    expect(t.state()).toEqual({
      alice: { metas: [{ status: 'away', phx_ref: 'R2', phx_ref_prev: 'R1' }] },
    })
  })

  it('ignores an identical re-track (key order does not matter)', () => {
    const t = tracker()
    t.track('a', 'alice', { x: 1, y: [1, { z: 2 }] })
    expect(t.track('a', 'alice', { y: [1, { z: 2 }], x: 1 })).toBeUndefined()
  })

  it('moves a meta to a new key as a join of the new and a leave of the old key', () => {
    const t = tracker()
    t.track('a', 'k1', {})
    expect(t.track('a', 'k2', {})).toEqual({
      joins: { k2: { metas: [{ phx_ref: 'R2', phx_ref_prev: 'R1' }] } },
      leaves: { k1: { metas: [{ phx_ref: 'R1' }] } },
    })
    expect(Object.keys(t.state())).toEqual(['k2'])
  })

  it('untracks with the full meta in leaves, and forgets empty keys', () => {
    const t = tracker()
    t.track('a', 'u', { n: 1 })
    t.track('b', 'u', { n: 2 })
    expect(t.untrack('a')).toEqual({
      joins: {},
      leaves: { u: { metas: [{ n: 1, phx_ref: 'R1' }] } },
    })
    expect(t.untrack('a')).toBeUndefined()
    t.untrack('b')
    expect(t.json()).toBe('{}')
  })

  it('compares JSON values deeply', () => {
    expect(sameJson([1, 2], [1, 2])).toBe(true)
    expect(sameJson([1, 2], [2, 1])).toBe(false)
    expect(sameJson([1], { 0: 1 })).toBe(false)
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false)
    expect(sameJson({ a: 1, b: undefined }, { a: 1, c: undefined })).toBe(false)
    expect(sameJson(null, {})).toBe(false)
  })
})
