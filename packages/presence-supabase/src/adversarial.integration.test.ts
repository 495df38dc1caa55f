/**
 * A malicious member of the wedding's own team, with a valid access token and real supabase-js,
 * against the local Realtime server with the project's migrations and createPostgresAuthorizer on
 * the real Postgres. The honest members are verified clients whose credentials come from the
 * presence API's real `POST /presence/sessions` (createPresenceHandlers, the Postgres store).
 * Each of issue 13's ten attacks is tried: each fails, the honest clients still converge, and
 * every dropped message is reported. Nothing here is mocked; waits are on events, bounded only
 * to turn a hang into a failure.
 */

import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js'
import {
  createMemoryNotificationStore,
  createNotificationRouter,
  type Notification,
  notificationEndpoint,
  presenceFromStore,
  remoteNotificationRouter,
} from '@wedsync/presence-coordination'
import {
  BROADCAST_EVENT,
  createPresenceClient,
  type PresenceClient,
  type PresenceError,
  type PresenceRoom,
  type PresenceTransport,
  RECEIPT_EVENT,
} from '@wedsync/presence-core'
import {
  createSessionTrust,
  createWebCryptoSuite,
  encodeBase64url,
  PROOF_FIELD,
  type Subject,
  signingText,
} from '@wedsync/presence-core/trust'
import {
  createCredentialIssuer,
  createJwtAuthenticator,
  createPresenceHandlers,
  generateSigningKey,
  type PresenceStore,
} from '@wedsync/presence-server'
import { createPresenceApiClient, type PresenceApiClient } from '@wedsync/presence-server/client'
import { createPostgresStore } from '@wedsync/presence-server/postgres'
import {
  createAccessToken,
  DEV_ANON_KEY,
  DEV_JWT_SECRET,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { eventWaits } from '../test/test-supabase.js'
import { postgresDatabase } from '../test/test-supabase-db.js'
import { fullJitterReconnect } from './backoff.js'
import { createPostgresAuthorizer } from './postgres-authorizer.js'
import { createSupabaseTransport } from './transport.js'

const ROOM = 'wedding:123'
const TOPIC = `presence:${ROOM}`
const API = 'http://presence-api.test'
const ISSUER = 'https://wedsync.test'
const WAIT_FAIL_MS = 15_000
const CANCELLED = 'Ceremony cancelled, go home'

const database = await postgresDatabase('adversarial')
let server: RealtimeServer
let store: PresenceStore
let handlers: ReturnType<typeof createPresenceHandlers>
const fallbacks: Notification[] = []
const cleanups: (() => unknown)[] = []
const authorizeErrors: unknown[] = []

// ── waiting on events ──────────────────────────────────────────────────────────

const waits = eventWaits(WAIT_FAIL_MS)
/** Everything observable calls this: rooms, errors, raw channels, the notification hooks. */
const changed = waits.changed
const until = waits.until

// ── the team ───────────────────────────────────────────────────────────────────

const inProcess = (url: string, init?: RequestInit) => handlers.fetch(new Request(url, init))

async function signIn(userId: string) {
  const token = await createAccessToken({ claims: { sub: userId, aud: 'authenticated' } })
  // `accessToken`, not a one-off `realtime.setAuth`: supabase-js asks it again on every
  // reconnect (a re-join may reconnect the socket), as it asks supabase.auth for its session.
  const supabase = createClient(server.url, DEV_ANON_KEY, {
    accessToken: async () => token,
    realtime: { transport: WebSocket as never, reconnectAfterMs: fullJitterReconnect() },
  })
  cleanups.push(async () => {
    await supabase.removeAllChannels()
    supabase.realtime.disconnect()
  })
  const api = createPresenceApiClient({ baseUrl: API, accessToken: () => token, fetch: inProcess })
  return { supabase, api }
}

interface Member {
  readonly userId: string
  readonly client: PresenceClient
  readonly room: PresenceRoom
  readonly errors: PresenceError[]
  readonly api: PresenceApiClient
  readonly supabase: SupabaseClient
}

/** A verified member in the room (private unless `public` is set). */
async function member(
  userId: string,
  options: {
    readonly public?: boolean
    readonly wrap?: (transport: PresenceTransport) => PresenceTransport
    readonly privacy?: Parameters<PresenceClient['setPrivacy']>[0]
  } = {},
): Promise<Member> {
  const { supabase, api } = await signIn(userId)
  const errors: PresenceError[] = []
  const transport = createSupabaseTransport(supabase, { onError: (e) => errors.push(e) })
  const client = createPresenceClient({
    transport: options.wrap ? options.wrap(transport) : transport,
    userId,
    ...(options.privacy ? { privacy: options.privacy } : {}),
    trust: createSessionTrust({
      credentials: (request) => api.createSession(request),
      keys: { jwksUrl: `${API}/presence/.well-known/jwks.json`, fetch: inProcess },
      issuer: ISSUER,
    }),
  })
  client.on('error', (e) => {
    errors.push(e)
    changed()
  })
  cleanups.push(() => client.destroy())
  const room = client.enter(ROOM, { private: !options.public })
  room.subscribe(changed)
  room.on('connection', changed)
  return { userId, client, room, errors, api, supabase }
}

/** What a malicious member's own code can do: a raw channel under any presence key. */
async function rawChannel(
  userId: string,
  key: string,
  options: { readonly public?: boolean } = {},
): Promise<{
  channel: RealtimeChannel
  receipts: Record<string, unknown>[]
  envelopes: Record<string, unknown>[]
  keys(): string[]
}> {
  const { supabase } = await signIn(userId)
  const receipts: Record<string, unknown>[] = []
  const envelopes: Record<string, unknown>[] = []
  const channel = supabase.channel(TOPIC, {
    config: {
      private: !options.public,
      presence: { key, enabled: true },
      broadcast: { self: false, ack: true },
    },
  })
  let subscribed = false
  channel
    .on('presence', { event: 'sync' }, changed)
    .on('broadcast', { event: RECEIPT_EVENT }, ({ payload }) => {
      receipts.push(payload)
      changed()
    })
    .on('broadcast', { event: BROADCAST_EVENT }, ({ payload }) => {
      envelopes.push(payload)
      changed()
    })
    .subscribe((status) => {
      if (status === 'SUBSCRIBED') subscribed = true
      changed()
    })
  await until(() => subscribed, `${userId}'s raw channel`)
  return { channel, receipts, envelopes, keys: () => Object.keys(channel.presenceState()).sort() }
}

/** Mallory's own session key and a real credential for it, from the real endpoint: she signs anything. */
async function forger(api: PresenceApiClient, sessionId: string) {
  const key = await createWebCryptoSuite().generateSessionKey()
  const { credential } = await api.createSession({ sessionId, publicKey: key.publicJwk })
  return {
    sessionId,
    async sign(subject: Subject, body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const at = Date.now()
      const until = subject.kind === 'presence' ? at + 30_000 : undefined
      const text = signingText({ roomId: ROOM, private: true }, subject, at, until, body)
      const sig = encodeBase64url(await key.sign(new TextEncoder().encode(text)))
      const proof = { v: 1, cred: credential, room: ROOM, at, ...(until ? { until } : {}), sig }
      return { ...body, [PROOF_FIELD]: proof }
    },
  }
}

const reasons = (errors: readonly PresenceError[]) =>
  errors
    .filter((e) => e.code === 'PRESENCE_NOT_VERIFIED')
    .map((e) => (e.details as { reason: string }).reason)

const metaOf = (session: string, extra: Record<string, unknown> = {}) => ({
  v: 1,
  session,
  status: 'online',
  seq: Date.now(),
  lease: 30_000,
  ...extra,
})

const online = (room: PresenceRoom, userId: string) => room.member(userId)?.status === 'online'

// ── setup ──────────────────────────────────────────────────────────────────────

beforeAll(async () => {
  await database.exec(`insert into team_members (team_id, user_id, role) values
    ('wedding:123', 'u-venue', 'venue coordinator'), ('wedding:123', 'u-photo', 'photographer'),
    ('wedding:123', 'u-florist', 'florist'), ('wedding:123', 'u-caterer', 'caterer'),
    ('wedding:123', 'u-mallory', 'planner');
    insert into contacts (user_id, contact_id) values ('u-caterer', 'u-venue'), ('u-photo', 'u-venue');
    insert into presence_settings (user_id, visibility) values ('u-caterer', 'contacts');`)
  server = await startRealtimeServer({
    authorize: createPostgresAuthorizer(database.pool, {
      onError: (error) => authorizeErrors.push(error),
    }),
  })
  store = await createPostgresStore({ pool: database.pool, migrate: false })
  const router = createNotificationRouter({
    store: createMemoryNotificationStore(),
    presence: presenceFromStore(store),
    hooks: {
      inApp: () => {},
      push: () => {},
      fallback: (n) => {
        fallbacks.push(n)
        changed()
      },
    },
    pollMs: false,
  })
  handlers = createPresenceHandlers({
    store,
    authenticate: createJwtAuthenticator({ secret: DEV_JWT_SECRET }),
    sessions: {
      issuer: createCredentialIssuer({ keys: [await generateSigningKey()], issuer: ISSUER }),
    },
    extensions: [notificationEndpoint({ router })],
  })
})

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
  await server?.stop()
  await database.close()
})

// ── the attacks ────────────────────────────────────────────────────────────────

describe('a malicious team member against verified clients over Supabase Realtime', () => {
  let venue: Member
  let photo: Member
  let florist: Member
  let mallory: Member

  beforeAll(async () => {
    // The florist's device hears broadcasts but its receipts never leave (a lost message):
    // only a forged receipt could make her look reached.
    const withoutReceipts = (inner: PresenceTransport): PresenceTransport => ({
      openRoom(roomId, options) {
        const room = inner.openRoom(roomId, options)
        return {
          ...room,
          track: (meta) => room.track(meta),
          untrack: () => room.untrack(),
          send: (event, payload) =>
            event === RECEIPT_EVENT ? Promise.resolve() : room.send(event, payload),
          onPresence: (l) => room.onPresence(l),
          onMessage: (e, l) => room.onMessage(e, l),
          onStatus: (l) => room.onStatus(l),
          close: () => room.close(),
        }
      },
    })
    ;[venue, photo, florist, mallory] = await Promise.all([
      member('u-venue'),
      member('u-photo'),
      member('u-florist', { wrap: withoutReceipts }),
      member('u-mallory'),
    ])
    photo.client.setCustomStatus({ text: 'At the church', emoji: '📸' })
    await until(
      () =>
        [photo.userId, florist.userId, mallory.userId].every((id) => online(venue.room, id)) &&
        venue.room.member('u-photo')?.customStatus?.text === 'At the church',
      'the team online and verified in the coordinator’s room',
    )
    expect(venue.client.trust).toBe('verified')
  })

  it('1. joining under the photographer’s key shows nothing as her', async () => {
    const raw = await rawChannel('u-mallory', 'u-photo')
    expect(
      await raw.channel.track(
        metaOf('s-fake', { custom: { status: { text: CANCELLED }, at: Date.now() } }),
      ),
    ).toBe('ok')
    const signer = await forger(mallory.api, 's-mallory-2')
    const signed = await signer.sign(
      { kind: 'presence', key: 'u-photo' },
      metaOf(signer.sessionId, { custom: { status: { text: CANCELLED }, at: Date.now() } }),
    )
    const raw2 = await rawChannel('u-mallory', 'u-photo')
    expect(await raw2.channel.track(signed)).toBe('ok')
    await until(
      () =>
        reasons(venue.errors).includes('missing-proof') &&
        reasons(venue.errors).includes('wrong-user'),
      'both forgeries dropped by the coordinator',
    )
    expect(venue.room.member('u-photo')?.customStatus?.text).toBe('At the church')
    expect(venue.room.member('u-photo')?.sessions).toHaveLength(1)
    await raw.channel.unsubscribe()
    await raw2.channel.unsubscribe()
  })

  it('2. the photographer’s own client adopts nothing from the forger, and stays in range', async () => {
    const raw = await rawChannel('u-mallory', 'u-photo')
    const forged = metaOf('s-fake-2', {
      manual: { status: 'busy', at: Number.MAX_SAFE_INTEGER },
      custom: { status: { text: CANCELLED }, at: Number.MAX_SAFE_INTEGER },
    })
    expect(await raw.channel.track(forged)).toBe('ok')
    await until(
      () => reasons(photo.errors).includes('missing-proof'),
      'the photographer dropping it',
    )
    await raw.channel.unsubscribe()
    expect(photo.client.me().manualStatus).toBeUndefined()
    expect(photo.client.me().customStatus?.text).toBe('At the church')
    photo.client.setStatus('away')
    await until(() => venue.room.member('u-photo')?.status === 'away', 'her own change seen')
    photo.client.setStatus(null)
    await until(() => online(venue.room, 'u-photo'), 'back online')
  })

  it('3. reusing her session id with a huge seq takes nothing over', async () => {
    const raw = await rawChannel('u-mallory', 'u-photo')
    expect(
      await raw.channel.track(
        metaOf(photo.client.sessionId, { seq: Number.MAX_SAFE_INTEGER, status: 'away' }),
      ),
    ).toBe('ok')
    await until(
      () => reasons(venue.errors).filter((r) => r === 'missing-proof').length >= 2,
      'drop',
    )
    await raw.channel.unsubscribe()
    photo.client.setActivity({ action: 'viewing', target: 'timeline' })
    await until(
      () => venue.room.member('u-photo')?.activity?.target === 'timeline',
      'her own update after the attempt',
    )
    expect(online(venue.room, 'u-photo')).toBe(true)
  })

  it('4. receipts forged for the florist do not count: the coordinator sees who must be called', async () => {
    const raw = await rawChannel('u-mallory', 'u-mallory-tap')
    const signer = await forger(mallory.api, 's-mallory-4')
    const sent = venue.room.broadcast(
      'urgent',
      { text: 'Ceremony moved to 4 PM' },
      { receipts: true },
    )
    const envelope = await until(
      () => raw.envelopes.find((e) => e.event === 'urgent'),
      'the urgent broadcast on the wire',
    )
    const claim = { v: 1, id: envelope.id, user: 'u-florist', session: 'x', to: envelope.session }
    await raw.channel.send({ type: 'broadcast', event: RECEIPT_EVENT, payload: claim })
    const signed = await signer.sign(
      { kind: 'message', event: RECEIPT_EVENT },
      { ...claim, session: signer.sessionId },
    )
    await raw.channel.send({ type: 'broadcast', event: RECEIPT_EVENT, payload: signed })
    const report = await sent
    expect(report.delivered).toContain('u-photo')
    expect(report.delivered).not.toContain('u-florist')
    expect(report.noReceipt).toContain('u-florist')
    await until(
      () => reasons(venue.errors).includes('wrong-user'),
      'the signed forgery reported as wrong-user',
    )
    await raw.channel.unsubscribe()
  })

  it('5. a broadcast in the coordinator’s name is dropped; hers arrives', async () => {
    const heard: { text: unknown; from: string }[] = []
    photo.room.onBroadcast('urgent', (payload, meta) => {
      heard.push({ text: (payload as { text: unknown }).text, from: meta.userId })
      changed()
    })
    const raw = await rawChannel('u-mallory', 'u-mallory-tap')
    const envelope = {
      v: 1,
      id: 'x.1',
      event: 'urgent',
      from: 'u-venue',
      session: venue.client.sessionId,
      receipts: false,
      payload: { text: CANCELLED },
    }
    await raw.channel.send({ type: 'broadcast', event: BROADCAST_EVENT, payload: envelope })
    const signer = await forger(mallory.api, 's-mallory-5')
    await raw.channel.send({
      type: 'broadcast',
      event: BROADCAST_EVENT,
      payload: await signer.sign(
        { kind: 'message', event: BROADCAST_EVENT },
        {
          ...envelope,
          session: signer.sessionId,
        },
      ),
    })
    await venue.room.broadcast('urgent', { text: 'Bring umbrellas' })
    await until(() => heard.length > 0, 'the real broadcast')
    // In order: both forgeries were dropped before the real one was passed on.
    expect(reasons(photo.errors).slice(-2)).toEqual(['missing-proof', 'wrong-user'])
    expect(heard).toEqual([{ text: 'Bring umbrellas', from: 'u-venue' }])
    await raw.channel.unsubscribe()
  })

  it('6. a contacts-only member whose track the policy refused never answers receipts', async () => {
    const caterer = await member('u-caterer', { privacy: { visibility: 'contacts' } })
    await until(() => caterer.room.connection === 'joined', 'the caterer joined')
    // Her track was refused by the room's policy (not every member is her contact).
    await until(
      () => caterer.errors.some((e) => e.code === 'PRESENCE_TRANSPORT_FAILED'),
      'her refused track',
    )
    const raw = await rawChannel('u-mallory', 'u-mallory-tap')
    const report = await venue.room.broadcast('urgent', { text: 'Roll call' }, { receipts: true })
    expect(report.recipients.some((r) => r.userId === 'u-caterer')).toBe(false)
    // Photo's receipt reaching mallory's tap proves the caterer's would have arrived by now.
    await until(
      () => raw.receipts.some((r) => r.user === 'u-photo' && r.id === report.id),
      'photo’s receipt',
    )
    expect(raw.receipts.filter((r) => r.user === 'u-caterer')).toEqual([])
    expect(venue.room.member('u-caterer')).toBeUndefined()
    await raw.channel.unsubscribe()
    caterer.client.destroy()
  })

  it('7. visibility team in a public room publishes nothing, and says why', async () => {
    const anonymous = await rawChannel('u-mallory', 'u-anon', { public: true })
    const shy = await member('u-florist', { public: true, privacy: { visibility: 'team' } })
    await until(
      () => shy.errors.some((e) => e.code === 'PRESENCE_ROOM_NOT_PRIVATE'),
      'PRESENCE_ROOM_NOT_PRIVATE',
    )
    // Her other session's presence in the private room is visible to the team as before.
    expect(anonymous.keys()).not.toContain('u-florist')
    shy.client.setPrivacy({ visibility: 'everyone' })
    await until(() => anonymous.keys().includes('u-florist'), 'published once visible to everyone')
    await anonymous.channel.unsubscribe()
    shy.client.destroy()
  })

  it('8. narrowing privacy mid-session re-joins, and the policy takes her presence away', async () => {
    const tap = await rawChannel('u-mallory', 'u-mallory-tap-8')
    await until(() => tap.keys().includes('u-photo'), 'photo visible to mallory')
    // The app stores the setting first (the policy reads it), then tells the client.
    await photo.api.updateSettings({ visibility: 'contacts' })
    photo.client.setPrivacy({ visibility: 'contacts' })
    await until(() => !tap.keys().includes('u-photo'), 'photo gone from mallory’s view')
    await until(() => venue.room.member('u-photo')?.status === 'offline', 'and from the room')
    await photo.api.updateSettings({ visibility: 'everyone' })
    photo.client.setPrivacy({ visibility: 'everyone' })
    await until(() => online(venue.room, 'u-photo'), 'back when widened again')
    await tap.channel.unsubscribe()
  })

  it('9. a forged receipts request gets no receipt; a real member’s flood gets five per 10 s', async () => {
    const tap = await rawChannel('u-mallory', 'u-mallory-tap-9')
    const forged = {
      v: 1,
      id: 'forged.1',
      event: 'urgent',
      from: 'u-venue',
      session: venue.client.sessionId,
      receipts: true,
      payload: {},
    }
    for (let i = 0; i < 50; i++)
      await tap.channel.send({
        type: 'broadcast',
        event: BROADCAST_EVENT,
        payload: { ...forged, id: `forged.${i}` },
      })
    const flood = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        mallory.room.broadcast('spam', { i }, { receipts: true, timeoutMs: 500 }),
      ),
    )
    await until(
      () => reasons(photo.errors).filter((r) => r === 'missing-proof').length >= 50,
      'the forged requests dropped',
    )
    // The last flood report is in: every receipt sent for the flood has been sent by now.
    await until(() => tap.receipts.length >= 1, 'some receipts')
    const forThe = (prefix: string, user: string) =>
      tap.receipts.filter((r) => String(r.id).startsWith(prefix) && r.user === user).length
    expect(forThe('forged.', 'u-photo')).toBe(0)
    const mallorySession = mallory.client.sessionId
    for (const honest of ['u-venue', 'u-photo']) {
      expect(forThe(`${mallorySession}.`, honest)).toBeGreaterThan(0)
      expect(forThe(`${mallorySession}.`, honest)).toBeLessThanOrEqual(5)
    }
    expect(flood.at(-1)!.recipients.length).toBeGreaterThan(0)
    expect(
      photo.errors.filter((e) => e.code === 'PRESENCE_RATE_LIMITED').length,
    ).toBeGreaterThanOrEqual(1)
    await tap.channel.unsubscribe()
  })

  it('left no policy errors behind', () => {
    expect(authorizeErrors).toEqual([])
  })
})

describe('10. the notification endpoint against a malicious teammate', () => {
  it('routes by the stored status, scopes ids by sender, and limits a flood', async () => {
    const photo = await signIn('u-photo')
    const mallory = await signIn('u-mallory')
    const venue = await signIn('u-venue')
    await photo.api.setStatus({ status: 'online' })
    // a. Mallory claims the photographer is offline: the stored "online" decides (no SMS).
    const claimed = await inProcess(`${API}/presence/notifications`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await createAccessToken({ claims: { sub: 'u-mallory', aud: 'authenticated' } })}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        recipientId: 'u-photo',
        urgency: 'routine',
        payload: {},
        status: 'offline',
      }),
    })
    expect(claimed.status).toBe(200)
    expect((await claimed.json()).decision).toMatchObject({ routes: ['in-app'], reason: 'online' })
    // b. Ids are the sender's own: mallory's "n-1" does not squat the coordinator's.
    await photo.api.setStatus({ status: 'busy' })
    const real = await remoteNotificationRouter(venue.api).send({
      id: 'n-1',
      recipientId: 'u-photo',
      urgency: 'routine',
      payload: { from: 'venue' },
    })
    const squat = await remoteNotificationRouter(mallory.api).send({
      id: 'n-1',
      recipientId: 'u-photo',
      urgency: 'routine',
      payload: { from: 'mallory' },
    })
    expect(real.held && squat.held).toBe(true)
    // When she is free, both go out: the squat displaced nothing.
    await photo.api.setStatus({ status: 'offline' })
    const held = () =>
      fallbacks.map((n) => (n.payload as { payload?: { from?: string } }).payload?.from)
    await until(() => held().includes('venue') && held().includes('mallory'), 'both held notes')
    // c. A flood of emergencies: a handful go out, the rest are refused with Retry-After.
    const before = fallbacks.length
    const token = await createAccessToken({ claims: { sub: 'u-mallory', aud: 'authenticated' } })
    const answers = await Promise.all(
      Array.from({ length: 116 }, () =>
        inProcess(`${API}/presence/notifications`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ recipientId: 'u-photo', urgency: 'emergency', payload: {} }),
        }),
      ),
    )
    const accepted = answers.filter((r) => r.ok).length
    const limited = answers.filter((r) => r.status === 429)
    expect(accepted).toBeLessThanOrEqual(5)
    expect(limited.length).toBe(116 - accepted)
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(fallbacks.length - before).toBe(accepted)
  })
})
