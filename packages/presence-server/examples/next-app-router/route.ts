// Next.js App Router: save as app/api/[...path]/route.ts. Serves /api/presence/*, /api/health and
// /api/metrics from the Node.js runtime, with Postgres for presence and for the rate limits
// (shared by every instance of the deployment).
import {
  createJwtAuthenticator,
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
    const connectionString = env.DATABASE_URL
    if (!connectionString) throw new Error('DATABASE_URL is not set')
    const schema = env.PRESENCE_SCHEMA ?? 'public'
    const store = await createPostgresStore({ connectionString, schema })
    const limits = await createPostgresRateLimitStore({ connectionString, schema, migrate: false })
    return createPresenceHandlers({
      store,
      authenticate: createJwtAuthenticator({ secret: env.SUPABASE_JWT_SECRET ?? '' }),
      rateLimiter: createRateLimiter({ store: limits }),
      basePath: '/api',
    })
  })()
  return opening
}

export const { GET, POST, PUT } = toRouteHandlers(async (request) =>
  (await presence()).fetch(request),
)
