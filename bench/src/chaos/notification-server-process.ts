/**
 * A presence server with the notification router, in its own process, for the crash scenario:
 * presence-server's handlers (status updates, `POST /presence/notifications`) over Postgres in the
 * given schema, the router's held notifications in the same database. Its delivery hooks post
 * each notification to the parent's receiver (`receiverUrl`) and wait for the answer: a delivery
 * counts once the receiver has it, and the parent can kill this process in the middle of a hook.
 * Configured by one JSON argument (`NotificationServerConfig`); tells its parent
 * `{type: 'ready', url}` once the router has started (its catch-up done); on `stop` closes and
 * exits. Several instances over one schema are the same deployment, one after another.
 */
import {
  COORDINATION_MIGRATIONS,
  createNotificationRouter,
  createSqlNotificationStore,
  type Notification,
  notificationEndpoint,
  presenceFromStore,
} from '@wedsync/presence-coordination'
import { createJwtAuthenticator, createPresenceHandlers } from '@wedsync/presence-server'
import { servePresence } from '@wedsync/presence-server/node'
import { createPostgresStore, migratePostgres, pgClient } from '@wedsync/presence-server/postgres'
import pg from 'pg'

export interface NotificationServerConfig {
  readonly databaseUrl: string
  readonly schema: string
  readonly secret: string
  /** Where the hooks post `{ id, route, instanceId }`; a 2xx means delivered. */
  readonly receiverUrl: string
  /** This instance's name in the router's claims. */
  readonly instanceId: string
  /** The router's claim lease and poll, short so the scenario does not wait a minute. */
  readonly leaseMs: number
  readonly pollMs: number
  /** Put on one team first, so they may notify each other (the endpoint's default rule). */
  readonly team: { readonly id: string; readonly members: readonly string[] }
}

const config = JSON.parse(process.argv[2] ?? '{}') as NotificationServerConfig
const send = (message: unknown) => process.send?.(message)

const pool = new pg.Pool({
  connectionString: config.databaseUrl,
  max: 10,
  connectionTimeoutMillis: 2_000,
  statement_timeout: 2_000,
  query_timeout: 3_000,
})
// An idle connection Postgres closes must not end the process (see docs/server.md).
pool.on('error', () => {})
await migratePostgres(pool, config.schema, { extraMigrations: COORDINATION_MIGRATIONS })
const store = await createPostgresStore({ pool, schema: config.schema, migrate: false })
for (const userId of config.team.members)
  await store.addTeamMember({ teamId: config.team.id, userId })

const hook = (route: string) => async (notification: Notification) => {
  const response = await fetch(config.receiverUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: notification.id, route, instanceId: config.instanceId }),
  })
  if (!response.ok) throw new Error(`receiver answered ${response.status}`)
}

const router = createNotificationRouter({
  store: createSqlNotificationStore({ client: pgClient(pool), schema: config.schema }),
  presence: presenceFromStore(store),
  // Every route reaches the receiver, so a notification counts as delivered whichever it took.
  hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
  instanceId: config.instanceId,
  leaseMs: config.leaseMs,
  pollMs: config.pollMs,
})
const handlers = createPresenceHandlers({
  store,
  authenticate: createJwtAuthenticator({ secret: config.secret }),
  extensions: [notificationEndpoint({ router })],
})
const running = await servePresence(handlers, { port: 0 })
await router.start()

process.on('message', async (message: { type: string }) => {
  if (message.type !== 'stop') return
  router.stop()
  await running.close()
  await store.close()
  await pool.end()
  process.exit(0)
})
// Never outlive the run that started it.
process.on('disconnect', () => process.exit(0))

send({ type: 'ready', url: running.url })
