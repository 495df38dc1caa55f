/**
 * Test support: handlers with the notification endpoint mounted as an extension, wired to a fake
 * clock, and the real Postgres the integration tests use (127.0.0.1, one schema per test run).
 */
import type { Clock } from '@wedsync/presence-core'
import {
  createJwtAuthenticator,
  createMemoryStore,
  createPresenceHandlers,
  createRateLimiter,
  type PresenceHandlersOptions,
  type PresenceStore,
} from '@wedsync/presence-server'
import { createFakeClock, type FakeClock } from '@wedsync/presence-testing'
import { createAccessToken } from '@wedsync/presence-testing/server'
import pg from 'pg'
import {
  type NotificationEndpointOptions,
  notificationEndpoint,
} from '../src/notifications/notification-endpoint.js'

export const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'
export const DATABASE_URL =
  process.env.PRESENCE_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A Supabase-style access token for `sub`, valid for an hour from `clock.now()`. */
export function tokenFor(sub: string, clock: Clock): Promise<string> {
  return createAccessToken({
    now: clock.now(),
    secret: SECRET,
    claims: { sub, aud: 'authenticated' },
  })
}

export interface TestServer {
  readonly clock: FakeClock
  readonly store: PresenceStore
  readonly handlers: ReturnType<typeof createPresenceHandlers>
  /** Sends a request as `userId` (no Authorization header when userId is null). */
  call(
    userId: string | null,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<Response>
}

/** The handlers; `notifications` mounts `notificationEndpoint(notifications)` as an extension. */
export function testServer(
  options: Partial<PresenceHandlersOptions> & {
    store?: PresenceStore
    notifications?: NotificationEndpointOptions
    /** Default: a new fake clock at its usual start. */
    clock?: FakeClock
  } = {},
): TestServer {
  const { notifications, clock: given, ...rest } = options
  const clock = given ?? createFakeClock()
  const store = options.store ?? createMemoryStore()
  const handlers = createPresenceHandlers({
    store,
    authenticate: createJwtAuthenticator({ secret: SECRET, clock }),
    rateLimiter: createRateLimiter({ clock }),
    clock,
    ...rest,
    extensions: [
      ...(rest.extensions ?? []),
      ...(notifications ? [notificationEndpoint(notifications)] : []),
    ],
  })
  return {
    clock,
    store,
    handlers,
    async call(userId, method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } }
      if (userId !== null)
        (init.headers as Record<string, string>).authorization =
          `Bearer ${await tokenFor(userId, clock)}`
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body)
      return handlers.fetch(new Request(`http://presence.test${path}`, init))
    },
  }
}

/** A fresh schema name for one test run. */
export function schemaName(label: string): string {
  return `coordination_test_${label}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
}

/** A pool on the test database. */
export function testPool(max = 10): pg.Pool {
  return new pg.Pool({ connectionString: DATABASE_URL, max })
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`drop schema if exists "${schema}" cascade`)
}
