/**
 * The demo's sign-in: `POST <basePath>/demo/sign-in` with `{ userId }` gives any member of the cast
 * an access token signed with the development secret. There is no password because the example has
 * no accounts; a real app sends its Supabase session's access token instead, and has no such route.
 */
import type { Clock } from '@wedsync/presence-core'
import { errorResponse, PresenceServerError, readJson } from '@wedsync/presence-server'
import { createAccessToken } from '@wedsync/presence-testing/server'
import { supplierById } from '../cast.js'

export interface DevSignInOptions {
  /** The HS256 secret the handlers' authenticator verifies with. */
  readonly secret: string
  readonly clock: Clock
  /** How long a token lasts. Default 12 hours: a demo afternoon without a refresh. */
  readonly ttlSeconds?: number
}

export interface DevSession {
  readonly accessToken: string
  /** Epoch ms. */
  readonly expiresAt: number
}

export function createDevSignIn(
  options: DevSignInOptions,
): (request: Request) => Promise<Response> {
  const ttlSeconds = options.ttlSeconds ?? 12 * 60 * 60
  return async (request) => {
    try {
      if (request.method !== 'POST') throw new PresenceServerError('PRESENCE_METHOD_NOT_ALLOWED')
      const body = (await readJson(request, 1_024)) as { userId?: unknown } | null
      const userId = typeof body?.userId === 'string' ? body.userId : undefined
      if (!userId || !supplierById(userId))
        throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Not a member of the cast')
      const now = options.clock.now()
      const session: DevSession = {
        accessToken: await createAccessToken({
          claims: { sub: userId, aud: 'authenticated' },
          now,
          expiresInSeconds: ttlSeconds,
          secret: options.secret,
        }),
        expiresAt: Math.floor(now / 1000) * 1000 + ttlSeconds * 1000,
      }
      return Response.json(session, { headers: { 'cache-control': 'no-store' } })
    } catch (error) {
      return errorResponse(error)
    }
  }
}
