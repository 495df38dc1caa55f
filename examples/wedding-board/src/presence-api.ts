/**
 * The board's client of the presence API (`@wedsync/presence-server/client`), signed in through
 * the demo's sign-in: the token is fetched once, shared by concurrent requests, and fetched again
 * a minute before it expires. A real app passes its Supabase session's access token instead.
 */
import { type Clock, systemClock } from '@wedsync/presence-core'
import {
  createPresenceApiClient,
  type PresenceApiClient,
  PresenceServerError,
} from '@wedsync/presence-server/client'

export interface PresenceApiSettings {
  /** Where the API answers, e.g. `/presence-api` on the board's own origin. */
  readonly baseUrl: string
  /** Who signs in (a member of the cast). */
  readonly userId: string
  readonly fetch?: (input: string, init: RequestInit) => Promise<Response>
  readonly clock?: Clock
}

const REFRESH_BEFORE_MS = 60_000

export function connectPresenceApi(settings: PresenceApiSettings): PresenceApiClient {
  const clock = settings.clock ?? systemClock
  const doFetch = settings.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const base = settings.baseUrl.replace(/\/+$/, '')
  let session: { readonly accessToken: string; readonly expiresAt: number } | undefined
  let signingIn: Promise<string> | undefined

  const signIn = async (): Promise<string> => {
    const response = await doFetch(`${base}/demo/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: settings.userId }),
    })
    if (!response.ok)
      throw new PresenceServerError(
        response.status === 403 ? 'PRESENCE_FORBIDDEN' : 'PRESENCE_UNAUTHENTICATED',
        `Sign-in failed (HTTP ${response.status})`,
      )
    session = (await response.json()) as { accessToken: string; expiresAt: number }
    return session.accessToken
  }

  const accessToken = (): Promise<string> | string => {
    if (session && session.expiresAt - REFRESH_BEFORE_MS > clock.now()) return session.accessToken
    signingIn ??= signIn().finally(() => {
      signingIn = undefined
    })
    return signingIn
  }

  // A leave is sent as the page goes (pagehide): keepalive lets it outlive the page.
  const fetchFor = (input: string, init: RequestInit) =>
    doFetch(input, input.endsWith('/presence/leave') ? { ...init, keepalive: true } : init)
  return createPresenceApiClient({ baseUrl: base, accessToken, fetch: fetchFor })
}
