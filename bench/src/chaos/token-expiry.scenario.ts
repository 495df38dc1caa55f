/**
 * A token that expires during an outage (issue 14, part 4): three client processes signed in with
 * 10 s access tokens from an auth server (supabase-js's `accessToken` option; each client renews
 * at half the lifetime, and realtime-js asks it at each 3 s heartbeat and on every connect). The
 * Realtime server stops — a real outage, not a restart: stopped, then started again on the same
 * port — and the auth server goes down with it, until every token the clients hold has expired.
 * Realtime comes back first; the clients reconnect and rejoin with the tokens they have, and the
 * server refuses them (`InvalidJWTToken: Token has expired …`). Then the auth server comes back.
 * One client set busy during the outage (it must not be lost).
 *
 * Bounds: every client's refused join named the expired token (the app is told `error` with that
 * reason, not a silent failure); once fresh tokens can be had every client rejoins by itself
 * within 30 s, each with exactly one session (its own); the busy set during the outage is shown;
 * the server holds exactly the live sessions. A wait that never ends is measured as ∞.
 */
import { startRealtimeServer } from '@wedsync/presence-testing/server'
import { observe, pollUntil, shownOnceAs } from './presence-processes.js'
import { type Check, equals, type Scenario, withinMs } from './scenario.js'
import { createAuthServer, spawnTokenClient, type Told } from './token-clients.js'

const PEOPLE = 3
const TOKEN_LIFETIME_S = 10
/** realtime-js asks for a token at each heartbeat: it must come before half the lifetime is left. */
const REALTIME_HEARTBEAT_MS = 3_000
const BACK_MS = 30_000
/** Beyond every bound: a wait that gets here is measured as never (∞). */
const FAIL_MS = 60_000

const expiredRefusal = (t: Told) =>
  t.kind === 'status' &&
  t.status === 'error' &&
  /InvalidJWTToken: Token has expired/.test(t.reason ?? '')

export const scenario: Scenario = {
  title: `a ${TOKEN_LIFETIME_S} s access token expires while Realtime and auth are down`,
  // About 40 s: the outage outlasts the tokens, then the jittered reconnects and rejoins.
  quick: false,
  async run(): Promise<Check[]> {
    let server = await startRealtimeServer()
    const port = server.port
    const roomId = 'wedding:chaos-token-expiry'
    const observer = observe(server.url, roomId)
    const auth = createAuthServer()
    const people = Array.from({ length: PEOPLE }, (_, i) =>
      spawnTokenClient(
        {
          url: server.url,
          userId: `u-${i}`,
          roomId,
          tokenLifetimeSeconds: TOKEN_LIFETIME_S,
          realtimeHeartbeatMs: REALTIME_HEARTBEAT_MS,
        },
        auth,
      ),
    )
    const never = (what: string) => (error: unknown) => {
      console.log(`  ${what}: ${error instanceof Error ? error.message : error}`)
      return Number.POSITIVE_INFINITY
    }
    try {
      const sessions = await Promise.all(people.map((p) => p.sessionId))
      await observer.until(`all ${PEOPLE} online`, (room) =>
        people.every((p) => room.member(p.userId)?.status === 'online'),
      )
      for (const p of people) p.told.length = 0

      auth.available = false
      await server.stop()
      people[0]!.setStatus('busy') // while nothing is reachable: must not be lost
      // The outage lasts until every token the clients hold has expired (the server's check is
      // in whole seconds, so one second past the latest exp).
      const expiredAt = Math.max(...people.map((p) => p.tokenExp())) * 1_000 + 1_000
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiredAt - Date.now())))
      server = await startRealtimeServer({ port })
      const refusedAll = await Promise.all(
        people.map((p) => p.toldSo('a join refused for its expired token', expiredRefusal)),
      ).then(() => true, never('not every client was refused'))
      const refusedWhileAuthDown = server.stats().joinErrors
      // The observer reconnects on its own jittered schedule: what it shows is measured once it
      // is back, so its own wait is not counted against the clients.
      await observer.until('the observer back', (room) => room.connection === 'joined', FAIL_MS)

      auth.available = true
      const freshAt = performance.now()
      const backMs = await Promise.all(people.map((p) => p.joined(2, FAIL_MS)))
        .then(() => performance.now() - freshAt)
        .catch(never('not every client rejoined'))
      const shownMs = await observer
        .until(
          'each client online (one busy) with its own one session',
          (room) =>
            people.every((p, i) =>
              shownOnceAs(room, p.userId, sessions[i]!, i === 0 ? 'busy' : 'online'),
            ),
          FAIL_MS,
        )
        .then(() => performance.now() - freshAt)
        .catch(never('not every client shown again'))
      const presences = await pollUntil(
        async () => {
          const held = server.stats().presences
          return held === PEOPLE + 1 && held
        },
        'the server to hold every session',
        { failMs: 10_000 },
      ).catch(() => server.stats().presences)
      const story = (p: (typeof people)[number]) =>
        p.told
          .map((t) =>
            t.kind === 'status'
              ? `${t.status}${t.reason ? ` (${t.reason})` : ''}`
              : `error ${t.code}: ${t.message}`,
          )
          .join(' → ')
      console.log(`  what ${people[1]!.userId}'s app was told: ${story(people[1]!)}`)
      console.log(
        `  tokens issued ${auth.counts.issued}, requests refused while auth was down ${auth.counts.refused}, ` +
          `joins the server refused ${refusedWhileAuthDown} before auth was back, ${server.stats().joinErrors} in all`,
      )
      return [
        equals(
          'clients told their join was refused for the expired token',
          refusedAll ? PEOPLE : 0,
          PEOPLE,
        ),
        withinMs('every client rejoined once fresh tokens could be had', backMs, BACK_MS),
        withinMs('every client shown again, busy kept, one session each', shownMs, BACK_MS),
        equals('presences the server holds', presences, PEOPLE + 1),
      ]
    } finally {
      for (const p of people) if (p.child.exitCode === null) p.child.kill('SIGKILL')
      observer.close()
      await server.stop()
    }
  },
}
