/**
 * A presence server in its own process for the store-fault scenarios: presence-server's handlers
 * over Postgres (`createPostgresStore` with a connection string, so the store owns its pool and its
 * connection and statement timeouts), status updates limited through Redis when `redisUrl` is
 * given (ioredis configured as docs/server.md recommends), in this process otherwise. Configured by
 * one JSON argument (`StoreServerConfig`). Tells its parent `{type: 'ready', url}`, and
 * `{type: '5xx', ...}` with the cause of every 5xx the handlers report; on `stop` closes the listener, then the
 * store (ending the pool waits for every query in flight, so nothing lands after `stopped`), and
 * exits. It is the server under test: it is never restarted during a scenario, and if it dies the
 * parent sees the exit.
 */
import {
  createJwtAuthenticator,
  createPresenceHandlers,
  createRateLimiter,
} from '@wedsync/presence-server'
import { servePresence } from '@wedsync/presence-server/node'
import { createPostgresStore } from '@wedsync/presence-server/postgres'
import { createRedisRateLimitStore } from '@wedsync/presence-server/redis'
import { Redis } from 'ioredis'

export interface StoreServerConfig {
  readonly databaseUrl: string
  /** Schema of the presence tables (migrated at start). */
  readonly schema: string
  /** The Redis of the status-update limiter; without it, limits are kept in this process. */
  readonly redisUrl?: string
  /** HS256 secret of the access tokens. */
  readonly secret: string
}

const config = JSON.parse(process.argv[2] ?? '{}') as StoreServerConfig
const send = (message: unknown) => process.send?.(message)
const describe = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error)

const store = await createPostgresStore({
  connectionString: config.databaseUrl,
  schema: config.schema,
})
let redis: Redis | undefined
if (config.redisUrl) {
  redis = new Redis(config.redisUrl, {
    // docs/server.md: the gate answers at its deadline either way; these free ioredis's own queue.
    commandTimeout: 2_000,
    connectTimeout: 2_000,
  })
  // ioredis reports every failed reconnect as an 'error' event; unheard, it logs each to stderr.
  redis.on('error', () => {})
}

const handlers = createPresenceHandlers({
  store,
  authenticate: createJwtAuthenticator({ secret: config.secret }),
  rateLimiter: createRateLimiter(
    redis ? { store: createRedisRateLimitStore({ redis, keyPrefix: 'chaos:' }) } : {},
  ),
  // A 503's own message is the catalogue's; what the store or driver said is its cause.
  onError: (error, request) =>
    send({
      type: '5xx',
      path: new URL(request.url).pathname,
      error: describe(error instanceof Error && error.cause !== undefined ? error.cause : error),
    }),
})
const running = await servePresence(handlers, { port: 0 })

process.on('message', async (message: { type: string }) => {
  if (message.type !== 'stop') return
  await running.close()
  await store.close()
  redis?.disconnect()
  send({ type: 'stopped' })
  process.exit(0)
})
// Never outlive the run that started it.
process.on('disconnect', () => process.exit(0))

send({ type: 'ready', url: running.url })
