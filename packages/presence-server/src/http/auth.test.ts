import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createFakeClock } from '@wedsync/presence-testing'
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SECRET, tokenFor } from '../../test/support.js'
import { errorResponse, type PresenceServerError } from '../errors.js'
import { bearerToken, createJwtAuthenticator } from './auth.js'

const request = (authorization?: string) =>
  new Request('http://presence.test/presence/settings', {
    headers: authorization === undefined ? {} : { authorization },
  })

async function reasonOf(work: Promise<unknown>): Promise<string> {
  try {
    await work
  } catch (error) {
    const e = error as PresenceServerError
    expect(e.code).toBe('PRESENCE_UNAUTHENTICATED')
    expect(e.status).toBe(401)
    return (e.details as { reason: string }).reason
  }
  throw new Error('expected a rejection')
}

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer   abc', 'abc'],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(request(header))).toBe(token)
  })
})

describe('createJwtAuthenticator with a Supabase-style HS256 secret', () => {
  const clock = createFakeClock()
  const authenticate = createJwtAuthenticator({ secret: SECRET, clock })

  it('gives the user id and claims of a valid token', async () => {
    const result = await authenticate(request(`Bearer ${await tokenFor('u-ana', clock)}`))
    expect(result.userId).toBe('u-ana')
    expect(result.claims).toMatchObject({
      sub: 'u-ana',
      role: 'authenticated',
      aud: 'authenticated',
    })
  })

  it.each([
    ['no header', () => Promise.resolve(undefined), 'missing_token'],
    ['another scheme', () => Promise.resolve('Basic dXNlcg=='), 'missing_token'],
    ['garbage', () => Promise.resolve('Bearer not-a-jwt'), 'malformed_token'],
    [
      'another secret',
      async () => `Bearer ${await tokenFor('u-ana', clock, { secret: 'x'.repeat(40) })}`,
      'invalid_signature',
    ],
    [
      'another audience',
      async () => `Bearer ${await tokenFor('u-ana', clock, { audience: 'anon' })}`,
      'claim_invalid',
    ],
    [
      'alg none',
      async () =>
        `Bearer ${new UnsecuredJWT({ sub: 'u-ana', aud: 'authenticated' }).setIssuedAt().encode()}`,
      'algorithm_not_allowed',
    ],
    [
      'no subject',
      async () =>
        `Bearer ${await new SignJWT({ role: 'anon' })
          .setProtectedHeader({ alg: 'HS256' })
          .setAudience('authenticated')
          .sign(new TextEncoder().encode(SECRET))}`,
      'invalid_subject',
    ],
  ])('refuses %s with a stable reason', async (_name, header, reason) => {
    expect(await reasonOf(authenticate(request(await header())))).toBe(reason)
  })

  it('refuses an expired token (time from the injected clock)', async () => {
    const token = await tokenFor('u-ana', clock, { expiresInSec: 60 })
    await clock.advance(66_000)
    expect(await reasonOf(authenticate(request(`Bearer ${token}`)))).toBe('expired')
  })

  it('turns into a 401 response with a stable code', async () => {
    const error = await authenticate(request()).catch((e: unknown) => e)
    const response = errorResponse(error)
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    expect(await response.json()).toEqual({
      error: {
        code: 'PRESENCE_UNAUTHENTICATED',
        message: 'Missing bearer token',
        details: { reason: 'missing_token' },
      },
    })
  })

  it('needs exactly one key source', () => {
    expect(() => createJwtAuthenticator({})).toThrow(TypeError)
    expect(() => createJwtAuthenticator({ secret: SECRET, jwksUrl: 'http://x' })).toThrow(TypeError)
  })
})

describe('createJwtAuthenticator with a key set', () => {
  const clock = createFakeClock()
  let privateKey: CryptoKey
  let jwks: { keys: object[] }
  let server: ReturnType<typeof createServer>
  let jwksUrl: string

  const sign = (sub: string, kid = 'k1') =>
    new SignJWT({ role: 'authenticated' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject(sub)
      .setAudience('authenticated')
      .setIssuer('https://project.supabase.co/auth/v1')
      .setIssuedAt(Math.floor(clock.now() / 1000))
      .setExpirationTime(Math.floor(clock.now() / 1000) + 3600)
      .sign(privateKey)

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    privateKey = pair.privateKey as CryptoKey
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] }
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(jwks))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/v1/.well-known/jwks.json`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('verifies against a local key set', async () => {
    const authenticate = createJwtAuthenticator({ jwks: jwks as never, clock })
    expect((await authenticate(request(`Bearer ${await sign('u-ana')}`))).userId).toBe('u-ana')
  })

  it('verifies against a JWKS URL, with the issuer checked', async () => {
    const authenticate = createJwtAuthenticator({
      jwksUrl,
      issuer: 'https://project.supabase.co/auth/v1',
      clock,
    })
    expect((await authenticate(request(`Bearer ${await sign('u-ben')}`))).userId).toBe('u-ben')
  })

  it('refuses an HS256 token (no algorithm confusion) and an unknown key id', async () => {
    const authenticate = createJwtAuthenticator({ jwksUrl, clock })
    expect(await reasonOf(authenticate(request(`Bearer ${await tokenFor('u-ana', clock)}`)))).toBe(
      'algorithm_not_allowed',
    )
    expect(await reasonOf(authenticate(request(`Bearer ${await sign('u-ana', 'other')}`)))).toBe(
      'invalid_signature',
    )
  })

  it('is a 401 with key_unavailable when the key set cannot be fetched', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const authenticate = createJwtAuthenticator({ jwksUrl: `http://127.0.0.1:${port}/jwks`, clock })
    expect(await reasonOf(authenticate(request(`Bearer ${await sign('u-ana')}`)))).toBe(
      'key_unavailable',
    )
  })
})
