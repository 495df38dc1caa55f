import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeBase64url, decodeJsonSegment, encodeBase64url } from './base64url.js'
import { canonicalJson } from './canonical-json.js'

describe('base64url', () => {
  it('round-trips any bytes, unpadded and URL-safe', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = encodeBase64url(bytes)
        expect(text).toMatch(/^[A-Za-z0-9_-]*$/)
        expect(decodeBase64url(text)).toEqual(bytes)
      }),
    )
  })

  it('refuses padding, the standard alphabet and impossible lengths', () => {
    expect(decodeBase64url('AQ==')).toBeUndefined()
    expect(decodeBase64url('a+b/')).toBeUndefined()
    expect(decodeBase64url('abcde')).toBeUndefined()
    expect(decodeBase64url('_-8')).toEqual(new Uint8Array([255, 239]))
  })

  it('reads JSON objects only', () => {
    const seg = (v: string) => encodeBase64url(new TextEncoder().encode(v))
    expect(decodeJsonSegment(seg('{"alg":"ES256"}'))).toEqual({ alg: 'ES256' })
    expect(decodeJsonSegment(seg('[1]'))).toBeUndefined()
    expect(decodeJsonSegment(seg('null'))).toBeUndefined()
    expect(decodeJsonSegment(seg('{nope'))).toBeUndefined()
    expect(decodeJsonSegment(encodeBase64url(new Uint8Array([0xff, 0xfe])))).toBeUndefined()
  })
})

describe('canonicalJson', () => {
  it('is the same for the same value whatever the key order (as Elixir re-orders maps)', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}',
    )
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const reordered = JSON.parse(JSON.stringify(value), (_k, v) =>
          v && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        )
        expect(canonicalJson(reordered)).toBe(canonicalJson(value))
      }),
    )
  })

  it('follows JSON: undefined and functions left out, toJSON used, arrays kept in order', () => {
    expect(canonicalJson({ a: undefined, f: () => 1, d: new Date(0), l: [3, 1] })).toBe(
      '{"d":"1970-01-01T00:00:00.000Z","l":[3,1]}',
    )
    expect(canonicalJson(undefined)).toBe('null')
  })
})
