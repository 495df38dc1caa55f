/**
 * The demo's presence API over real HTTP on a local port, with a fake clock for its time: the
 * dev sign-in, team availability from the seeded history (privacy applied), the recorded bots,
 * notifications routed into the outbox, and session credentials that verify against its JWKS.
 */
import {
  createCredentialVerifier,
  createIssuerKeys,
  createWebCryptoSuite,
} from '@wedsync/presence-core/trust'
import { type TeamAvailabilitySummary, zonedParts } from '@wedsync/presence-server'
import { createFakeClock } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { teamIdOf } from '../cast.js'
import { describeEntry } from './outbox.js'
import { type PresenceApiServer, startPresenceApiServer } from './presence-api-server.js'

/** Saturday 13 June 2026, 10:00 in London (09:00 UTC). */
const clock = () => createFakeClock(Date.UTC(2026, 5, 13, 9, 0))
let api: PresenceApiServer | undefined

afterEach(async () => {
  await api?.close()
  api = undefined
})

async function signIn(server: PresenceApiServer, userId: string): Promise<string> {
  const response = await fetch(`${server.url}${server.basePath}/demo/sign-in`, {
    method: 'POST',
    body: JSON.stringify({ userId }),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { accessToken: string }).accessToken
}

async function call(server: PresenceApiServer, as: string, path: string, body?: unknown) {
  return fetch(`${server.url}${server.basePath}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${await signIn(server, as)}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

const availability = async (server: PresenceApiServer, as: string) =>
  (await (
    await call(server, as, `/presence/teams/${teamIdOf('123')}/availability?timeZone=Europe/London`)
  ).json()) as TeamAvailabilitySummary

describe('the demo presence API', () => {
  it('signs in members of the cast only', async () => {
    const fake = clock()
    api = await startPresenceApiServer({ clock: fake, scheduler: fake })
    const response = await fetch(`${api.url}${api.basePath}/demo/sign-in`, {
      method: 'POST',
      body: JSON.stringify({ userId: 'u-stranger' }),
    })
    expect(response.status).toBe(403)
    expect((await call(api, 'u-venue', '/presence/settings')).status).toBe(200)
  })

  it('summarizes the team from the seeded history, through the privacy checker', async () => {
    const fake = clock()
    api = await startPresenceApiServer({ clock: fake, scheduler: fake })
    const team = await availability(api, 'u-venue')
    expect(team.total).toBe(6)
    // Saturday morning: the florist is back from the market before noon, the caterer after lunch.
    expect(team.summary).toMatch(
      /^0 of 6 suppliers are online; .*the florist is usually back by 11:(15|30|45)/,
    )
    const caterer = team.usuallyBack.find((b) => b.userId === 'u-caterer')
    expect(zonedParts(caterer!.at, 'Europe/London')).toMatchObject({ hour: 13 })
    expect(team.members.find((m) => m.userId === 'u-caterer')?.usuallyBackAt).toBe(caterer!.at)

    // The caterer stops sharing when they were last active: no more history-based guess.
    await api.store.updateSettings('u-caterer', { showLastSeen: false }, fake.now())
    const hidden = await availability(api, 'u-venue')
    expect(hidden.summary).not.toContain('caterer')
    expect(hidden.members.find((m) => m.userId === 'u-caterer')).toEqual({
      userId: 'u-caterer',
      status: 'offline',
      role: 'caterer',
    })
  })

  it('counts the recorded suppliers, and routes notifications into the outbox', async () => {
    const fake = clock()
    api = await startPresenceApiServer({ clock: fake, scheduler: fake, history: false })
    api.recorder.record('u-photo', {
      userId: 'u-photo',
      sessionId: 's1',
      status: 'online',
      automaticStatus: 'online',
      lastInputAt: fake.now(),
      hidden: false,
      appearOffline: false,
    })
    await api.recorder.settled()
    expect((await availability(api, 'u-venue')).summary).toBe('1 of 6 suppliers is online')

    const response = await call(api, 'u-venue', '/presence/notifications', {
      recipientId: 'u-caterer',
      urgency: 'emergency',
      payload: { text: 'Ceremony moved to 4 PM' },
    })
    expect(response.status).toBe(200)
    expect(api.outbox.entries().map(describeEntry)).toEqual([
      'In-app inbox of Oskar Lindqvist: “Ceremony moved to 4 PM” — from Maya Okafor',
      'Push to Oskar Lindqvist: “Ceremony moved to 4 PM” — from Maya Okafor',
      'SMS to Oskar Lindqvist (07700 900105): “Ceremony moved to 4 PM” — from Maya Okafor',
    ])
  })

  it('issues session credentials to the signed-in supplier, for their weddings only, verifiable with its JWKS', async () => {
    const fake = clock()
    api = await startPresenceApiServer({ clock: fake, scheduler: fake, history: false })
    const server = api
    const suite = createWebCryptoSuite()
    const { publicJwk } = await suite.generateSessionKey()
    const createSession = async (as: string, body: object) =>
      fetch(`${server.url}${server.basePath}/presence/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await signIn(server, as)}` },
        body: JSON.stringify(body),
      })
    const rooms = ['wedding:123', 'wedding:456']
    const response = await createSession('u-photo', {
      sessionId: 's-1',
      publicKey: publicJwk,
      rooms,
    })
    expect(response.status).toBe(201)
    const { credential, userId } = (await response.json()) as { credential: string; userId: string }
    expect(userId).toBe('u-photo')

    // As an observer checks it: against the keys the API publishes, from the issuer the board expects.
    const verifier = createCredentialVerifier({
      keys: createIssuerKeys({ jwksUrl: api.jwksUrl }, fake),
      suite,
      issuer: api.issuer,
      skewMs: 30_000,
    })
    expect(await verifier.verify(credential, fake.now())).toMatchObject({
      ok: true,
      value: { userId: 'u-photo', sessionId: 's-1', rooms },
    })
    // The florist works on Ana & Ben's wedding only: no credential for Chloé & Dev's room.
    const florist = await createSession('u-florist', {
      sessionId: 's-2',
      publicKey: publicJwk,
      rooms: ['wedding:123', 'wedding:456'],
    })
    expect(florist.status).toBe(403)
    // Without a token there is none at all; the keys themselves are public.
    const anonymous = await fetch(`${api.url}${api.basePath}/presence/sessions`, {
      method: 'POST',
      body: JSON.stringify({ sessionId: 's-3', publicKey: publicJwk }),
    })
    expect(anonymous.status).toBe(401)
    expect((await fetch(api.jwksUrl)).status).toBe(200)
  })

  it('sweeps a device that vanished: its session stops counting after the lease, and the router hears it', async () => {
    const fake = clock()
    api = await startPresenceApiServer({ clock: fake, scheduler: fake, history: false })
    // The caterer's phone is busy (per session, as the recorder writes the bots).
    api.recorder.record('u-caterer', {
      userId: 'u-caterer',
      sessionId: 's-phone',
      status: 'busy',
      automaticStatus: 'online',
      manualStatus: 'busy',
      lastInputAt: fake.now(),
      hidden: false,
      appearOffline: false,
    })
    await api.recorder.settled()
    // A routine message waits while they are busy.
    const held = await call(api, 'u-venue', '/presence/notifications', {
      recipientId: 'u-caterer',
      urgency: 'routine',
      payload: { text: 'Menu tasting moved' },
    })
    expect(held.status).toBe(200)
    expect(api.outbox.entries()).toEqual([])

    // The phone vanishes (no leave, no more heartbeats): the lease (30 s) and one sweep (5 s).
    api.recorder.stop()
    await fake.advance(29_000)
    expect(
      (await availability(api, 'u-venue')).members.find((m) => m.userId === 'u-caterer'),
    ).toMatchObject({ status: 'busy' })
    await fake.advance(6_000)
    // The sweeper runs on the demo's scheduler by itself.
    await expect
      .poll(async () => (await api!.store.statusEvents('u-caterer')).map((e) => e.to))
      .toEqual(['busy', 'offline'])
    // The sweeper's transition reached the router: what it held goes out, by the fallback.
    await expect
      .poll(() => api!.outbox.entries().map(describeEntry))
      .toEqual([
        expect.stringMatching(
          /^SMS to Oskar Lindqvist \(07700 900105\) \(held \d+ min\): “Menu tasting moved”/,
        ),
      ])
  })
})
