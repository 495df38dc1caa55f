/**
 * The server's settings, read from the environment at request time. Never `process.env.NAME`
 * spelled out for NEXT_PUBLIC_ names: Next.js inlines those at build time, and the test and the
 * dev launcher give the Realtime URL (a free port) only when the server starts. The browser gets
 * what it needs as props from the server component.
 */
import 'server-only'

const env: Record<string, string | undefined> = process.env

export interface RealtimeSettings {
  readonly url: string
  readonly anonKey: string
}

/** The Supabase project (or local Realtime server) the browser's presence goes through. */
export function realtimeSettings(): RealtimeSettings | undefined {
  const url = env.NEXT_PUBLIC_SUPABASE_URL
  const anonKey = env.NEXT_PUBLIC_SUPABASE_ANON_KEY
  return url && anonKey ? { url, anonKey } : undefined
}

/** The HS256 secret access tokens are signed with (Supabase's JWT secret). */
export function jwtSecret(): string {
  const secret = env.SUPABASE_JWT_SECRET
  if (!secret) throw new Error('SUPABASE_JWT_SECRET is not set')
  return secret
}

/** Postgres for presence and visible_presence(); without it presence is in memory. */
export function databaseUrl(): string | undefined {
  return env.DATABASE_URL || undefined
}

/** The schema of the presence tables (one per test run; `public` on Supabase). */
export function presenceSchema(): string {
  const schema = env.PRESENCE_SCHEMA || 'public'
  // It is spelled into SQL as an identifier: only plain names.
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema))
    throw new Error(`PRESENCE_SCHEMA is not a plain schema name: ${JSON.stringify(schema)}`)
  return schema
}

/** The dev-only sign-in route answers only when this is set (by `pnpm dev` and the test). */
export function devSignInEnabled(): boolean {
  return env.BOARD_DEV_SIGN_IN === '1'
}
