/**
 * An agent (a booking assistant, in server code) in a verified private room over the real
 * supabase-js and the local Realtime server: `createAgentPresence` from
 * `@wedsync/presence-core/agent`, with a Realtime access token of its own (sub = the agent's id)
 * and a session credential the agent takes straight from the app's credential issuer. The
 * coordinator is a person's verified client whose credential comes from the presence API's real
 * `POST /presence/sessions`, from the same issuer. Clients, issuer, API and Realtime server share
 * one fake clock, walked past the agent's TTL. A teammate forging the agent's user id without its
 * credential is dropped (PRESENCE_NOT_VERIFIED) and never shown as the agent, before or after it
 * has gone. Waits are on events, bounded only to turn a hang into a failure.
 */
import { createPresenceClient, type PresenceError, type PresenceRoom } from '@wedsync/presence-core'
import { type AgentExpiry, createAgentPresence } from '@wedsync/presence-core/agent'
import {
  createSessionTrust,
  createWebCryptoSuite,
  encodeBase64url,
  PROOF_FIELD,
  signingText,
} from '@wedsync/presence-core/trust'
import {
  createCredentialIssuer,
  createJwtAuthenticator,
  createMemoryStore,
  createPresenceHandlers,
  generateSigningKey,
} from '@wedsync/presence-server'
import { createPresenceApiClient } from '@wedsync/presence-server/client'
import { createFakeClock } from '@wedsync/presence-testing'
import {
  type AuthorizeRequest,
  createAccessToken,
  DEV_JWT_SECRET,
} from '@wedsync/presence-testing/server'
import { afterAll, describe, expect, it } from 'vitest'
import { createTestWorld, eventWaits, trackCalls } from '../test/test-supabase.js'

const AGENT = 'agent:booking-assistant'
const ROOM = 'wedding:123'
const TOPIC = `presence:${ROOM}`
const API = 'http://presence-api.test'
const ISSUER = 'https://wedsync.test'
const MINUTE = 60_000
const TTL = 6 * MINUTE
const PROFILE = { name: 'Booking assistant', role: 'assistant' }
/** The wedding's team, as the room's policy admits it: two people and the agent. */
const TEAM = new Set(['u-venue', 'u-mallory', AGENT])

const world = createTestWorld()
const waits = eventWaits(15_000)
const { changed, until } = waits
const cleanups: (() => unknown)[] = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  await world.cleanup()
})

const reasons = (errors: readonly PresenceError[]) =>
  errors
    .filter((e) => e.code === 'PRESENCE_NOT_VERIFIED')
    .map((e) => (e.details as { reason: string }).reason)

describe('an agent with a credential of its own, in a verified room over Supabase Realtime', () => {
  it('appears with its status, profile and custom status, goes at its TTL, and cannot be forged', async () => {
    // Just after the real now: the presence API checks access tokens with jose on this clock too.
    const clock = createFakeClock(Math.ceil(Date.now() / 1000) * 1000)
    const policy: { sub: unknown; action: string }[] = []
    const server = await world.start({
      clock,
      idleTimeoutMs: 7 * 24 * 60 * MINUTE,
      // The subject is what matters here; presence-client.integration.test.ts covers the limit.
      limits: { presence: false },
      authorize: ({ claims, action, topic }: AuthorizeRequest) => {
        policy.push({ sub: claims.sub, action })
        return topic === TOPIC && TEAM.has(String(claims.sub))
      },
    })
    const issuer = createCredentialIssuer({
      keys: [await generateSigningKey('key-1')],
      issuer: ISSUER,
      clock,
    })
    const handlers = createPresenceHandlers({
      store: createMemoryStore(),
      clock,
      authenticate: createJwtAuthenticator({ secret: DEV_JWT_SECRET, clock }),
      sessions: { issuer },
    })
    const inProcess = (url: string, init?: RequestInit) => handlers.fetch(new Request(url, init))
    /** A Realtime access token, as Supabase Auth signs them (the agent's is minted by its server). */
    const token = (sub: string) =>
      createAccessToken({ now: clock.now(), claims: { sub, aud: 'authenticated' } })

    // ── the coordinator: a person, verified through POST /presence/sessions ─────────
    const venueToken = await token('u-venue')
    const venueErrors: PresenceError[] = []
    const venueApi = createPresenceApiClient({
      baseUrl: API,
      accessToken: () => venueToken,
      fetch: inProcess,
    })
    const venue = createPresenceClient({
      transport: world.transport(server, { client: { accessToken: venueToken } }),
      userId: 'u-venue',
      clock,
      trust: createSessionTrust({
        credentials: (request) => venueApi.createSession(request),
        keys: { jwksUrl: `${API}/presence/.well-known/jwks.json`, fetch: inProcess },
        issuer: ISSUER,
      }),
    })
    cleanups.push(() => venue.destroy())
    venue.on('error', (e) => {
      venueErrors.push(e)
      changed()
    })
    const board: PresenceRoom = venue.enter(ROOM, { private: true })
    board.subscribe(changed)
    await until(() => board.connection === 'joined', 'the coordinator joined')

    // ── the agent: its own Realtime token, its own credential straight from the issuer ─
    const agentToken = await token(AGENT)
    const agentTransport = trackCalls(
      world.transport(server, { client: { accessToken: agentToken } }),
    )
    const issued: string[] = []
    const agent = createAgentPresence({
      transport: agentTransport.transport,
      userId: AGENT,
      profile: PROFILE,
      clock,
      ttlMs: TTL,
      customStatus: { text: 'Booking the florist', emoji: '🤖' },
      // The walk moves the fake clock faster than signing and sockets keep up: a lease of two
      // minutes lets a heartbeat arrive a few steps late without a flicker (not the subject here).
      heartbeat: { leaseMs: 2 * MINUTE },
      trust: createSessionTrust({
        credentials: async (request) => {
          // Server code asks the issuer directly, for the agent's own id: no person's token involved.
          issued.push(`${request.userId} ${request.sessionId}`)
          return issuer.issue(request)
        },
        keys: { jwks: issuer.jwks() },
        issuer: ISSUER,
      }),
    })
    cleanups.push(() => agent.destroy())
    const expired: AgentExpiry[] = []
    agent.on('expired', (expiry) => {
      expired.push(expiry)
      changed()
    })
    const startedAt = clock.now()
    agent.enter(ROOM, { private: true, activity: { action: 'booking', target: 'florist' } })
    await until(
      () => board.member(AGENT)?.customStatus?.text === 'Booking the florist',
      'the agent verified on the coordinator’s board',
      () =>
        JSON.stringify({ member: board.member(AGENT), errors: venueErrors.map((e) => e.message) }),
    )
    expect(agent.trust).toBe('verified')
    expect(issued).toEqual([`${AGENT} ${agent.sessionId}`])
    expect(board.member(AGENT)).toMatchObject({
      status: 'online',
      profile: PROFILE,
      activity: { action: 'booking', target: 'florist' },
      customStatus: { text: 'Booking the florist', emoji: '🤖', expiresAt: startedAt + TTL },
    })
    // Realtime admitted the agent's track under its own token, not a person's.
    expect(policy).toContainEqual({ sub: AGENT, action: 'presence' })

    // ── Mallory, a teammate, forges the agent's user id without its credential ────────
    const mallory = world.transport(server, { client: { accessToken: await token('u-mallory') } })
    const forgedRoom = mallory.openRoom(ROOM, { key: AGENT, private: true })
    const malloryApi = createPresenceApiClient({
      baseUrl: API,
      accessToken: () => token('u-mallory'),
      fetch: inProcess,
    })
    // Her own session key and a real credential for it, from the real endpoint: she signs anything.
    const key = await createWebCryptoSuite().generateSessionKey()
    const { credential } = await malloryApi.createSession({
      sessionId: 's-mallory',
      publicKey: key.publicJwk,
    })
    const forged = (seq: number, text: string) => ({
      v: 1,
      session: 's-mallory',
      status: 'online',
      seq,
      lease: 30_000,
      custom: { status: { text }, at: clock.now() },
      profile: PROFILE,
    })
    async function signed(body: Record<string, unknown>) {
      const at = clock.now()
      const subject = { kind: 'presence', key: AGENT } as const
      const text = signingText({ roomId: ROOM, private: true }, subject, at, at + 30_000, body)
      const sig = encodeBase64url(await key.sign(new TextEncoder().encode(text)))
      const proof = { v: 1, cred: credential, room: ROOM, at, until: at + 30_000, sig }
      return { ...body, [PROOF_FIELD]: proof }
    }
    await forgedRoom.track(forged(1, 'Booking cancelled'))
    await forgedRoom.track(await signed(forged(2, 'Booking cancelled, pay here')))
    await until(
      () =>
        reasons(venueErrors).includes('missing-proof') &&
        reasons(venueErrors).includes('wrong-user'),
      'both forgeries dropped by the coordinator',
      () => JSON.stringify(reasons(venueErrors)),
    )
    expect(board.member(AGENT)?.customStatus?.text).toBe('Booking the florist')
    expect(board.member(AGENT)?.sessions.map((s) => s.sessionId)).toEqual([agent.sessionId])
    await forgedRoom.untrack()

    // ── the TTL: online (a person would be idle after 5 minutes), then gone ─────────
    // Changes made close together go out as one, 200 ms later on the (fake) clock.
    agent.setStatus('busy')
    await clock.advance(1_000)
    await until(() => board.member(AGENT)?.status === 'busy', 'the agent busy')
    agent.setStatus(null)
    await clock.advance(1_000)
    await until(() => board.member(AGENT)?.status === 'online', 'the agent online again')
    const walkTo = async (at: number) => {
      while (clock.now() < at) {
        await clock.advance(Math.min(15_000, at - clock.now()))
        await agentTransport.settled()
      }
    }
    await walkTo(startedAt + TTL - 15_000)
    await until(
      () => board.member(AGENT)?.status === 'online',
      'the agent online near the end of its TTL',
    )
    expect(venue.me().status).not.toBe('online') // the person, who typed nothing, is idle by now
    expect(expired).toEqual([])

    await walkTo(startedAt + TTL)
    await until(() => expired.length > 0, 'the agent’s lease ended')
    expect(expired).toEqual([
      { userId: AGENT, sessionId: agent.sessionId, expiresAt: startedAt + TTL },
    ])
    await until(
      () => board.member(AGENT)?.status === 'offline',
      'the agent gone from the board',
      () => JSON.stringify(board.member(AGENT)),
    )
    expect(board.member(AGENT)?.sessions).toEqual([])

    // ── once it has gone, a signed forgery does not bring it back ─────────────────────
    const dropsBefore = reasons(venueErrors).filter((r) => r === 'wrong-user').length
    await forgedRoom.track(await signed(forged(3, 'Back: send your card details')))
    await until(
      () => reasons(venueErrors).filter((r) => r === 'wrong-user').length > dropsBefore,
      'the late forgery dropped',
    )
    expect(board.member(AGENT)?.status).toBe('offline')
    expect(board.member(AGENT)?.customStatus).toBeUndefined()
    await forgedRoom.close()
    // Nothing else went wrong: every report was a dropped forgery.
    expect(venueErrors.every((e) => e.code === 'PRESENCE_NOT_VERIFIED')).toBe(true)
  })
})
