// A presence API on Node's http server.
//   pnpm build && node examples/node-server.mjs
// Store: Postgres when DATABASE_URL is set, else PGlite (in memory, or in PRESENCE_DATA_DIR).
// Rate limits: shared through Redis when REDIS_URL is set, else in this process.
// Tokens: Supabase access tokens, verified with SUPABASE_JWT_SECRET (HS256) or SUPABASE_JWKS_URL.
import { pathToFileURL } from 'node:url'
import {
  createJwtAuthenticator,
  createMemoryRateLimitStore,
  createPresenceHandlers,
  createRateLimiter,
} from '@wedsync/presence-server'
import { servePresence } from '@wedsync/presence-server/node'

const DEV_SECRET = 'dev-only-secret-change-me-at-least-32-characters'

async function openStore(env) {
  if (env.DATABASE_URL) {
    const { createPostgresStore } = await import('@wedsync/presence-server/postgres')
    return createPostgresStore({ connectionString: env.DATABASE_URL, schema: env.PRESENCE_SCHEMA })
  }
  const { createPGliteStore } = await import('@wedsync/presence-server/pglite')
  return createPGliteStore(env.PRESENCE_DATA_DIR ? { dataDir: env.PRESENCE_DATA_DIR } : {})
}

async function openLimitStore(env) {
  if (!env.REDIS_URL) return { store: createMemoryRateLimitStore(), close: async () => {} }
  const { Redis } = await import('ioredis')
  const { createRedisRateLimitStore } = await import('@wedsync/presence-server/redis')
  const redis = new Redis(env.REDIS_URL)
  return { store: createRedisRateLimitStore({ redis }), close: () => redis.quit() }
}

/** Starts the server; resolves with its url and a close function. */
export async function start({ env = process.env, port = Number(env.PORT ?? 8787) } = {}) {
  const store = await openStore(env)
  const limits = await openLimitStore(env)
  const handlers = createPresenceHandlers({
    store,
    authenticate: createJwtAuthenticator(
      env.SUPABASE_JWKS_URL
        ? { jwksUrl: env.SUPABASE_JWKS_URL }
        : { secret: env.SUPABASE_JWT_SECRET ?? DEV_SECRET },
    ),
    rateLimiter: createRateLimiter({ store: limits.store }), // 10 status updates per minute
    // Heartbeats: their own budget, 60 per minute per user, in this process (the default).
    teamNoun: { one: 'supplier', other: 'suppliers' },
  })
  const server = await servePresence(handlers, { port, host: env.HOST ?? '127.0.0.1' })
  return {
    url: server.url,
    async close() {
      await server.close()
      await store.close()
      await limits.close()
    },
  }
}

/** What `start` is about to open, in one line, so the wait for PGlite is not silent. */
function describeStores(env) {
  const store = env.DATABASE_URL
    ? 'Postgres at DATABASE_URL'
    : `the embedded Postgres (PGlite, ${env.PRESENCE_DATA_DIR ? `in ${env.PRESENCE_DATA_DIR}` : 'in memory'}; a few seconds)`
  const limits = env.REDIS_URL ? 'rate limits in Redis at REDIS_URL' : 'rate limits in this process'
  return `› starting ${store}, ${limits}…`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(describeStores(process.env))
  const server = await start()
  console.log(`presence API on ${server.url} (try ${server.url}/health); Ctrl-C stops it`)
  const stop = (signal) => {
    console.log(`\n› ${signal}: closing the server and the stores…`)
    server.close().then(
      () => {
        console.log('presence API stopped')
        process.exit(0)
      },
      (error) => {
        console.error('presence API stopped with an error:', error)
        process.exit(1)
      },
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
