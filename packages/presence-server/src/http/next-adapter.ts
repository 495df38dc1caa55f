/**
 * The Next.js App Router recipe: route handlers are `(Request) => Promise<Response>` per method,
 * so the router serves them all from one catch-all route (`app/api/[...path]/route.ts` with
 * `basePath: '/api'`, or `app/api/presence/[...path]/route.ts` with `mountPath: '/api/presence'`):
 * `export const { GET, POST, PUT } = toRouteHandlers(handlers)`.
 */
import type { Handler, PresenceHandlers } from './create-handlers.js'

export interface RouteHandlers {
  readonly GET: Handler
  readonly HEAD: Handler
  readonly POST: Handler
  readonly PUT: Handler
}

/** Every method to the router; accepts the handlers or any fetch-style function (lazy setup). */
export function toRouteHandlers(
  handlers: Handler | Pick<PresenceHandlers, 'fetch'>,
): RouteHandlers {
  const handle: Handler =
    typeof handlers === 'function' ? handlers : (request) => handlers.fetch(request)
  return { GET: handle, HEAD: handle, POST: handle, PUT: handle }
}
