// Next.js App Router: save as app/api/[...path]/route.ts. Serves /api/presence/*, /api/health and
// /api/metrics from the Node.js runtime, with Postgres for presence and for the rate limits
// (shared by every instance of the deployment). Without DATABASE_URL (local development) it keeps
// everything in this process's memory instead, and says so once.
// Mounted at app/api/presence/[...path]/route.ts instead, give `mountPath: '/api/presence'` in
// place of `basePath: '/api'`: /api/presence/status, /api/presence/health, /api/presence/metrics.
import {
  createJwtAuthenticator,
  createMemoryStore,
  createPresenceHandlers,
  createRateLimiter,
  type PresenceHandlers,
  toRouteHandlers,
} from '@wedsync/presence-server'
import {
  createPostgresRateLimitStore,
  createPostgresStore,
} from '@wedsync/presence-server/postgres'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

let opening: Promise<PresenceHandlers> | undefined

/** One set of handlers per server process, made on the first request. */
function presence(): Promise<PresenceHandlers> {
  opening ??= (async () => {
    const env = process.env
    const authenticate = createJwtAuthenticator({ secret: env.SUPABASE_JWT_SECRET ?? '' })
    const connectionString = env.DATABASE_URL
    if (!connectionString) {
      console.warn('presence: DATABASE_URL is not set; keeping presence in memory (development)')
      return createPresenceHandlers({ store: createMemoryStore(), authenticate, basePath: '/api' })
    }
    const schema = env.PRESENCE_SCHEMA ?? 'public'
    const store = await createPostgresStore({ connectionString, schema })
    const limits = await createPostgresRateLimitStore({ connectionString, schema, migrate: false })
    return createPresenceHandlers({
      store,
      authenticate,
      rateLimiter: createRateLimiter({ store: limits }),
      basePath: '/api',
    })
  })()
  return opening
}

export const { GET, POST, PUT } = toRouteHandlers(async (request) =>
  (await presence()).fetch(request),
)
