import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fnv1a } from '../test/test-helpers.js'
import { PersistentMap } from './persistent-map.js'

// Keys whose FNV-1a 32-bit hashes are equal (found offline; the first test proves it).
const PAIR = ['user-9rnw', 'user-apba'] as const
const PAIR_2 = ['user-9rnt', 'user-apbb'] as const
const TRIPLE = ['member-一上仼', 'member-丂参狎', 'member-七儬魥'] as const

interface Box {
  readonly n: number
}

function fromEntries(entries: Iterable<readonly [string, Box]>): PersistentMap<Box> {
  let map = PersistentMap.empty<Box>()
  for (const [k, v] of entries) map = map.set(k, v)
  return map
}

function sortedEntries(map: PersistentMap<Box>): [string, Box][] {
  return Array.from(map.entries()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

function sortedModel(model: Map<string, Box>): [string, Box][] {
  return Array.from(model.entries()).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

/** Checks every observable of `map` against the plain Map `model`, for `probe` keys too. */
function expectMatches(map: PersistentMap<Box>, model: Map<string, Box>, probe: readonly string[]) {
  expect(map.size).toBe(model.size)
  for (const key of probe) {
    expect(map.get(key)).toBe(model.get(key))
    expect(map.has(key)).toBe(model.has(key))
  }
  const entries = sortedEntries(map)
  expect(entries).toEqual(sortedModel(model))
  for (const [key, value] of entries) expect(value).toBe(model.get(key))
  expect(Array.from(map.keys()).sort()).toEqual(Array.from(model.keys()).sort())
  expect(Array.from(map.values()).length).toBe(model.size)
}

describe('PersistentMap', { timeout: 30_000 }, () => {
  it('uses keys that really collide under FNV-1a', () => {
    expect(fnv1a(PAIR[0])).toBe(fnv1a(PAIR[1]))
    expect(fnv1a(PAIR_2[0])).toBe(fnv1a(PAIR_2[1]))
    expect(fnv1a(PAIR[0])).not.toBe(fnv1a(PAIR_2[0]))
    expect(new Set(TRIPLE.map(fnv1a)).size).toBe(1)
  })

  it('starts empty', () => {
    const map = PersistentMap.empty<Box>()
    expect(map.size).toBe(0)
    expect(map.get('a')).toBeUndefined()
    expect(map.has('a')).toBe(false)
    expect(Array.from(map.entries())).toEqual([])
    expect(map.delete('a')).toBe(map)
  })

  it('sets, overwrites and deletes', () => {
    const a = { n: 1 }
    const b = { n: 2 }
    const m1 = PersistentMap.empty<Box>().set('a', a)
    const m2 = m1.set('a', b)
    expect(m1.get('a')).toBe(a)
    expect(m2.get('a')).toBe(b)
    expect(m2.size).toBe(1)
    const m3 = m2.delete('a')
    expect(m3.size).toBe(0)
    expect(m3.get('a')).toBeUndefined()
    expect(m2.get('a')).toBe(b)
  })

  it('returns the same map when setting an identical value, at any depth', () => {
    const values = new Map<string, Box>()
    for (let i = 0; i < 2_000; i++) values.set(`k${i}`, { n: i })
    values.set(PAIR[0], { n: -1 }).set(PAIR[1], { n: -2 })
    const map = fromEntries(values)
    for (const [key, value] of values) expect(map.set(key, value)).toBe(map)
    // An equal but not identical value is a change.
    const changed = map.set('k7', { n: 7 })
    expect(changed).not.toBe(map)
    expect(changed.size).toBe(map.size)
  })

  it('returns the same map when deleting an absent key', () => {
    const map = fromEntries([
      ['a', { n: 1 }],
      ['b', { n: 2 }],
      [PAIR[0], { n: 3 }],
      [TRIPLE[0], { n: 4 }],
      [TRIPLE[1], { n: 5 }],
    ])
    for (const absent of ['c', '', 'zzz', PAIR[1], TRIPLE[2], PAIR_2[0]]) {
      expect(map.delete(absent)).toBe(map)
    }
    const single = PersistentMap.empty<Box>().set('a', { n: 1 })
    expect(single.delete('b')).toBe(single)
  })

  it('keeps colliding keys apart through set, overwrite and delete', () => {
    const boxes = TRIPLE.map((_, i) => ({ n: i }))
    let map = PersistentMap.empty<Box>()
    TRIPLE.forEach((key, i) => {
      map = map.set(key, boxes[i]!)
    })
    expect(map.size).toBe(3)
    TRIPLE.forEach((key, i) => {
      expect(map.get(key)).toBe(boxes[i])
    })
    // Identical value inside a collision bucket: same map.
    expect(map.set(TRIPLE[1], boxes[1]!)).toBe(map)
    // Overwrite inside a collision bucket keeps the size and the other values.
    const other = { n: 9 }
    const overwritten = map.set(TRIPLE[1], other)
    expect(overwritten.size).toBe(3)
    expect(overwritten.get(TRIPLE[1])).toBe(other)
    expect(overwritten.get(TRIPLE[0])).toBe(boxes[0])
    expect(map.get(TRIPLE[1])).toBe(boxes[1])
    // Delete down to one, then to none.
    const two = map.delete(TRIPLE[0])
    expect(two.size).toBe(2)
    expect(two.get(TRIPLE[0])).toBeUndefined()
    expect(two.get(TRIPLE[2])).toBe(boxes[2])
    const one = two.delete(TRIPLE[2])
    expect(one.size).toBe(1)
    expect(one.get(TRIPLE[1])).toBe(boxes[1])
    expect(one.get(TRIPLE[2])).toBeUndefined()
    const none = one.delete(TRIPLE[1])
    expect(none.size).toBe(0)
    expect(Array.from(none.keys())).toEqual([])
  })

  it('mixes collision buckets with ordinary keys that share hash prefixes', () => {
    const model = new Map<string, Box>()
    let map = PersistentMap.empty<Box>()
    const keys: string[] = [...PAIR, ...PAIR_2, ...TRIPLE]
    for (let i = 0; i < 3_000; i++) keys.push(`user-${i.toString(36)}`)
    keys.forEach((key, i) => {
      const box = { n: i }
      model.set(key, box)
      map = map.set(key, box)
    })
    expectMatches(map, model, keys)
    // Delete every other key, colliding ones included, and check again.
    keys.forEach((key, i) => {
      if (i % 2 === 0) {
        model.delete(key)
        map = map.delete(key)
      }
    })
    expectMatches(map, model, keys)
    // Re-add a few, delete the rest.
    for (const key of keys.slice(0, 10)) {
      const box = { n: -1 }
      model.set(key, box)
      map = map.set(key, box)
    }
    expectMatches(map, model, keys)
    for (const key of keys) {
      model.delete(key)
      map = map.delete(key)
    }
    expectMatches(map, model, keys)
  })

  it('leaves every untouched value (and the old map) as it was', () => {
    const model = new Map<string, Box>()
    for (let i = 0; i < 5_000; i++) model.set(`member-${i}`, { n: i })
    const before = fromEntries(model)
    const after = before.set('member-42', { n: 4242 }).delete('member-7').set('new', { n: -1 })
    for (const [key, value] of model) {
      if (key === 'member-42' || key === 'member-7') continue
      expect(after.get(key)).toBe(value)
    }
    expectMatches(before, model, ['member-42', 'member-7', 'new'])
    expect(after.size).toBe(5_000)
  })

  it('behaves like a Map under random operations, and old versions never change', () => {
    const pool = [...PAIR, ...PAIR_2, ...TRIPLE, 'a', 'b', 'c', '', '__proto__', 'constructor']
    const key = fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 4 }))
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key, n: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('delete' as const), key }),
      fc.record({ kind: fc.constant('reset' as const), key }),
    )
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        // A few shared boxes so that "set the identical value" happens often.
        const boxes = [0, 1, 2, 3].map((n) => ({ n }))
        let map = PersistentMap.empty<Box>()
        let model = new Map<string, Box>()
        const history: [PersistentMap<Box>, Map<string, Box>][] = []
        const probe = [...pool]
        for (const o of ops) {
          probe.push(o.key)
          if (o.kind === 'set') {
            const box = boxes[o.n]!
            const next = map.set(o.key, box)
            if (model.get(o.key) === box) expect(next).toBe(map)
            else expect(next).not.toBe(map)
            map = next
            model = new Map(model).set(o.key, box)
          } else if (o.kind === 'delete') {
            const next = map.delete(o.key)
            if (!model.has(o.key)) expect(next).toBe(map)
            else expect(next).not.toBe(map)
            map = next
            model = new Map(model)
            model.delete(o.key)
          } else {
            // Setting a fresh object keeps every other value's identity.
            const next = map.set(o.key, { n: 99 })
            for (const [k, v] of model) if (k !== o.key) expect(next.get(k)).toBe(v)
            map = next
            model = new Map(model).set(o.key, next.get(o.key)!)
          }
          expect(map.get(o.key)).toBe(model.get(o.key))
          history.push([map, model])
        }
        expectMatches(map, model, probe)
        for (const [m, mm] of history) expectMatches(m, mm, probe)
      }),
      { numRuns: 300 },
    )
  })
})
