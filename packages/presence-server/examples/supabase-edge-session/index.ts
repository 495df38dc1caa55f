// Supabase Edge Function (Deno) that issues session credentials for verified presence:
// supabase/functions/presence-session/index.ts, with deno.json beside it. The browser calls it
// with the user's Supabase access token:
//   POST { sessionId, publicKey }  → 201 { credential, expiresAt, userId, sessionId }
//   GET                            → the JWKS observers verify credentials against
// Secrets (`supabase secrets set`): SESSION_SIGNING_KEYS, a JSON array of private JWKs, the
// signing key first; SESSION_ISSUER, the `iss` claim (default SUPABASE_URL). The caller's token is
// checked with SUPABASE_JWT_SECRET when set (HS256), else with the project's JWKS.
import {
  type CredentialIssuer,
  createCredentialIssuer,
  createJwtAuthenticator,
  DEFAULT_MAX_BODY_BYTES,
  errorResponse,
  isPresenceServerError,
  type MayEnterRooms,
  PresenceServerError,
  parseInput,
  parseSigningKeys,
  readJson,
  sessionRequestSchema,
} from '@wedsync/presence-server'

interface DenoLike {
  readonly env: EdgeEnv
  serve(handler: (request: Request) => Promise<Response>): unknown
}

export interface EdgeEnv {
  get(name: string): string | undefined
}

export interface SessionFunctionOptions {
  /** Who may have a credential naming these rooms. Default: nobody (ask without rooms). */
  readonly mayEnter?: MayEnterRooms
}

// The function is called from the app's pages, on another origin.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
}

function required(env: EdgeEnv, name: string): string {
  const value = env.get(name)
  if (!value) throw new Error(`${name} is not set`)
  return value
}

/** The function's handler: export it so it can be called without Deno (tests, other hosts). */
export function createSessionHandler(
  env: EdgeEnv,
  options: SessionFunctionOptions = {},
): (request: Request) => Promise<Response> {
  const issuer: CredentialIssuer = createCredentialIssuer({
    keys: parseSigningKeys(required(env, 'SESSION_SIGNING_KEYS')),
    issuer: env.get('SESSION_ISSUER') ?? required(env, 'SUPABASE_URL'),
  })
  const secret = env.get('SUPABASE_JWT_SECRET')
  const authenticate = createJwtAuthenticator(
    secret
      ? { secret }
      : { jwksUrl: `${required(env, 'SUPABASE_URL')}/auth/v1/.well-known/jwks.json` },
  )
  const mayEnter = options.mayEnter ?? (() => false)

  async function issue(request: Request): Promise<Response> {
    const { userId } = await authenticate(request) // the user is the token's, never the body's
    const body = parseInput(
      sessionRequestSchema,
      await readJson(request, DEFAULT_MAX_BODY_BYTES),
      'session request',
    )
    if (body.rooms && !(await mayEnter(userId, body.rooms)))
      throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Not a member of every requested room')
    const { credential, expiresAt } = await issuer.issue({ userId, ...body })
    return Response.json(
      { credential, expiresAt, userId, sessionId: body.sessionId },
      { status: 201, headers: { ...CORS, 'cache-control': 'no-store' } },
    )
  }

  return async (request) => {
    try {
      if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS })
      if (request.method === 'GET')
        return Response.json(issuer.jwks(), {
          headers: { ...CORS, 'cache-control': 'public, max-age=300' },
        })
      if (request.method !== 'POST') throw new PresenceServerError('PRESENCE_METHOD_NOT_ALLOWED')
      return await issue(request)
    } catch (error) {
      // 401, 400, 403 with the catalogue's code; anything else a 500 that never carries its message.
      if (!isPresenceServerError(error)) console.error(error)
      return errorResponse(error, CORS)
    }
  }
}

const deno = (globalThis as { Deno?: DenoLike }).Deno
if (deno) deno.serve(createSessionHandler(deno.env))
