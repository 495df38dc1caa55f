/**
 * Who is looking: the access token in the board's session cookie, verified as the presence route
 * verifies a bearer token (same authenticator, same secret). The cookie is the dev sign-in's
 * stand-in for a Supabase Auth session; with Supabase Auth the page would read the user from
 * `@supabase/ssr` instead.
 */
import 'server-only'
import { createJwtAuthenticator } from '@wedsync/presence-server'
import { cookies } from 'next/headers'
import { jwtSecret } from './server-env'

export const SESSION_COOKIE = 'board-access-token'

export interface Viewer {
  readonly userId: string
  /** The viewer's own token: the browser calls the presence route and Realtime with it. */
  readonly accessToken: string
}

/** The signed-in viewer, or undefined (no cookie, or a token that does not verify). */
export async function currentViewer(): Promise<Viewer | undefined> {
  const accessToken = (await cookies()).get(SESSION_COOKIE)?.value
  if (!accessToken) return undefined
  const authenticate = createJwtAuthenticator({ secret: jwtSecret() })
  try {
    const { userId } = await authenticate(
      new Request('http://board.invalid/', { headers: { authorization: `Bearer ${accessToken}` } }),
    )
    return { userId, accessToken }
  } catch {
    return undefined
  }
}
