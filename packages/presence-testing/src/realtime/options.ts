/**
 * Options of the Realtime protocol core (shared by the ws server and the msw handlers), their
 * defaults, and the documented development credentials: the JWT secret, anon key and
 * service-role key that the Supabase CLI uses for local projects.
 */
import type { Clock, Scheduler } from '@wedsync/presence-core'
import { type PresenceLimit, SUPABASE_PRESENCE_LIMIT } from '../sliding-window.js'
import type { Claims } from './jwt.js'

/** The Supabase CLI's local JWT secret (public knowledge: never use it for anything real). */
export const DEV_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'
/** The Supabase CLI's local anon key: an HS256 JWT signed with DEV_JWT_SECRET, role anon. */
export const DEV_ANON_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'
/** The Supabase CLI's local service-role key, signed with DEV_JWT_SECRET. */
export const DEV_SERVICE_ROLE_KEY =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU'

/**
 * What a private channel's policies decide. `read`: join, and receive broadcasts and presence;
 * `write`: send broadcasts; `presence`: track.
 */
export type AuthorizeAction = 'read' | 'write' | 'presence'

export interface AuthorizeRequest {
  /** The channel name without `realtime:` (Supabase's `realtime.topic()`). */
  readonly topic: string
  readonly claims: Claims
  readonly action: AuthorizeAction
}

export type Authorize = (request: AuthorizeRequest) => boolean | Promise<boolean>

export interface RealtimeLimits {
  /** Presence calls (track and untrack) per channel membership; false = no limit. */
  readonly presence: PresenceLimit | false
  /** Channels one socket may join at once (Supabase: 100). */
  readonly channelsPerClient: number
  /** Open sockets; more are refused at the handshake with 429. */
  readonly connections: number
  /** Largest track or broadcast payload, in bytes of JSON (Supabase: 3,000 KB). */
  readonly payloadBytes: number
  /** Largest WebSocket message the ws server accepts (Supabase: 5 MB; ws closes with 1009). */
  readonly frameBytes: number
}

export interface RealtimeOptions {
  /**
   * API keys accepted at the handshake (query `apikey`, header `apikey` or `x-api-key`), besides
   * any JWT signed with `jwtSecret`. Default: DEV_ANON_KEY and DEV_SERVICE_ROLE_KEY.
   */
  readonly apiKeys?: readonly string[]
  /** HS256 secret for access tokens and private channels. Default: DEV_JWT_SECRET. */
  readonly jwtSecret?: string
  /** Policies of private channels; without it every valid JWT may read, write and track. */
  readonly authorize?: Authorize
  readonly limits?: Partial<RealtimeLimits>
  /** A socket that sends no frame for this long is closed (Phoenix: 60 s). */
  readonly idleTimeoutMs?: number
  /**
   * Delay before a join error is sent. Supabase waits 5 s (CHANNEL_ERROR_BACKOFF_MS); the default
   * here is 0 so tests stay fast.
   */
  readonly joinErrorDelayMs?: number
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Called with errors a hook or a transport raised, which would otherwise be lost. */
  readonly onError?: (error: unknown) => void
}

export const DEFAULT_LIMITS: RealtimeLimits = Object.freeze({
  presence: SUPABASE_PRESENCE_LIMIT,
  channelsPerClient: 100,
  connections: Number.POSITIVE_INFINITY,
  payloadBytes: 3_000 * 1024,
  frameBytes: 5_000_000,
})

export const DEFAULT_IDLE_TIMEOUT_MS = 60_000

export function resolveLimits(limits: Partial<RealtimeLimits> | undefined): RealtimeLimits {
  return { ...DEFAULT_LIMITS, ...limits }
}
