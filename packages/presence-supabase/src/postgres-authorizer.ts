/**
 * `createPostgresAuthorizer(pool)`: the `authorize` hook of the local Realtime server
 * (`@wedsync/presence-testing/server`) answered by the realtime.messages policies in Postgres,
 * evaluated the way Supabase Realtime evaluates them (realtime `Tenants.Authorization`): in a
 * transaction that is always rolled back, as the token's role with its claims and
 * `realtime.topic` set; a read is allowed when probe rows inserted for the topic can be selected,
 * a write when a row can be inserted. Private rooms are then tested with the policies users deploy.
 * Takes any pg-compatible pool (no import of `pg`), so the entry stays runtime-neutral.
 */

/** What a private channel's policies decide (the local server's `AuthorizeAction`). */
export type RealtimeAction = 'read' | 'write' | 'presence'

export interface RealtimeAuthorizeRequest {
  /** The channel name without `realtime:`, what `realtime.topic()` returns, e.g. `presence:wedding:123`. */
  readonly topic: string
  /** The verified JWT's claims; `role` picks the database role. */
  readonly claims: Readonly<Record<string, unknown>>
  readonly action: RealtimeAction
}

export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>
}

/** The part of a `pg` Pool the authorizer uses (pg's Pool fits). */
export interface PgPoolLike {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>
}

export interface PostgresAuthorizerOptions {
  /** Roles a token may act as; any other role is refused without a query. Default Supabase's three. */
  readonly roles?: readonly string[]
  /** Called with errors met while evaluating (the answer is then a refusal). */
  readonly onError?: (error: unknown) => void
}

/** The four decisions realtime.messages' policies make for one topic and one requester. */
export interface RealtimePolicies {
  readonly broadcast: { readonly read: boolean; readonly write: boolean }
  readonly presence: { readonly read: boolean; readonly write: boolean }
}

type Extension = 'broadcast' | 'presence'

export const SUPABASE_ROLES: readonly string[] = ['anon', 'authenticated', 'service_role']

const DENIED: RealtimePolicies = {
  broadcast: { read: false, write: false },
  presence: { read: false, write: false },
}

/** Postgres' `insufficient_privilege`: a missing grant or a row refused by a policy. */
const INSUFFICIENT_PRIVILEGE = '42501'

const SET_CONTEXT = `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
  set_config('request.jwt.claims', $3, true), set_config('request.headers', '{}', true)`

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

/** Runs `fn` in a transaction that is rolled back whatever happens: nothing is ever written. */
async function probe<T>(pool: PgPoolLike, fn: (db: PgQueryable) => Promise<T>): Promise<T> {
  const conn = await pool.connect()
  let failure: Error | undefined
  try {
    await conn.query('begin')
    try {
      return await fn(conn)
    } finally {
      await conn.query('rollback')
    }
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error))
    throw error
  } finally {
    // A connection whose rollback failed is discarded rather than reused.
    conn.release(failure)
  }
}

async function setContext(db: PgQueryable, role: string, topic: string, claims: object) {
  await db.query(SET_CONTEXT, [role, topic, JSON.stringify(claims)])
}

/** Read: probe rows are inserted as the connecting (owner) role, then selected as the requester. */
async function readPolicies(
  db: PgQueryable,
  role: string,
  topic: string,
  claims: object,
): Promise<{ broadcast: boolean; presence: boolean }> {
  const inserted = await db.query(
    `insert into realtime.messages (topic, extension) values ($1, 'broadcast'), ($1, 'presence')
     returning id::text as id, extension`,
    [topic],
  )
  await setContext(db, role, topic, claims)
  try {
    const { rows } = await db.query(
      'select extension from realtime.messages where topic = $1 and id = any($2::uuid[])',
      [topic, (inserted.rows as { id: string }[]).map((r) => r.id)],
    )
    const seen = new Set((rows as { extension: string }[]).map((r) => r.extension))
    return { broadcast: seen.has('broadcast'), presence: seen.has('presence') }
  } catch (error) {
    if (sqlState(error) === INSUFFICIENT_PRIVILEGE) return { broadcast: false, presence: false }
    throw error
  }
}

/** Write: an insert as the requester, in a savepoint so a refusal leaves the probe usable. */
async function writePolicy(db: PgQueryable, topic: string, extension: Extension): Promise<boolean> {
  await db.query('savepoint presence_write_probe')
  try {
    await db.query('insert into realtime.messages (topic, extension) values ($1, $2)', [
      topic,
      extension,
    ])
    await db.query('release savepoint presence_write_probe')
    return true
  } catch (error) {
    if (sqlState(error) !== INSUFFICIENT_PRIVILEGE) throw error
    await db.query('rollback to savepoint presence_write_probe')
    return false
  }
}

function roleOf(claims: Readonly<Record<string, unknown>>, roles: readonly string[]) {
  const role = claims.role
  return typeof role === 'string' && roles.includes(role) ? role : undefined
}

/**
 * All four decisions for `topic` as the requester of `claims`. A role outside `roles` is denied
 * everything without a query; an error while evaluating propagates.
 */
export async function evaluateRealtimePolicies(
  pool: PgPoolLike,
  request: Omit<RealtimeAuthorizeRequest, 'action'>,
  options: Pick<PostgresAuthorizerOptions, 'roles'> = {},
): Promise<RealtimePolicies> {
  const role = roleOf(request.claims, options.roles ?? SUPABASE_ROLES)
  if (!role) return DENIED
  const { topic, claims } = request
  const read = await probe(pool, (db) => readPolicies(db, role, topic, claims))
  return probe(pool, async (db) => {
    await setContext(db, role, topic, claims)
    return {
      broadcast: { read: read.broadcast, write: await writePolicy(db, topic, 'broadcast') },
      presence: { read: read.presence, write: await writePolicy(db, topic, 'presence') },
    }
  })
}

/**
 * The hook: `read` (join, then receive) is allowed when broadcast or presence may be read —
 * Supabase refuses a join only when both are denied (realtime_channel.ex `maybe_assign_policies`,
 * research/supabase-realtime-protocol.md §4 "Private channels"); `write` is a broadcast insert,
 * `presence` a presence insert (track). Fails closed: any error is reported to `onError` and
 * denies.
 */
export function createPostgresAuthorizer(
  pool: PgPoolLike,
  options: PostgresAuthorizerOptions = {},
): (request: RealtimeAuthorizeRequest) => Promise<boolean> {
  const roles = options.roles ?? SUPABASE_ROLES
  return async ({ topic, claims, action }) => {
    const role = roleOf(claims, roles)
    if (!role) return false
    try {
      if (action === 'read') {
        const read = await probe(pool, (db) => readPolicies(db, role, topic, claims))
        return read.broadcast || read.presence
      }
      return await probe(pool, async (db) => {
        await setContext(db, role, topic, claims)
        return writePolicy(db, topic, action === 'write' ? 'broadcast' : 'presence')
      })
    } catch (error) {
      options.onError?.(error)
      return false
    }
  }
}
