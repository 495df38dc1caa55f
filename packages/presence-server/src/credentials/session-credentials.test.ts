/**
 * The credential issuer against jose as the verifier: the contract's header and payload exactly,
 * tampering, rotation through the JWKS, what a session public key may be, rooms, lifetimes, and
 * signing keys kept in an environment variable.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
} from 'jose'
import { describe, expect, it } from 'vitest'
import { isPresenceServerError, type PresenceServerError } from '../errors.js'
import {
  createCredentialIssuer,
  DEFAULT_CREDENTIAL_TTL_MS,
  generateSigningKey,
  parseSigningKeys,
  SESSION_CREDENTIAL_AUDIENCE,
  SESSION_CREDENTIAL_TYPE,
  type SigningKey,
} from './session-credentials.js'

const ISSUER = 'https://app.example.com'

/** A session key pair as a browser makes it: WebCrypto, exported with ext and key_ops. */
async function sessionKey(): Promise<{ publicJwk: JsonWebKey; privateJwk: JsonWebKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])
  return {
    publicJwk: await crypto.subtle.exportKey('jwk', pair.publicKey),
    privateJwk: await crypto.subtle.exportKey('jwk', pair.privateKey),
  }
}

function decodeSegment(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
}

async function rejection(work: Promise<unknown>): Promise<PresenceServerError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isPresenceServerError(error)) throw new Error(`expected a PresenceServerError: ${error}`)
  return error
}

async function setup(keys?: SigningKey[], ttlMs?: number) {
  const clock = createFakeClock(Date.UTC(2026, 5, 13, 14, 0, 0, 750))
  const signing = keys ?? [await generateSigningKey('key-a')]
  const issuer = createCredentialIssuer({
    keys: signing,
    issuer: ISSUER,
    clock,
    ...(ttlMs === undefined ? {} : { ttlMs }),
  })
  const verify = (credential: string) =>
    jwtVerify(credential, createLocalJWKSet(issuer.jwks()), {
      issuer: ISSUER,
      audience: SESSION_CREDENTIAL_AUDIENCE,
      typ: SESSION_CREDENTIAL_TYPE,
      algorithms: ['ES256'],
      currentDate: new Date(clock.now()),
    })
  return { clock, issuer, verify, signing }
}

describe('createCredentialIssuer', () => {
  it('issues a credential jose verifies, with exactly the contract’s header and payload', async () => {
    const { clock, issuer, verify } = await setup()
    const { publicJwk } = await sessionKey()
    const issued = await issuer.issue({ userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk })
    const { payload, protectedHeader } = await verify(issued.credential)
    const iat = Math.floor(clock.now() / 1000)
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'wedsync-session+jwt', kid: 'key-a' })
    expect(payload).toEqual({
      iss: ISSUER,
      aud: 'wedsync-presence',
      sub: 'u-ana',
      sid: 's-1',
      cnf: { jwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y } },
      iat,
      exp: iat + 15 * 60,
    })
    expect(issued.expiresAt).toBe((iat + 15 * 60) * 1000)
    // The raw segments, as a hand-written WebCrypto check reads them.
    const [head, body, signature] = issued.credential.split('.')
    expect(decodeSegment(head!)).toEqual(protectedHeader)
    expect(decodeSegment(body!)).toEqual(payload)
    expect(Buffer.from(signature!, 'base64url')).toHaveLength(64) // r ‖ s, not DER
  })

  it('fails verification when the payload is tampered with', async () => {
    const { issuer, verify } = await setup()
    const { publicJwk } = await sessionKey()
    const { credential } = await issuer.issue({
      userId: 'u-ana',
      sessionId: 's-1',
      publicKey: publicJwk,
    })
    const [head, body, signature] = credential.split('.')
    const claims = decodeSegment(body!) as Record<string, unknown>
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'u-ben' })).toString('base64url')
    await expect(verify(`${head}.${forged}.${signature}`)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    })
  })

  it('rotates: the first key signs, every key is published, old credentials still verify', async () => {
    const a = await generateSigningKey('key-a')
    const b = await generateSigningKey('key-b')
    const { publicJwk } = await sessionKey()
    const request = { userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk }
    const before = await (await setup([a])).issuer.issue(request)

    const { issuer, verify } = await setup([b, a])
    const after = await issuer.issue(request)
    expect(decodeProtectedHeader(after.credential).kid).toBe('key-b')
    expect(issuer.jwks().keys.map((k) => k.kid)).toEqual(['key-b', 'key-a'])
    for (const key of issuer.jwks().keys) {
      expect(key).toEqual({
        kty: 'EC',
        crv: 'P-256',
        x: expect.any(String),
        y: expect.any(String),
        kid: key.kid,
        alg: 'ES256',
        use: 'sig',
      })
    }
    await expect(verify(after.credential)).resolves.toBeDefined()
    await expect(verify(before.credential)).resolves.toBeDefined()
  })

  it('keeps only kty, crv, x and y of the session key', async () => {
    const { issuer, verify } = await setup()
    const { publicJwk } = await sessionKey()
    const { credential } = await issuer.issue({
      userId: 'u-ana',
      sessionId: 's-1',
      publicKey: { ...publicJwk, alg: 'ES256', kid: 'k', use: 'sig', sub: 'u-ben' },
    })
    const { payload } = await verify(credential)
    expect(payload.cnf).toEqual({
      jwk: { kty: 'EC', crv: 'P-256', x: publicJwk.x, y: publicJwk.y },
    })
    expect(payload.sub).toBe('u-ana')
  })

  it('refuses a private key, another curve, another key type and malformed coordinates', async () => {
    const { issuer } = await setup()
    const { publicJwk, privateJwk } = await sessionKey()
    const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey)
    const offCurve = 'A'.repeat(43) // (0, 0) is no point of P-256
    const cases: [string, unknown][] = [
      ['private key', privateJwk],
      ['P-384', p384],
      ['RSA', { kty: 'RSA', n: 'AQAB', e: 'AQAB' }],
      ['short x', { ...publicJwk, x: publicJwk.x!.slice(1) }],
      ['padded y', { ...publicJwk, y: `${publicJwk.y!.slice(1)}=` }],
      ['off the curve', { kty: 'EC', crv: 'P-256', x: offCurve, y: offCurve }],
      ['a string', JSON.stringify(publicJwk)],
      ['nothing', undefined],
    ]
    for (const [what, publicKey] of cases) {
      const error = await rejection(issuer.issue({ userId: 'u-ana', sessionId: 's-1', publicKey }))
      expect(error.code, what).toBe('PRESENCE_PAYLOAD_INVALID')
      expect(error.status, what).toBe(400)
    }
    const refused = await rejection(
      issuer.issue({ userId: 'u-ana', sessionId: 's-1', publicKey: privateJwk }),
    )
    expect(refused.details).toEqual([expect.stringContaining('private key')])
    expect(JSON.stringify(refused.details)).not.toContain(privateJwk.d)
  })

  it('checks the user and session ids', async () => {
    const { issuer } = await setup()
    const { publicJwk } = await sessionKey()
    for (const [userId, sessionId] of [
      ['', 's-1'],
      ['u-ana', 'x'.repeat(129)],
      ['u\u0000', 's-1'],
    ] as const) {
      const error = await rejection(issuer.issue({ userId, sessionId, publicKey: publicJwk }))
      expect(error.code).toBe('PRESENCE_PAYLOAD_INVALID')
    }
  })

  it('names rooms only when asked, each once', async () => {
    const { issuer, verify } = await setup()
    const { publicJwk } = await sessionKey()
    const request = { userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk }
    const without = await verify((await issuer.issue(request)).credential)
    expect(without.payload).not.toHaveProperty('rooms')
    const scoped = await issuer.issue({
      ...request,
      rooms: ['wedding:123', 'wedding:456', 'wedding:123'],
    })
    expect((await verify(scoped.credential)).payload.rooms).toEqual(['wedding:123', 'wedding:456'])
    const none = await issuer.issue({ ...request, rooms: [] })
    expect((await verify(none.credential)).payload.rooms).toEqual([])
  })

  it('refuses more than 50 rooms, bad room ids, and a credential too long to verify', async () => {
    const { issuer } = await setup()
    const { publicJwk } = await sessionKey()
    const request = { userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk }
    const many = Array.from({ length: 51 }, (_, i) => `wedding:${i}`)
    const long = Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(200, 'x'))
    for (const rooms of [many, [''], ['a\nb'], long]) {
      const error = await rejection(issuer.issue({ ...request, rooms }))
      expect(error.code).toBe('PRESENCE_PAYLOAD_INVALID')
    }
  })

  it('sets exp = iat + ttl in whole seconds from the injected clock', async () => {
    const { clock, issuer, verify } = await setup(undefined, 60_500)
    const { publicJwk } = await sessionKey()
    await clock.advance(1_000)
    const issued = await issuer.issue({ userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk })
    const { payload } = await verify(issued.credential)
    expect(payload.iat).toBe(Math.floor(clock.now() / 1000))
    expect(payload.exp).toBe(payload.iat! + 60)
    expect(issued.expiresAt).toBe(payload.exp! * 1000)
    expect(DEFAULT_CREDENTIAL_TTL_MS).toBe(15 * 60_000)
    await clock.advance(61_000)
    await expect(verify(issued.credential)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' })
  })

  it('refuses a configuration it could not sign with', async () => {
    const a = await generateSigningKey('key-a')
    const b = await generateSigningKey('key-b')
    expect(() => createCredentialIssuer({ keys: [], issuer: ISSUER })).toThrow(TypeError)
    expect(() => createCredentialIssuer({ keys: [a], issuer: '' })).toThrow(TypeError)
    expect(() => createCredentialIssuer({ keys: [a], issuer: ISSUER, ttlMs: 999 })).toThrow(
      RangeError,
    )
    expect(() => createCredentialIssuer({ keys: [a, a], issuer: ISSUER })).toThrow(/twice/)
    // d of one key with x and y of another: every signature would fail in browsers.
    const mismatched: SigningKey = { ...a, privateJwk: { ...a.privateJwk, d: b.privateJwk.d! } }
    const issuer = createCredentialIssuer({ keys: [mismatched], issuer: ISSUER })
    const { publicJwk } = await sessionKey()
    await expect(
      issuer.issue({ userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk }),
    ).rejects.toThrow(/does not match/)
  })

  it('publishes keys derived from the private JWKs, never a private part', async () => {
    const a = await generateSigningKey('key-a')
    const careless: SigningKey = { ...a, publicJwk: a.privateJwk }
    const { issuer } = await setup([careless])
    expect(issuer.jwks().keys[0]).not.toHaveProperty('d')
    expect(issuer.jwks().keys[0]).toEqual(a.publicJwk)
  })
})

describe('generateSigningKey and parseSigningKeys', () => {
  it('round-trips keys through an environment variable', async () => {
    const a = await generateSigningKey('key-a')
    const b = await generateSigningKey()
    expect(b.kid).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: a.privateJwk.x,
      y: a.privateJwk.y,
      kid: 'key-a',
      alg: 'ES256',
      use: 'sig',
    })
    const parsed = parseSigningKeys(JSON.stringify([a.privateJwk, b.privateJwk]))
    expect(parsed.map((k) => k.kid)).toEqual(['key-a', b.kid])
    expect(parsed[0]!.publicJwk).toEqual(a.publicJwk)
    expect(parseSigningKeys(JSON.stringify(a.privateJwk))).toHaveLength(1)

    const { issuer, verify } = await setup(parsed)
    const { publicJwk } = await sessionKey()
    const issued = await issuer.issue({ userId: 'u-ana', sessionId: 's-1', publicKey: publicJwk })
    await expect(verify(issued.credential)).resolves.toBeDefined()
  })

  it('says what is wrong with a key, without quoting key material', async () => {
    const a = await generateSigningKey('key-a')
    const { d, ...publicOnly } = a.privateJwk
    const rsa = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey)
    const p384 = await exportJWK((await generateKeyPair('ES384', { extractable: true })).privateKey)
    const cases: [string, string, RegExp][] = [
      ['not JSON', `[${JSON.stringify(a.privateJwk)}`, /not valid JSON/],
      ['empty', '[]', /empty/],
      ['no kid', JSON.stringify([{ ...a.privateJwk, kid: undefined }]), /kid/],
      ['public only', JSON.stringify([publicOnly]), /not a private key/],
      ['RSA', JSON.stringify([{ ...rsa, kid: 'r' }]), /EC P-256/],
      ['P-384', JSON.stringify([{ ...p384, kid: 'p' }]), /EC P-256/],
      ['other alg', JSON.stringify([{ ...a.privateJwk, alg: 'RS256' }]), /alg/],
      ['bad x', JSON.stringify([{ ...a.privateJwk, x: 'x' }]), /"x"/],
      ['twice', JSON.stringify([a.privateJwk, a.privateJwk]), /twice/],
      ['a number', '42', /private JWK object/],
    ]
    for (const [what, json, message] of cases) {
      let error: unknown
      try {
        parseSigningKeys(json)
      } catch (e) {
        error = e
      }
      expect(error, what).toBeInstanceOf(TypeError)
      expect((error as Error).message, what).toMatch(message)
      expect((error as Error).message, what).not.toContain(d)
      expect((error as Error).cause, what).toBeUndefined()
    }
  })
})
