/**
 * POST /presence/sessions and GET /presence/.well-known/jwks.json in process: the credential's
 * user is the token's, issuing is rate limited, rooms need membership, bad keys are refused, the
 * JWKS is public, and the API client speaks both.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { testServer, tokenFor } from '../../test/support.js'
import {
  createCredentialIssuer,
  generateSigningKey,
  SESSION_CREDENTIAL_AUDIENCE,
  SESSION_CREDENTIAL_TYPE,
} from '../credentials/session-credentials.js'
import { isPresenceServerError } from '../errors.js'
import { createRateLimiter } from '../rate-limit/rate-limiter.js'
import { createPresenceApiClient } from './api-client.js'
import type { SessionEndpointOptions } from './session-routes.js'

const ISSUER = 'https://app.example.com'
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; details?: string[] } }).error

async function publicKey(): Promise<JsonWebKey> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ])
  return crypto.subtle.exportKey('jwk', pair.publicKey)
}

async function sessionServer(options: Partial<SessionEndpointOptions> = {}) {
  const key = await generateSigningKey('key-a')
  let server: ReturnType<typeof testServer> | undefined
  const clock = { now: () => server!.clock.now() }
  const issuer = createCredentialIssuer({ keys: [key], issuer: ISSUER, clock })
  server = testServer({ sessions: { issuer, ...options } })
  await server.store.addTeamMember({ teamId: 'wedding:123', userId: 'u-ana' })
  await server.store.addTeamMember({ teamId: 'wedding:456', userId: 'u-ana' })
  await server.store.addTeamMember({ teamId: 'wedding:456', userId: 'u-ben' })
  const verify = (credential: string) =>
    jwtVerify(credential, createLocalJWKSet(issuer.jwks()), {
      issuer: ISSUER,
      audience: SESSION_CREDENTIAL_AUDIENCE,
      typ: SESSION_CREDENTIAL_TYPE,
      currentDate: new Date(server!.clock.now()),
    })
  return { ...server, issuer, verify }
}

describe('POST /presence/sessions', () => {
  it('needs a token', async () => {
    const { call } = await sessionServer()
    const response = await call(null, 'POST', '/presence/sessions', {
      sessionId: 's-1',
      publicKey: await publicKey(),
    })
    expect(response.status).toBe(401)
    expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_UNAUTHENTICATED' })
  })

  it('issues a credential for the token’s user, whoever the body claims to be', async () => {
    const { call, clock, verify } = await sessionServer()
    const key = await publicKey()
    const response = await call('u-ana', 'POST', '/presence/sessions', {
      sessionId: 's-1',
      // Claims smuggled into the key are dropped with every member but kty, crv, x and y.
      publicKey: { ...key, sub: 'u-ben', userId: 'u-ben' },
    })
    expect(response.status).toBe(201)
    expect(response.headers.get('cache-control')).toBe('no-store')
    const body = (await response.json()) as Record<string, unknown>
    expect(body).toEqual({
      credential: expect.any(String),
      expiresAt: (Math.floor(clock.now() / 1000) + 900) * 1000,
      userId: 'u-ana',
      sessionId: 's-1',
    })
    const { payload } = await verify(body.credential as string)
    expect(payload).toMatchObject({
      sub: 'u-ana',
      sid: 's-1',
      cnf: { jwk: { kty: 'EC', crv: 'P-256', x: key.x, y: key.y } },
    })
    expect(payload).not.toHaveProperty('rooms')
  })

  it('refuses a user id in the body (the body is strict)', async () => {
    const { call } = await sessionServer()
    for (const field of ['userId', 'sub']) {
      const response = await call('u-ana', 'POST', '/presence/sessions', {
        sessionId: 's-1',
        publicKey: await publicKey(),
        [field]: 'u-ben',
      })
      expect(response.status).toBe(400)
      expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID' })
    }
  })

  it('refuses bad keys and bodies with 400', async () => {
    const { call } = await sessionServer()
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ])
    const privateJwk = await crypto.subtle.exportKey('jwk', pair.privateKey)
    const key = await publicKey()
    for (const body of [
      { sessionId: 's-1', publicKey: privateJwk },
      { sessionId: 's-1', publicKey: { ...key, crv: 'P-384' } },
      {
        sessionId: 's-1',
        publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) },
      },
      { sessionId: 's-1' },
      { sessionId: '', publicKey: key },
      { sessionId: 's-1', publicKey: key, rooms: Array.from({ length: 51 }, (_, i) => `r${i}`) },
      { sessionId: 's-1', publicKey: key, rooms: 'wedding:123' },
    ]) {
      const response = await call('u-ana', 'POST', '/presence/sessions', body)
      expect(response.status).toBe(400)
      expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID' })
    }
  })

  it('names rooms the caller is on the team of; 403 for any other', async () => {
    const { call, verify } = await sessionServer()
    const key = await publicKey()
    const ok = await call('u-ana', 'POST', '/presence/sessions', {
      sessionId: 's-1',
      publicKey: key,
      rooms: ['wedding:123', 'wedding:456'],
    })
    expect(ok.status).toBe(201)
    const { credential } = (await ok.json()) as { credential: string }
    expect((await verify(credential)).payload.rooms).toEqual(['wedding:123', 'wedding:456'])

    for (const rooms of [['wedding:123'], ['wedding:456', 'wedding:999']]) {
      const refused = await call('u-ben', 'POST', '/presence/sessions', {
        sessionId: 's-2',
        publicKey: key,
        rooms,
      })
      expect(refused.status).toBe(403)
      expect(await errorOf(refused)).toMatchObject({ code: 'PRESENCE_FORBIDDEN' })
    }
  })

  it('asks the app’s mayEnter when given one', async () => {
    const asked: [string, readonly string[]][] = []
    const { call } = await sessionServer({
      mayEnter: (userId, rooms) => {
        asked.push([userId, rooms])
        return rooms.every((room) => room.startsWith('public:'))
      },
    })
    const key = await publicKey()
    const send = (rooms: string[]) =>
      call('u-ben', 'POST', '/presence/sessions', { sessionId: 's-1', publicKey: key, rooms })
    expect((await send(['public:lobby'])).status).toBe(201)
    expect((await send(['wedding:456'])).status).toBe(403)
    expect(asked).toEqual([
      ['u-ben', ['public:lobby']],
      ['u-ben', ['wedding:456']],
    ])
  })

  it('answers 503 when the store cannot say who is on a team', async () => {
    const { call, store } = await sessionServer()
    store.teamMembers = async () => Promise.reject(new Error('connection refused'))
    const response = await call('u-ana', 'POST', '/presence/sessions', {
      sessionId: 's-1',
      publicKey: await publicKey(),
      rooms: ['wedding:123'],
    })
    expect(response.status).toBe(503)
    expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_STORE_UNAVAILABLE' })
  })

  it('limits credentials per user: 30 a minute by default, then 429 with Retry-After', async () => {
    const { call, clock, handlers } = await sessionServer()
    const key = await publicKey()
    const send = (userId: string) =>
      call(userId, 'POST', '/presence/sessions', { sessionId: 's-1', publicKey: key })
    for (let i = 0; i < 30; i++) expect((await send('u-ana')).status).toBe(201)
    const limited = await send('u-ana')
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(await errorOf(limited)).toMatchObject({ code: 'PRESENCE_RATE_LIMITED' })
    expect((await send('u-ben')).status).toBe(201) // per user
    expect(handlers.metrics.render()).toContain(
      'presence_rate_limit_rejections_total{limiter="sessions"} 1',
    )
    await clock.advance(60_000)
    expect((await send('u-ana')).status).toBe(201)
  })

  it('takes the app’s limiter', async () => {
    const server = await sessionServer()
    const limited = await sessionServer({
      rateLimiter: createRateLimiter({ clock: server.clock, limit: 1, prefix: 'sessions:' }),
    })
    const key = await publicKey()
    const send = () =>
      limited.call('u-ana', 'POST', '/presence/sessions', { sessionId: 's-1', publicKey: key })
    expect((await send()).status).toBe(201)
    expect((await send()).status).toBe(429)
  })
})

describe('GET /presence/.well-known/jwks.json', () => {
  it('is public and cacheable, and verifies what POST /presence/sessions issues', async () => {
    const { call, clock, handlers, issuer } = await sessionServer()
    const response = await handlers.fetch(
      new Request('http://presence.test/presence/.well-known/jwks.json'),
    )
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('public, max-age=300')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const jwks = (await response.json()) as { keys: Record<string, unknown>[] }
    expect(jwks).toEqual(issuer.jwks())
    expect(jwks.keys.every((k) => !('d' in k))).toBe(true)

    const issued = await call('u-ana', 'POST', '/presence/sessions', {
      sessionId: 's-1',
      publicKey: await publicKey(),
    })
    const { credential } = (await issued.json()) as { credential: string }
    await expect(
      jwtVerify(credential, createLocalJWKSet(jwks as never), {
        typ: SESSION_CREDENTIAL_TYPE,
        currentDate: new Date(clock.now()),
      }),
    ).resolves.toBeDefined()
  })

  it('is listed with POST /presence/sessions, and neither is served without an issuer', async () => {
    const { handlers } = await sessionServer()
    expect(handlers.routes).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/presence/sessions' },
        { method: 'GET', path: '/presence/.well-known/jwks.json' },
      ]),
    )
    await handlers.fetch(new Request('http://presence.test/presence/.well-known/jwks.json'))
    expect(handlers.metrics.render()).toContain('route="/presence/.well-known/jwks.json"')

    const plain = testServer()
    expect(plain.handlers.routes.map((r) => r.path)).not.toContain('/presence/sessions')
    const jwks = await plain.handlers.fetch(
      new Request('http://presence.test/presence/.well-known/jwks.json'),
    )
    expect(jwks.status).toBe(404)
    const post = await plain.call('u-ana', 'POST', '/presence/sessions', {})
    expect(post.status).toBe(404)
  })
})

describe('the API client', () => {
  it('gets a credential (token sent) and the JWKS (no token sent)', async () => {
    const server = await sessionServer()
    const headersSeen: (string | null)[] = []
    const client = createPresenceApiClient({
      baseUrl: 'http://presence.test',
      accessToken: () => tokenFor('u-ana', server.clock),
      fetch: (input, init) => {
        const request = new Request(input, init)
        headersSeen.push(request.headers.get('authorization'))
        return server.handlers.fetch(request)
      },
    })
    const key = await publicKey()
    const session = await client.createSession({
      sessionId: 's-1',
      publicKey: key,
      rooms: ['wedding:123'],
    })
    expect(session).toMatchObject({ userId: 'u-ana', sessionId: 's-1' })
    expect(decodeJwt(session.credential)).toMatchObject({ sub: 'u-ana', rooms: ['wedding:123'] })
    const jwks = await client.jwks()
    expect(jwks).toEqual(server.issuer.jwks())
    expect(headersSeen[0]).toMatch(/^Bearer /)
    expect(headersSeen[1]).toBeNull()

    const refused = await client
      .createSession({ sessionId: 's-1', publicKey: key, rooms: ['wedding:999'] })
      .catch((e: unknown) => e)
    expect(isPresenceServerError(refused) && refused.code).toBe('PRESENCE_FORBIDDEN')
  })
})
