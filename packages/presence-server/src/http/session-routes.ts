/**
 * `POST /presence/sessions` and `GET /presence/.well-known/jwks.json`: session credentials over
 * HTTP. The credential's user is always the authenticated caller, never a field of the body;
 * issuing is rate limited per user; a credential names rooms only when the caller may enter every
 * one of them. The JWKS is public (anyone may verify) and cacheable for five minutes.
 */
import { z } from 'zod'
import {
  type CredentialIssuer,
  MAX_CREDENTIAL_ROOMS,
  sessionPublicKeySchema,
} from '../credentials/session-credentials.js'
import { PresenceServerError } from '../errors.js'
import type { RateLimiter } from '../rate-limit/rate-limiter.js'
import type { PresenceStore } from '../stores/presence-store.js'
import { idSchema, parseInput, roomIdSchema } from '../validation/schemas.js'
import { json, readJson } from './bodies.js'
import {
  consume,
  type MayEnterRooms,
  type RouteContext,
  type SessionEndpoint,
  stored,
} from './route-context.js'

export type { MayEnterRooms, SessionEndpoint }

export interface SessionEndpointOptions {
  readonly issuer: CredentialIssuer
  /** Credentials issued per user. Default: 30 per minute per user, in memory. */
  readonly rateLimiter?: RateLimiter
  /**
   * Asked only when the request names rooms. Default: the user is a member of the team whose id
   * is each room id (`teamRoomsMayEnter`), the convention the Supabase policies use.
   */
  readonly mayEnter?: MayEnterRooms
}

/** A `POST /presence/sessions` body. */
export const sessionRequestSchema = z.strictObject({
  sessionId: idSchema,
  publicKey: sessionPublicKeySchema,
  rooms: z
    .array(roomIdSchema)
    .max(MAX_CREDENTIAL_ROOMS, `Expected at most ${MAX_CREDENTIAL_ROOMS} rooms`)
    .optional(),
})

/** The `201` answer of `POST /presence/sessions`. */
export interface SessionCredentialResponse {
  /** The credential (JWS compact); hand it to the session's trust. */
  readonly credential: string
  /** Epoch ms; ask for a new one before then. */
  readonly expiresAt: number
  /** The authenticated caller: the credential's `sub`. */
  readonly userId: string
  readonly sessionId: string
}

/**
 * The default `mayEnter`: a room's members are the team whose id is the room id (room
 * `wedding:123` is team `wedding:123`). A store failure is PRESENCE_STORE_UNAVAILABLE.
 */
export function teamRoomsMayEnter(store: Pick<PresenceStore, 'teamMembers'>): MayEnterRooms {
  return async (userId, rooms) => {
    const answers = await Promise.all(
      [...new Set(rooms)].map(async (roomId) =>
        (await stored(store.teamMembers(roomId))).some((member) => member.userId === userId),
      ),
    )
    return answers.every(Boolean)
  }
}

/** POST /presence/sessions — a session credential for the caller's session key. */
export async function postSession(ctx: RouteContext, request: Request): Promise<Response> {
  const endpoint = ctx.sessions
  if (!endpoint) throw new PresenceServerError('PRESENCE_NOT_FOUND')
  const { userId } = await ctx.authenticate(request)
  const body = parseInput(
    sessionRequestSchema,
    await readJson(request, ctx.maxBodyBytes),
    'session request',
  )
  await consume(ctx, endpoint.limiter, 'sessions', userId)
  if (body.rooms !== undefined && !(await endpoint.mayEnter(userId, body.rooms)))
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Not a member of every requested room')
  const issued = await endpoint.issuer.issue({
    userId,
    sessionId: body.sessionId,
    publicKey: body.publicKey,
    ...(body.rooms === undefined ? {} : { rooms: body.rooms }),
  })
  const answer: SessionCredentialResponse = {
    credential: issued.credential,
    expiresAt: issued.expiresAt,
    userId,
    sessionId: body.sessionId,
  }
  return json(answer, 201)
}

/** GET /presence/.well-known/jwks.json — the public keys credentials verify against. */
export function getJwks(ctx: RouteContext): Response {
  const endpoint = ctx.sessions
  if (!endpoint) throw new PresenceServerError('PRESENCE_NOT_FOUND')
  const response = json(endpoint.issuer.jwks())
  // Public keys: any page may fetch them, and caches may keep them for the five minutes a
  // rotation waits before the new key signs (see docs/server.md, "Rotating keys").
  response.headers.set('cache-control', 'public, max-age=300')
  response.headers.set('access-control-allow-origin', '*')
  return response
}
