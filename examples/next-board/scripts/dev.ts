/**
 * `pnpm --filter @wedsync/example-next-board dev`: the local Realtime server (unless
 * NEXT_PUBLIC_SUPABASE_URL names a Supabase project), the database when DATABASE_URL is set
 * (migrated and seeded in PRESENCE_SCHEMA, default public), and `next dev` with the environment
 * the app reads — the Realtime URL and key, the JWT secret tokens are signed and checked with,
 * and the dev-only sign-in switched on. Ctrl-C stops Next.js, then the Realtime server.
 */
import {
  DEV_ANON_KEY,
  DEV_JWT_SECRET,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import pg from 'pg'
import { migrateBoardDatabase } from '../src/setup/migrate.js'
import { startNext } from '../src/setup/next-process.js'
import { seedBoard } from '../src/setup/seed.js'

async function localRealtime(): Promise<RealtimeServer> {
  // The Supabase CLI's local port when free, so the URL is the familiar one; any port otherwise.
  try {
    return await startRealtimeServer({ port: 54321 })
  } catch {
    return startRealtimeServer({ port: 0 })
  }
}

async function main(): Promise<void> {
  const env = process.env
  const projectUrl = env.NEXT_PUBLIC_SUPABASE_URL
  if (projectUrl && (!env.NEXT_PUBLIC_SUPABASE_ANON_KEY || !env.SUPABASE_JWT_SECRET))
    throw new Error(
      'NEXT_PUBLIC_SUPABASE_URL is set: set NEXT_PUBLIC_SUPABASE_ANON_KEY and SUPABASE_JWT_SECRET too',
    )
  const realtime = projectUrl ? undefined : await localRealtime()

  const databaseUrl = env.DATABASE_URL
  if (databaseUrl) {
    const schema = env.PRESENCE_SCHEMA || 'public'
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
    try {
      await migrateBoardDatabase(pool, schema)
      await seedBoard(pool, schema)
    } finally {
      await pool.end()
    }
  }

  const app = await startNext({
    mode: 'dev',
    port: Number(env.PORT) || 3000,
    env: {
      BOARD_DEV_SIGN_IN: '1',
      ...(realtime && {
        NEXT_PUBLIC_SUPABASE_URL: realtime.url,
        NEXT_PUBLIC_SUPABASE_ANON_KEY: DEV_ANON_KEY,
        SUPABASE_JWT_SECRET: DEV_JWT_SECRET,
      }),
    },
    log: (line) => console.log(line),
  })
  console.log(`
  Board      ${app.url}/weddings/123?as=u-maya   (another browser: ?as=u-priya)
  Realtime   ${realtime ? `local server ${realtime.url}` : `Supabase project ${projectUrl}`}
  Presence   ${app.url}/api/presence   (${databaseUrl ? 'Postgres' : 'in memory: set DATABASE_URL for visible_presence()'})
`)

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await app.stop()
    await realtime?.stop()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop())
  process.on('SIGTERM', () => void stop())
  // Next.js exiting by itself (a crash) ends the launcher too.
  app.child.on('exit', () => void stop())
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
