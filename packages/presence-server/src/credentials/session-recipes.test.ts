/**
 * The session-credential recipes (examples/supabase-edge-session, examples/next-app-router/
 * session-route.ts) called with real Requests and real HS256 access tokens, their credentials
 * verified by jose against the JWKS each recipe serves. Both issue the same credential.
 */
import { createFakeClock } from '@wedsync/presence-testing'
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import { SECRET, tokenFor } from '../../test/support.js'
import { generateSigningKey, type SigningKey } from './session-credentials.js'

const ISSUER = 'https://project.supabase.co'
// Tokens valid for an hour from now: the recipes check them against the system clock.
const clock = createFakeClock(Date.now())

let signingKey: SigningKey
let keysEnv: string
beforeAll(async () => {
  signingKey = await generateSigningKey('key-2026-06')
  keysEnv = JSON.stringify([signingKey.privateJwk])
})

async function sessionPublicKey(): Promise<JsonWebKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])
  return crypto.subtle.exportKey('jwk', pair.publicKey)
}

async function post(
  handler: (request: Request) => Promise<Response>,
  userId: string | null,
  body: unknown,
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (userId) headers.authorization = `Bearer ${await tokenFor(userId, clock)}`
  return handler(
    new Request('https://app.test/session', {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
    }),
  )
}

/** Issues through `handler` and verifies with the JWKS `jwks` serves; the verified parts. */
async function issueAndVerify(
  handler: (request: Request) => Promise<Response>,
  jwks: () => Promise<Response>,
) {
  const publicKey = await sessionPublicKey()
  const response = await post(handler, 'u-ana', { sessionId: 's-laptop', publicKey })
  expect(response.status).toBe(201)
  const body = (await response.json()) as {
    credential: string
    expiresAt: number
    userId: string
    sessionId: string
  }
  expect(body).toMatchObject({ userId: 'u-ana', sessionId: 's-laptop' })
  const keys = await jwks()
  expect(keys.headers.get('cache-control')).toBe('public, max-age=300')
  const keySet = (await keys.json()) as JSONWebKeySet
  expect(keySet.keys.map((k) => k.kid)).toEqual(['key-2026-06'])
  const { payload, protectedHeader } = await jwtVerify(body.credential, createLocalJWKSet(keySet), {
    issuer: ISSUER,
    audience: 'wedsync-presence',
    typ: 'wedsync-session+jwt',
    algorithms: ['ES256'],
  })
  expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'wedsync-session+jwt', kid: 'key-2026-06' })
  expect(payload).toEqual({
    iss: ISSUER,
    aud: 'wedsync-presence',
    sub: 'u-ana',
    sid: 's-laptop',
    cnf: { jwk: { kty: 'EC', crv: 'P-256', x: publicKey.x, y: publicKey.y } },
    iat: expect.any(Number),
    exp: payload.iat! + 15 * 60,
  })
  expect(body.expiresAt).toBe(payload.exp! * 1000)
  return { protectedHeader, payload }
}

describe('examples/supabase-edge-session/index.ts', () => {
  const env = () =>
    new Map([
      ['SESSION_SIGNING_KEYS', keysEnv],
      ['SUPABASE_URL', ISSUER],
      ['SUPABASE_JWT_SECRET', SECRET],
    ])

  it('issues a credential for the Supabase user and serves the JWKS', async () => {
    const { createSessionHandler } = await import('../../examples/supabase-edge-session/index.js')
    const vars = env()
    const handler = createSessionHandler({ get: (name) => vars.get(name) })
    await issueAndVerify(handler, () => handler(new Request('https://app.test/session')))
  })

  it('refuses without a token, a private key, and rooms nobody allowed', async () => {
    const { createSessionHandler } = await import('../../examples/supabase-edge-session/index.js')
    const vars = env()
    const handler = createSessionHandler({ get: (name) => vars.get(name) })
    const publicKey = await sessionPublicKey()
    const anonymous = await post(handler, null, { sessionId: 's-1', publicKey })
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('access-control-allow-origin')).toBe('*')
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])
    const privateKey = await crypto.subtle.exportKey('jwk', pair.privateKey)
    expect((await post(handler, 'u-ana', { sessionId: 's-1', publicKey: privateKey })).status).toBe(
      400,
    )
    const rooms = await post(handler, 'u-ana', { sessionId: 's-1', publicKey, rooms: ['w:1'] })
    expect(rooms.status).toBe(403)
    const preflight = await handler(new Request('https://app.test/session', { method: 'OPTIONS' }))
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization')
    const put = await handler(new Request('https://app.test/session', { method: 'PUT' }))
    expect(put.status).toBe(405)
  })

  it('names rooms its mayEnter allows', async () => {
    const { createSessionHandler } = await import('../../examples/supabase-edge-session/index.js')
    const vars = new Map([...env(), ['SESSION_ISSUER', 'https://app.example.com']])
    const handler = createSessionHandler(
      { get: (name) => vars.get(name) },
      { mayEnter: (userId, rooms) => userId === 'u-ana' && rooms.every((r) => r === 'w:1') },
    )
    const publicKey = await sessionPublicKey()
    const response = await post(handler, 'u-ana', { sessionId: 's-1', publicKey, rooms: ['w:1'] })
    expect(response.status).toBe(201)
    const { credential } = (await response.json()) as { credential: string }
    const keySet = (await (await handler(new Request('https://app.test/'))).json()) as JSONWebKeySet
    const { payload } = await jwtVerify(credential, createLocalJWKSet(keySet))
    expect(payload).toMatchObject({ iss: 'https://app.example.com', rooms: ['w:1'] })
  })

  it('refuses to start without signing keys', async () => {
    const { createSessionHandler } = await import('../../examples/supabase-edge-session/index.js')
    expect(() => createSessionHandler({ get: () => undefined })).toThrow(/SESSION_SIGNING_KEYS/)
  })
})

describe('examples/next-app-router/session-route.ts', () => {
  it('issues the same credential as the Edge Function', async () => {
    Object.assign(process.env, {
      SESSION_SIGNING_KEYS: keysEnv,
      SESSION_ISSUER: ISSUER,
      SUPABASE_JWT_SECRET: SECRET,
    })
    const route = await import('../../examples/next-app-router/session-route.js')
    const fromNext = await issueAndVerify(route.POST, route.GET)

    const { createSessionHandler } = await import('../../examples/supabase-edge-session/index.js')
    const vars = new Map([
      ['SESSION_SIGNING_KEYS', keysEnv],
      ['SUPABASE_URL', ISSUER],
      ['SUPABASE_JWT_SECRET', SECRET],
    ])
    const edge = createSessionHandler({ get: (name) => vars.get(name) })
    const fromEdge = await issueAndVerify(edge, () => edge(new Request('https://app.test/')))
    expect(fromNext.protectedHeader).toEqual(fromEdge.protectedHeader)
    expect(Object.keys(fromNext.payload)).toEqual(Object.keys(fromEdge.payload))
  })

  it('refuses without a token and with rooms', async () => {
    const route = await import('../../examples/next-app-router/session-route.js')
    const publicKey = await sessionPublicKey()
    expect((await post(route.POST, null, { sessionId: 's-1', publicKey })).status).toBe(401)
    const rooms = await post(route.POST, 'u-ana', { sessionId: 's-1', publicKey, rooms: ['w:1'] })
    expect(rooms.status).toBe(403)
    const strict = await post(route.POST, 'u-ana', { sessionId: 's-1', publicKey, userId: 'u-b' })
    expect(strict.status).toBe(400)
  })
})
