/**
 * One pg pool per server process, shared by the presence route (its store and rate limits) and
 * the server component's visible_presence() reads. Next.js may load the route and the page as
 * separate bundles of this module, so the pool lives on globalThis, not in a module variable.
 */
import 'server-only'
import pg from 'pg'
import { databaseUrl } from './server-env'

const KEY = Symbol.for('wedsync.next-board.pool')
type Holder = { [KEY]?: pg.Pool }

/** The pool, or undefined without DATABASE_URL (presence in memory, no SQL function to read). */
export function database(): pg.Pool | undefined {
  const connectionString = databaseUrl()
  if (!connectionString) return undefined
  const holder = globalThis as Holder
  if (!holder[KEY]) {
    const pool = new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: 2_000 })
    // An idle connection Postgres closed is dropped by the pool; without a listener Node would
    // end the process on it. The next query opens a new connection.
    pool.on('error', (error) => console.warn(`presence: idle Postgres connection lost: ${error}`))
    holder[KEY] = pool
  }
  return holder[KEY]
}
