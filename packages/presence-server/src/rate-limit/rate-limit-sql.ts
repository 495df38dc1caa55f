/**
 * The Postgres rate-limit store (also runs on PGlite): one upsert per attempt on
 * `presence_rate_limits` forgets old attempts, decides and records under the row lock, so it is
 * atomic across connections and server instances. Needs migration 0003.
 */
import { quoteSchema, type SqlClient } from '../sql/migration-runner.js'
import type { RateLimitHit, RateLimitStore } from './rate-limiter.js'

export interface SqlRateLimitStoreOptions {
  readonly client: SqlClient
  /** Schema holding `presence_rate_limits`. Default `public`. */
  readonly schema?: string
  /** Prepended to every key. Default none. */
  readonly keyPrefix?: string
  readonly onClose?: () => Promise<void>
}

export function createSqlRateLimitStore(options: SqlRateLimitStoreOptions): RateLimitStore {
  const db = options.client
  const s = quoteSchema(options.schema ?? 'public')
  const prefix = options.keyPrefix ?? ''
  // $2 now, $3 window, $4 limit. `kept` is the log without attempts at or before now - window.
  const kept = `array(select h from unnest(r.hits) h where h > $2::bigint - $3::bigint order by h)`
  const hitSql = `
insert into ${s}.presence_rate_limits as r (key, hits, admitted, expires_at)
values ($1, array[$2::bigint], true, $2::bigint + $3::bigint)
on conflict (key) do update set
  hits = case when cardinality(${kept}) < $4::int then ${kept} || $2::bigint else ${kept} end,
  admitted = cardinality(${kept}) < $4::int,
  expires_at = greatest(r.expires_at, $2::bigint + $3::bigint)
returning admitted, cardinality(hits)::int as count, hits[1]::float8 as oldest`

  return {
    async hit(key, now, windowMs, limit): Promise<RateLimitHit> {
      const { rows } = await db.query<{ admitted: boolean; count: number; oldest: number | null }>(
        hitSql,
        [prefix + key, now, windowMs, limit],
      )
      const row = rows[0]
      if (!row) throw new Error('rate limit upsert returned no row')
      return {
        allowed: row.admitted,
        count: row.count,
        ...(row.oldest === null ? {} : { oldestAt: Number(row.oldest) }),
      }
    },
    async reset(key) {
      await db.query(`delete from ${s}.presence_rate_limits where key = $1`, [prefix + key])
    },
    async ping() {
      await db.query('select 1')
    },
    async close() {
      await options.onClose?.()
    },
  }
}

/** Deletes keys whose window has passed (run now and then; returns how many). */
export async function pruneSqlRateLimits(
  client: SqlClient,
  now: number,
  schema = 'public',
): Promise<number> {
  const { rows } = await client.query<{ n: number }>(
    `with d as (delete from ${quoteSchema(schema)}.presence_rate_limits where expires_at <= $1
       returning 1) select count(*)::int as n from d`,
    [now],
  )
  return rows[0]?.n ?? 0
}
