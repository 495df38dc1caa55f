// Supabase Edge Function (Deno): supabase/functions/presence-api/index.ts, with deno.json beside it
// mapping the package names to npm: specifiers. Serves /functions/v1/presence-api/presence/*.
// Presence lives in the project's Postgres (SUPABASE_DB_URL is set in every function); rate
// limits in the same database, shared by every isolate.
import {
  createJwtAuthenticator,
  createPresenceHandlers,
  createRateLimiter,
  type PresenceHandlers,
} from '@wedsync/presence-server'
import {
  createPostgresRateLimitStore,
  createPostgresStore,
} from '@wedsync/presence-server/postgres'

interface DenoLike {
  readonly env: { get(name: string): string | undefined }
  serve(handler: (request: Request) => Promise<Response>): unknown
}

export interface EdgeEnv {
  get(name: string): string | undefined
}

/** The function's handlers; Supabase passes the path with the function name in front. */
export async function createHandler(env: EdgeEnv): Promise<PresenceHandlers> {
  const connectionString = env.get('SUPABASE_DB_URL')
  if (!connectionString) throw new Error('SUPABASE_DB_URL is not set')
  const schema = env.get('PRESENCE_SCHEMA') ?? 'public'
  // Edge isolates are small: a pool of one or two connections each.
  const store = await createPostgresStore({ connectionString, schema, max: 2 })
  const limits = await createPostgresRateLimitStore({
    connectionString,
    schema,
    max: 1,
    migrate: false,
  })
  const jwksUrl =
    env.get('SUPABASE_URL') && `${env.get('SUPABASE_URL')}/auth/v1/.well-known/jwks.json`
  const secret = env.get('SUPABASE_JWT_SECRET')
  return createPresenceHandlers({
    store,
    authenticate: createJwtAuthenticator(secret ? { secret } : { jwksUrl: jwksUrl || '' }),
    rateLimiter: createRateLimiter({ store: limits }),
    basePath: '/presence-api',
  })
}

const deno = (globalThis as { Deno?: DenoLike }).Deno
if (deno) {
  const handlers = createHandler(deno.env)
  deno.serve(async (request) => (await handlers).fetch(request))
}
