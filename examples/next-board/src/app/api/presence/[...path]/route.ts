/**
 * presence-server mounted at /api/presence (presence-server's Next.js recipe,
 * examples/next-app-router/route.ts, with `mountPath`): POST /api/presence/status,
 * /api/presence/heartbeat, GET/PUT /api/presence/settings, /api/presence/last-seen,
 * /api/presence/teams/:teamId/availability, /api/presence/health and /api/presence/metrics.
 * Postgres (the pool the page reads visible_presence() through, so both see one database) when
 * DATABASE_URL is set; this process's memory otherwise, said once. Handlers are made on the first
 * request, so `next build` needs no database and no secret.
 */
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
import { database } from '../../../../lib/database'
import { jwtSecret, presenceSchema } from '../../../../lib/server-env'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

const MOUNT_PATH = '/api/presence'
const TEAM_NOUN = { one: 'supplier', other: 'suppliers' }

let opening: Promise<PresenceHandlers> | undefined

/** One set of handlers per server process, made on the first request. */
function presence(): Promise<PresenceHandlers> {
  opening ??= (async () => {
    const authenticate = createJwtAuthenticator({ secret: jwtSecret() })
    const pool = database()
    if (!pool) {
      console.warn('presence: DATABASE_URL is not set; keeping presence in memory (development)')
      return createPresenceHandlers({
        store: createMemoryStore(),
        authenticate,
        mountPath: MOUNT_PATH,
        teamNoun: TEAM_NOUN,
      })
    }
    const schema = presenceSchema()
    const store = await createPostgresStore({ pool, schema })
    const limits = await createPostgresRateLimitStore({ pool, schema, migrate: false })
    return createPresenceHandlers({
      store,
      authenticate,
      rateLimiter: createRateLimiter({ store: limits }),
      mountPath: MOUNT_PATH,
      teamNoun: TEAM_NOUN,
    })
  })()
  // A failed start (database down) is not kept: the next request tries again.
  opening.catch(() => {
    opening = undefined
  })
  return opening
}

export const { GET, POST, PUT } = toRouteHandlers(async (request) =>
  (await presence()).fetch(request),
)
