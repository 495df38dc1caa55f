/**
 * Both signing suites keep the port's promises, and speak the same ES256: what one signs, the
 * other verifies; a changed byte, another key or a malformed key is `false`, never a throw.
 */
import { describe, expect, it } from 'vitest'
import type { SignatureSuite } from './signature-suite.js'
import { createNodeCryptoSuite } from './signature-suite-node.js'
import { createWebCryptoSuite } from './signature-suite-webcrypto.js'

const suites: [string, SignatureSuite][] = [
  ['webcrypto', createWebCryptoSuite()],
  ['node:crypto', createNodeCryptoSuite()],
]
const data = new TextEncoder().encode('["wedsync-presence/1","private","wedding:123"]')

describe.each(suites)('the %s suite', (_name, suite) => {
  it('signs 64-byte r ‖ s that both suites verify', async () => {
    const key = await suite.generateSessionKey()
    expect(Object.keys(key.publicJwk).sort()).toEqual(['crv', 'kty', 'x', 'y'])
    const signature = await key.sign(data)
    expect(signature.byteLength).toBe(64)
    for (const [, verifier] of suites)
      expect(await verifier.verify(key.publicJwk, data, signature)).toBe(true)
  })

  it('refuses a changed byte, another key, a short signature and a key off the curve', async () => {
    const key = await suite.generateSessionKey()
    const other = await suite.generateSessionKey()
    const signature = await key.sign(data)
    const changed = data.slice()
    changed[3] = changed[3]! ^ 1
    expect(await suite.verify(key.publicJwk, changed, signature)).toBe(false)
    expect(await suite.verify(other.publicJwk, data, signature)).toBe(false)
    expect(await suite.verify(key.publicJwk, data, signature.slice(1))).toBe(false)
    const offCurve = { ...key.publicJwk, y: key.publicJwk.x }
    expect(await suite.verify(offCurve, data, signature)).toBe(false)
    expect(await suite.verify({ ...key.publicJwk, x: 'A' }, data, signature)).toBe(false)
  })
})
