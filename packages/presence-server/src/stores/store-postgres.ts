/**
 * Postgres through `pg` (a pooled driver): the PresenceStore and the rate-limit store over one
 * pool, after applying the migrations into the chosen schema. Node-only (`/postgres` entry).
 */
import pg from 'pg'
import type { RateLimitStore } from '../rate-limit/rate-limiter.js'
import {
  type MigrateOptions,
  type MigrateResult,
  migrate,
  type SqlClient,
  type TransactionRunner,
} from '../sql/migration-runner.js'
import type { PresenceStore } from './presence-store.js'
import { presenceStoreOn, rateLimitStoreOn, type SqlBackend } from './sql-backend.js'

/** Connection and statement timeout of a pool the store makes: the request deadline's default. */
export const DEFAULT_PG_TIMEOUT_MS = 2_000

/** What the stores use of a pg Pool. */
export type PgPool = Pick<pg.Pool, 'query' | 'connect' | 'end'>

export interface PostgresOptions {
  /** An existing pool; or give `connectionString` (and `max`) to make one the store owns. */
  readonly pool?: PgPool
  readonly connectionString?: string
  /** Pool size when the store makes the pool. Default 10. */
  readonly max?: number
  /**
   * When the store makes the pool: a connection not made within this fails. Default 2,000 ms.
   * With your own pool, set `connectionTimeoutMillis` on it (pg waits forever by default).
   */
  readonly connectionTimeoutMs?: number
  /**
   * When the store makes the pool: Postgres cancels a statement running longer
   * (`statement_timeout`), and the driver gives up on a query not answered within it plus 1 s
   * (`query_timeout`, for a silent network). Default 2,000 ms. With your own pool, set
   * `statement_timeout` and `query_timeout` on it.
   */
  readonly statementTimeoutMs?: number
  /** Schema of the tables. Default `public`. */
  readonly schema?: string
  /** Apply the migrations first (idempotent). Default true. */
  readonly migrate?: boolean
  /**
   * When the store makes the pool: told when Postgres closes one of its idle connections (a
   * restart, a failover, `pg_terminate_backend`), for your logs. The pool has already dropped the
   * connection and recovers by itself. Default: not reported.
   */
  readonly onPoolError?: (error: Error) => void
}

/** A pg pool (or one of its connections) as the runner and stores want it. */
export function pgClient(pool: Pick<PgPool, 'query'> | pg.PoolClient): SqlClient {
  return {
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await pool.query(sql, params as unknown[] | undefined)
      return { rows: result.rows as Row[] }
    },
    async exec(sql) {
      await pool.query(sql)
    },
  }
}

/** Runs `fn` in a transaction on one pooled connection. */
export function pgTransaction(pool: PgPool): TransactionRunner {
  return async (fn) => {
    const conn = await pool.connect()
    try {
      await conn.query('begin')
      const result = await fn(pgClient(conn))
      await conn.query('commit')
      return result
    } catch (error) {
      await conn.query('rollback').catch(() => {})
      throw error
    } finally {
      conn.release()
    }
  }
}

/** Applies the shipped migrations to `schema` (created if missing). Idempotent. */
export function migratePostgres(
  pool: PgPool,
  schema = 'public',
  options: Pick<MigrateOptions, 'extraMigrations'> = {},
): Promise<MigrateResult> {
  return migrate(pgTransaction(pool), { schema, ...options })
}

/** The pool in `options`, or one the store makes (and so ends with itself). */
function backendOf(options: PostgresOptions): SqlBackend {
  if (options.pool) return onPool(options.pool, false)
  if (!options.connectionString)
    throw new TypeError('createPostgresStore needs a pool or a connectionString')
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? DEFAULT_PG_TIMEOUT_MS,
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_PG_TIMEOUT_MS,
    query_timeout: (options.statementTimeoutMs ?? DEFAULT_PG_TIMEOUT_MS) + 1_000,
  })
  // When Postgres closes an idle connection (a restart, a failover, pg_terminate_backend) the
  // pool reports it as an 'error' event, and Node ends the process on an 'error' no one hears.
  // The pool has already dropped that connection and the next query opens a new one; a request
  // that meets the outage gets its 503 from the query itself, so there is nothing to do but tell.
  pool.on('error', (error) => options.onPoolError?.(error))
  return onPool(pool, true)
}

function onPool(pool: PgPool, owned: boolean): SqlBackend {
  return {
    client: pgClient(pool),
    transaction: pgTransaction(pool),
    close: async () => {
      if (owned) await pool.end()
    },
  }
}

/** The PresenceStore on Postgres. `close()` ends the pool only when the store made it. */
export async function createPostgresStore(options: PostgresOptions): Promise<PresenceStore> {
  return presenceStoreOn(backendOf(options), options)
}

export interface PostgresRateLimitOptions extends PostgresOptions {
  readonly keyPrefix?: string
}

/** The rate-limit store on Postgres (table `presence_rate_limits`). */
export async function createPostgresRateLimitStore(
  options: PostgresRateLimitOptions,
): Promise<RateLimitStore> {
  return rateLimitStoreOn(backendOf(options), options)
}
