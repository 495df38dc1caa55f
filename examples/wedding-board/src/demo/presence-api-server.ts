/**
 * The demo's presence API: `@wedsync/presence-server`'s handlers and notification router in this
 * process, over an in-memory store, on a local port. Teams come from the cast, a few weeks of
 * history are seeded (see seed-history.ts), the simulated suppliers are recorded as they go (per
 * session), the session sweeper expires devices that vanished (its transitions go to the router,
 * like the handlers'), and the router's hooks are the demo outbox: nothing is ever sent. Requests are authenticated with
 * the development JWT secret (tokens from the demo's sign-in). It also issues session credentials
 * for verified presence (`POST /presence/sessions`, `GET /presence/.well-known/jwks.json`), signed
 * by a key made at start and kept only in memory: a credential outlives no run of the demo. The
 * composition root of the server side: the only place that names its concrete parts.
 */
import {
  createMemoryNotificationStore,
  createNotificationRouter,
  historyPatterns,
  type NotificationRouter,
  notificationEndpoint,
  presenceFromStore,
  type SentPayload,
} from '@wedsync/presence-coordination'
import { type Clock, type Scheduler, systemClock, systemScheduler } from '@wedsync/presence-core'
import {
  createCredentialIssuer,
  createJwtAuthenticator,
  createMemoryStore,
  createPresenceHandlers,
  generateSigningKey,
  type PresenceStore,
  type SessionSweeper,
  startSessionSweeper,
} from '@wedsync/presence-server'
import { servePresence } from '@wedsync/presence-server/node'
import { DEV_JWT_SECRET } from '@wedsync/presence-testing/server'
import { type Random, seededRandom } from '../bots/plan.js'
import { roomOf, supplierById, teamIdOf, WEDDINGS } from '../cast.js'
import { JWKS_PATH } from '../verification.js'
import { createDevSignIn } from './dev-sign-in.js'
import { createOutbox, type Outbox } from './outbox.js'
import { createPresenceRecorder, type PresenceRecorder } from './presence-recorder.js'
import { castHistory, DEMO_ROUTINES, type Routine, seedHistory } from './seed-history.js'

/** Where the board finds the API on its own origin (Vite forwards it here). */
export const PRESENCE_API_BASE_PATH = '/presence-api'
/** The cast works in the venues' zone: their patterns are in its hours. */
export const CAST_TIME_ZONE = 'Europe/London'
/** The `iss` of the demo's session credentials; verifiers insist on it. */
export const DEMO_CREDENTIAL_ISSUER = 'urn:wedsync:wedding-board-demo'

export interface PresenceApiServerOptions {
  /** Default 0: any free port. */
  readonly port?: number
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Seeded history: whose routines, over how many days before now. `false`: none. */
  readonly history?:
    | false
    | { readonly routines: Readonly<Record<string, Routine>>; readonly days: number }
  readonly random?: Random
  /** Between session sweeps. Default 5 s (the sweeper's). */
  readonly sweepEveryMs?: number
  /** Store and hook failures (the API keeps running). Default: a console warning. */
  readonly onError?: (error: unknown) => void
}

export interface PresenceApiServer {
  /** Origin of the server, e.g. http://127.0.0.1:54330; the handlers are under the base path. */
  readonly url: string
  readonly basePath: string
  readonly store: PresenceStore
  readonly router: NotificationRouter<SentPayload>
  readonly outbox: Outbox
  /** Records the simulated suppliers (bots) in the store. */
  readonly recorder: PresenceRecorder
  /**
   * Expires sessions by lease (a board or laptop that vanished without leaving); its transitions
   * go to the router, as the handlers' do.
   */
  readonly sweeper: SessionSweeper
  /** The `iss` its session credentials carry. */
  readonly issuer: string
  /** The absolute URL of its JWKS (`GET …/presence/.well-known/jwks.json`), for Node clients. */
  readonly jwksUrl: string
  close(): Promise<void>
}

export async function startPresenceApiServer(
  options: PresenceApiServerOptions = {},
): Promise<PresenceApiServer> {
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  const onError =
    options.onError ??
    ((error: unknown) =>
      console.warn(`presence API: ${error instanceof Error ? error.message : error}`))

  const store = createMemoryStore()
  for (const wedding of WEDDINGS)
    for (const userId of wedding.team)
      await store.addTeamMember({
        teamId: teamIdOf(wedding.id),
        userId,
        role: supplierById(userId)?.roleNoun ?? 'supplier',
      })
  const history = options.history ?? { routines: DEMO_ROUTINES, days: 28 }
  if (history)
    await seedHistory(
      store,
      castHistory({
        ...history,
        now: clock.now(),
        timeZone: CAST_TIME_ZONE,
        random: options.random ?? seededRandom(20260613),
      }),
    )

  const outbox = createOutbox()
  const router = createNotificationRouter<SentPayload>({
    store: createMemoryNotificationStore(),
    hooks: outbox.hooks,
    presence: presenceFromStore(store, { clock }),
    clock,
    scheduler,
    onError,
  })
  await router.start()
  // A device that vanished stops counting within the lease and one sweep, and the router hears
  // the user's transition as it hears those of status reports (the demo has no webhooks).
  const sweeper = startSessionSweeper({
    store,
    clock,
    scheduler,
    ...(options.sweepEveryMs !== undefined && { everyMs: options.sweepEveryMs }),
    onStatusChange: ({ userId, to }) => router.onPresenceChange(userId, to),
    onError,
  })
  const recorder = createPresenceRecorder({
    store,
    onStatusChange: (userId, status) => router.onPresenceChange(userId, status),
    clock,
    scheduler,
    onError,
  })

  // A fresh key every run: nothing to configure, and no credential of an earlier run verifies.
  const credentials = createCredentialIssuer({
    keys: [await generateSigningKey()],
    issuer: DEMO_CREDENTIAL_ISSUER,
    clock,
  })
  const handlers = createPresenceHandlers({
    store,
    authenticate: createJwtAuthenticator({ secret: DEV_JWT_SECRET, clock }),
    clock,
    basePath: PRESENCE_API_BASE_PATH,
    teamNoun: { one: 'supplier', other: 'suppliers' },
    availability: {
      timeZone: CAST_TIME_ZONE,
      usuallyBack: historyPatterns({ memberTimeZone: () => CAST_TIME_ZONE }),
    },
    extensions: [notificationEndpoint({ router })],
    sessions: { issuer: credentials, mayEnter: mayEnterWeddingRooms },
    onError,
  })
  const signIn = createDevSignIn({ secret: DEV_JWT_SECRET, clock })
  const signInPath = `${PRESENCE_API_BASE_PATH}/demo/sign-in`
  const server = await servePresence(
    (request) =>
      new URL(request.url).pathname === signInPath ? signIn(request) : handlers.fetch(request),
    { port: options.port ?? 0 },
  )

  return {
    url: server.url,
    basePath: PRESENCE_API_BASE_PATH,
    store,
    router,
    outbox,
    recorder,
    sweeper,
    issuer: DEMO_CREDENTIAL_ISSUER,
    jwksUrl: `${server.url}${PRESENCE_API_BASE_PATH}${JWKS_PATH}`,
    async close() {
      recorder.stop()
      sweeper.stop()
      router.stop()
      await server.close()
      await store.close()
    },
  }
}

/**
 * Who may have a credential naming rooms: the team of each room's wedding. (The handlers' default
 * reads the team whose id is the room id; here rooms are `wedding:<id>` and teams `wedding-<id>`.)
 */
export function mayEnterWeddingRooms(userId: string, rooms: readonly string[]): boolean {
  return rooms.every((roomId) =>
    WEDDINGS.some((wedding) => roomOf(wedding.id) === roomId && wedding.team.includes(userId)),
  )
}
