// Next.js App Router route that issues session credentials for verified presence: save as
// app/api/presence-session/route.ts. The browser calls it with the user's access token:
//   POST { sessionId, publicKey }  → 201 { credential, expiresAt, userId, sessionId }
//   GET                            → the JWKS observers verify credentials against
// Environment: SESSION_SIGNING_KEYS (a JSON array of private JWKs, the signing key first),
// SESSION_ISSUER (the `iss` claim, e.g. the app's URL) and SUPABASE_JWT_SECRET (or use
// `jwksUrl` for asymmetric Supabase keys or another OIDC issuer).
import {
  type Authenticate,
  type CredentialIssuer,
  createCredentialIssuer,
  createJwtAuthenticator,
  DEFAULT_MAX_BODY_BYTES,
  errorResponse,
  isPresenceServerError,
  PresenceServerError,
  parseInput,
  parseSigningKeys,
  readJson,
  sessionRequestSchema,
} from '@wedsync/presence-server'

export const dynamic = 'force-dynamic'

let made: { issuer: CredentialIssuer; authenticate: Authenticate } | undefined

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

/** Made on the first request, from the environment (so `next build` needs no secrets). */
function issuing(): { issuer: CredentialIssuer; authenticate: Authenticate } {
  made ??= {
    issuer: createCredentialIssuer({
      keys: parseSigningKeys(required('SESSION_SIGNING_KEYS')),
      issuer: required('SESSION_ISSUER'),
    }),
    authenticate: createJwtAuthenticator({ secret: required('SUPABASE_JWT_SECRET') }),
  }
  return made
}

export async function POST(request: Request): Promise<Response> {
  try {
    const { issuer, authenticate } = issuing()
    const { userId } = await authenticate(request) // the user is the token's, never the body's
    const body = parseInput(
      sessionRequestSchema,
      await readJson(request, DEFAULT_MAX_BODY_BYTES),
      'session request',
    )
    // Rooms need a membership check of the app's own; this route issues credentials without.
    if (body.rooms)
      throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Rooms are not offered here')
    const { credential, expiresAt } = await issuer.issue({ userId, ...body })
    return Response.json(
      { credential, expiresAt, userId, sessionId: body.sessionId },
      { status: 201, headers: { 'cache-control': 'no-store' } },
    )
  } catch (error) {
    // 401, 400, 403 with the catalogue's code; anything else a 500 that never carries its message.
    if (!isPresenceServerError(error)) console.error(error)
    return errorResponse(error)
  }
}

export async function GET(): Promise<Response> {
  return Response.json(issuing().issuer.jwks(), {
    headers: { 'cache-control': 'public, max-age=300' },
  })
}
