/**
 * Status reports per session over HTTP: two devices of one person are one person on the server
 * (team availability agrees with the room), the hooks hear the user's transitions only, a session
 * that leaves stops counting at once, the lease sweeper turns a vanished device into the user's
 * real status, old clients without a session id keep working, sessions are scoped to the caller,
 * and with an issuer a named session needs its own credential.
 */
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import { createCredentialIssuer, generateSigningKey } from '../credentials/session-credentials.js'
import type { StatusEvent } from '../stores/presence-store.js'
import { startSessionSweeper } from '../stores/session-sweeper.js'
import type { StatusTransition } from './extensions.js'
import { SESSION_CREDENTIAL_HEADER } from './session-header.js'

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error
const TEAM = 'wedding:123'

async function teamServer() {
  const heard: StatusTransition[] = []
  const server = testServer({
    onStatusChange: (transition) => {
      heard.push(transition)
    },
    teamNoun: { one: 'supplier', other: 'suppliers' },
  })
  for (const userId of ['u-venue', 'u-photo', 'u-florist'])
    await server.store.addTeamMember({ teamId: TEAM, userId })
  const report = (userId: string, sessionId: string, automatic: string, extra = {}) =>
    server.call(userId, 'POST', '/presence/status', {
      status: automatic,
      sessionId,
      session: { automatic, ...extra },
    })
  const summary = async () =>
    (
      (await (
        await server.call(
          'u-venue',
          'GET',
          `/presence/teams/${encodeURIComponent(TEAM)}/availability`,
        )
      ).json()) as { summary: string }
    ).summary
  return { ...server, heard, report, summary }
}

describe('status reports per session', () => {
  it('one person on two devices, one idle: online, as the room shows, and the sentence agrees', async () => {
    const { report, summary, heard, clock } = await teamServer()
    expect((await report('u-photo', 'phone', 'online')).status).toBe(200)
    const idle = await report('u-photo', 'laptop', 'idle')
    expect(await idle.json()).toMatchObject({ presence: { status: 'online' }, changed: false })
    expect(await summary()).toBe('1 of 3 suppliers is online')
    await clock.advance(0)
    expect(heard.map((t) => [t.userId, t.status])).toEqual([['u-photo', 'online']])
    // The phone goes idle too: now the user is idle, one transition.
    const both = await report('u-photo', 'phone', 'idle')
    expect(await both.json()).toMatchObject({ presence: { status: 'idle' }, changed: true })
    await clock.advance(0)
    expect(heard.map((t) => t.status)).toEqual(['online', 'idle'])
  })

  it('a manual busy set on one device applies to the user; heartbeats keep sessions alive', async () => {
    const { report, call, store, clock } = await teamServer()
    await report('u-photo', 'phone', 'online')
    await report('u-photo', 'laptop', 'online', { manual: { status: 'busy', at: clock.now() } })
    await clock.advance(20_000)
    for (const sessionId of ['phone', 'laptop'])
      expect((await call('u-photo', 'POST', '/presence/heartbeat', { sessionId })).status).toBe(204)
    await clock.advance(20_000)
    expect((await store.sweepSessions!(clock.now())).transitions).toEqual([])
    const [seen] = await store.presenceFor('u-venue', ['u-photo'])
    expect(seen?.presence?.status).toBe('busy')
    expect((await store.sessionsOf!('u-photo')).map((s) => s.sessionId)).toEqual([
      'laptop',
      'phone',
    ])
  })

  it('a session that leaves stops counting at once; the other decides', async () => {
    const { report, call, heard, clock } = await teamServer()
    await report('u-photo', 'phone', 'online')
    await report('u-photo', 'laptop', 'away')
    const left = await call('u-photo', 'POST', '/presence/leave', { sessionId: 'phone' })
    expect(left.status).toBe(200)
    expect(await left.json()).toMatchObject({ presence: { status: 'away' }, changed: true })
    await clock.advance(0)
    expect(heard.map((t) => t.status)).toEqual(['online', 'away'])
  })

  it('the sweeper turns a vanished device into what the others say, and tells the hooks', async () => {
    const { report, summary, clock, store } = await teamServer()
    const swept: StatusEvent[] = []
    const sweeper = startSessionSweeper({
      store,
      clock,
      everyMs: 1_000,
      onStatusChange: (t) => {
        swept.push(t)
      },
    })
    await report('u-photo', 'phone', 'online')
    await report('u-photo', 'laptop', 'idle')
    // The laptop keeps its heartbeat; the phone vanishes (lid shut).
    for (let i = 0; i < 3; i++) {
      await clock.advance(15_000)
      await store.recordHeartbeat('u-photo', clock.now(), {
        sessionId: 'laptop',
        leaseUntil: clock.now() + 30_000,
      })
    }
    expect(swept).toEqual([{ userId: 'u-photo', from: 'online', to: 'idle', at: swept[0]?.at }])
    expect(swept[0]!.at).toBeGreaterThanOrEqual(clock.now() - 45_000 + 30_000)
    expect(swept[0]!.at).toBeLessThanOrEqual(clock.now() - 45_000 + 31_000)
    expect(await summary()).toBe('0 of 3 suppliers are online')
    sweeper.stop()
  })

  it('old clients without a session id keep one implicit session', async () => {
    const { call, store } = await teamServer()
    expect((await call('u-photo', 'POST', '/presence/status', { status: 'busy' })).status).toBe(200)
    expect((await call('u-photo', 'POST', '/presence/heartbeat', {})).status).toBe(204)
    expect((await store.sessionsOf!('u-photo')).map((s) => s.sessionId)).toEqual([''])
    const left = await call('u-photo', 'POST', '/presence/leave')
    expect(await left.json()).toMatchObject({ presence: { status: 'offline' }, changed: true })
  })

  it("a session id names one of the caller's own sessions only", async () => {
    const { report, store } = await teamServer()
    await report('u-photo', 'phone', 'online', { manual: { status: 'busy', at: 1 } })
    await report('u-florist', 'phone', 'idle')
    const [photo, florist] = await store.presenceFor('u-venue', ['u-photo', 'u-florist'])
    expect([photo?.presence?.status, florist?.presence?.status]).toEqual(['busy', 'idle'])
  })

  it('refuses malformed session inputs', async () => {
    const { call } = await teamServer()
    for (const session of [
      { automatic: 'busy' },
      { automatic: 'online', manual: { status: 'online', at: 1 } },
      { automatic: 'online', custom: { status: { text: 'x'.repeat(5_000) }, at: 1 } },
      { automatic: 'online', extra: true },
    ]) {
      const response = await call('u-photo', 'POST', '/presence/status', {
        status: 'online',
        sessionId: 'phone',
        session,
      })
      expect(response.status).toBe(400)
      expect(await errorOf(response)).toMatchObject({ code: 'PRESENCE_PAYLOAD_INVALID' })
    }
  })

  it('bounds a stamp from far in the future as rooms do', async () => {
    const { report, store, clock } = await teamServer()
    await report('u-photo', 'laptop', 'online', {
      manual: { status: 'busy', at: clock.now() + 10 * 24 * 3_600_000 },
    })
    const [laptop] = await store.sessionsOf!('u-photo')
    expect(laptop?.inputs.manual?.at).toBe(clock.now() + 24 * 3_600_000)
  })
})

describe('with an issuer: verified sessions', () => {
  async function verifiedServer() {
    const key = await generateSigningKey('key-a')
    let server: ReturnType<typeof testServer> | undefined
    const issuer = createCredentialIssuer({
      keys: [key],
      issuer: 'https://app.example.com',
      clock: { now: () => server!.clock.now() },
    })
    server = testServer({ sessions: { issuer } })
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])
    const publicKey = await crypto.subtle.exportKey('jwk', pair.publicKey)
    const credentialFor = async (userId: string, sessionId: string) =>
      (await issuer.issue({ userId, sessionId, publicKey })).credential
    return { ...server, credentialFor }
  }

  it("takes a named session's report only with that session's credential, issued to the caller", async () => {
    const { call, credentialFor, store } = await verifiedServer()
    const body = { status: 'online', sessionId: 'phone', session: { automatic: 'online' } }
    const bare = await call('u-photo', 'POST', '/presence/status', body)
    expect(bare.status).toBe(403)
    const others = await call('u-photo', 'POST', '/presence/status', body, {
      [SESSION_CREDENTIAL_HEADER]: await credentialFor('u-florist', 'phone'),
    })
    expect(others.status).toBe(403)
    const wrongSession = await call('u-photo', 'POST', '/presence/status', body, {
      [SESSION_CREDENTIAL_HEADER]: await credentialFor('u-photo', 'laptop'),
    })
    expect(wrongSession.status).toBe(403)
    const forged = await call('u-photo', 'POST', '/presence/status', body, {
      [SESSION_CREDENTIAL_HEADER]: `${(await credentialFor('u-photo', 'phone')).slice(0, -4)}AAAA`,
    })
    expect(forged.status).toBe(403)
    expect(await store.sessionsOf!('u-photo')).toEqual([])
    const own = await call('u-photo', 'POST', '/presence/status', body, {
      [SESSION_CREDENTIAL_HEADER]: await credentialFor('u-photo', 'phone'),
    })
    expect(own.status).toBe(200)
    expect((await store.sessionsOf!('u-photo')).map((s) => s.sessionId)).toEqual(['phone'])
  })

  it('takes the session from the credential when the body names none; expired ones are refused', async () => {
    const { call, credentialFor, store, clock } = await verifiedServer()
    const credential = await credentialFor('u-photo', 'tablet')
    const response = await call(
      'u-photo',
      'POST',
      '/presence/heartbeat',
      {},
      {
        [SESSION_CREDENTIAL_HEADER]: credential,
      },
    )
    expect(response.status).toBe(204)
    expect((await store.sessionsOf!('u-photo')).map((s) => s.sessionId)).toEqual(['tablet'])
    await clock.advance(16 * 60_000) // past the credential's 15 minutes
    const late = await call(
      'u-photo',
      'POST',
      '/presence/heartbeat',
      {},
      {
        [SESSION_CREDENTIAL_HEADER]: credential,
      },
    )
    expect(late.status).toBe(403)
    // Old clients without a session id still report to their implicit session.
    expect((await call('u-photo', 'POST', '/presence/status', { status: 'busy' })).status).toBe(200)
  })
})
