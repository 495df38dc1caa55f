/**
 * Test support: PostgREST as msw handlers over a real Postgres pool. PostgREST cannot run here,
 * so these handlers answer what supabase-js sends the way PostgREST 12 does: the JWT's `role`
 * becomes the transaction's role and its claims `request.jwt.claims` (anon without a token),
 * GETs run read-only, every request is one transaction, and the request is translated into the
 * SQL PostgREST would run (filters, order, limit/offset, upserts through
 * json_populate_recordset with on_conflict, functions called with named arguments from
 * json_to_record), answered with PostgREST's status codes, headers and error bodies. Only the
 * parts of the API the presence store uses are implemented; anything else fails loudly (501).
 */
import { createClient } from '@supabase/supabase-js'
import { jwtVerify } from 'jose'
import { HttpResponse, http } from 'msw'
import type pg from 'pg'
import WebSocket from 'ws'

/**
 * A supabase-js client as server code makes one: `key` (the service-role key, or the anon key
 * with a user's `accessToken`), no session. Node 20 has no global WebSocket, which supabase-js
 * needs to construct its (here unused) Realtime client.
 */
export function supabaseClient(url: string, key: string, accessToken?: string) {
  return createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
    ...(accessToken ? { global: { headers: { Authorization: `Bearer ${accessToken}` } } } : {}),
  })
}

export interface PostgrestEmulatorOptions {
  /** The Supabase URL the client was made with; requests go to `${url}/rest/v1/...`. */
  readonly url: string
  readonly pool: pg.Pool
  readonly jwtSecret: string
  /** Schemas exposed by the API. Default `public`. */
  readonly schemas?: readonly string[]
  /** Every request and what it was answered, in order. */
  readonly log?: RecordedRequest[]
}

export interface RecordedRequest {
  readonly method: string
  /** Path after `/rest/v1`, e.g. `/presence_settings` or `/rpc/presence_targets`. */
  readonly path: string
  /** Query parameters in order (a column filtered twice appears twice). */
  readonly query: [string, string][]
  readonly prefer: string | null
  readonly accept: string | null
  readonly role: string
  readonly body: unknown
  readonly status: number
}

interface ApiError {
  readonly status: number
  readonly code: string
  readonly message: string
  readonly details?: string | null
  readonly hint?: string | null
}

class PostgrestFailure extends Error {
  constructor(readonly error: ApiError) {
    super(error.message)
  }
}

const fail = (status: number, code: string, message: string, details: string | null = null) =>
  new PostgrestFailure({ status, code, message, details, hint: null })

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
function ident(name: string): string {
  if (!IDENTIFIER.test(name)) throw fail(400, 'PGRST100', `"${name}" is not a column name`)
  return `"${name}"`
}

const OPERATORS: Record<string, string> = {
  eq: '=',
  neq: '<>',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  like: 'like',
  ilike: 'ilike',
}
const RESERVED = new Set(['select', 'order', 'limit', 'offset', 'columns', 'on_conflict'])

/** `in.(a,"b,c")` list items, PostgREST's quoting. */
function inList(value: string): string[] {
  const inner = /^\((.*)\)$/s.exec(value)?.[1]
  if (inner === undefined) throw fail(400, 'PGRST100', `"in" needs a list: ${value}`)
  const items: string[] = []
  for (const m of inner.matchAll(/"((?:[^"\\]|\\.)*)"|([^,]+)/g))
    items.push(m[1] === undefined ? m[2]!.trim() : m[1].replace(/\\(.)/g, '$1'))
  return items
}

class SqlBuilder {
  readonly params: unknown[] = []
  param(value: unknown): string {
    this.params.push(value)
    return `$${this.params.length}`
  }
}

function whereClause(query: URLSearchParams, sql: SqlBuilder): string {
  const conditions: string[] = []
  for (const [column, raw] of query) {
    if (RESERVED.has(column)) continue
    const dot = raw.indexOf('.')
    const op = raw.slice(0, dot)
    const value = raw.slice(dot + 1)
    const col = ident(column)
    if (op in OPERATORS) conditions.push(`${col} ${OPERATORS[op]} ${sql.param(value)}`)
    else if (op === 'in') conditions.push(`${col} = any(${sql.param(inList(value))})`)
    else if (op === 'is' && ['null', 'true', 'false'].includes(value))
      conditions.push(`${col} is ${value}`)
    else throw fail(400, 'PGRST100', `unsupported filter ${column}=${raw}`)
  }
  return conditions.length ? `where ${conditions.join(' and ')}` : ''
}

function orderClause(query: URLSearchParams): string {
  const order = query.get('order')
  if (!order) return ''
  const terms = order.split(',').map((term) => {
    const [column, ...mods] = term.split('.')
    const parts = [ident(column!)]
    for (const mod of mods) {
      if (mod === 'asc' || mod === 'desc') parts.push(mod)
      else if (mod === 'nullsfirst' || mod === 'nullslast') parts.push(`nulls ${mod.slice(5)}`)
      else throw fail(400, 'PGRST100', `unsupported order ${term}`)
    }
    return parts.join(' ')
  })
  return `order by ${terms.join(', ')}`
}

function selectList(query: URLSearchParams): string {
  const select = query.get('select') ?? '*'
  if (select === '*') return '*'
  return select
    .split(',')
    .map((c) => ident(c.trim()))
    .join(', ')
}

function pageClause(query: URLSearchParams, sql: SqlBuilder): string {
  const limit = query.get('limit')
  const offset = query.get('offset')
  return [
    limit === null ? '' : `limit ${sql.param(Number(limit))}`,
    offset === null ? '' : `offset ${sql.param(Number(offset))}`,
  ].join(' ')
}

function preferences(header: string | null): Set<string> {
  return new Set((header ?? '').split(',').map((p) => p.trim()))
}

/** PostgREST's status for a Postgres error (docs: "HTTP Status Codes"). */
function statusOf(code: string, role: string, anonRole: string): number {
  if (code === '42501') return role === anonRole ? 401 : 403
  if (code === '23503' || code === '23505') return 409
  if (code === '25006') return 405
  if (code === '42883' || code === '42P01') return 404
  if (code === 'P0001') return 400
  if (/^(08|53)/.test(code)) return 503
  if (/^54/.test(code)) return 413
  if (/^(09|25|2D|38|39|3B|40|55|57|58|F0|HV|P0|XX)/.test(code)) return 500
  return 400
}

interface FunctionInfo {
  names: string[]
  types: string[]
  required: number
  returnsSet: boolean
  composite: boolean
  isVoid: boolean
}

async function findFunction(
  db: pg.PoolClient,
  schema: string,
  name: string,
  keys: string[],
): Promise<FunctionInfo> {
  const { rows } = await db.query<{
    names: string[] | null
    modes: string[] | null
    types: string[]
    defaults: number
    retset: boolean
    typtype: string
    is_void: boolean
  }>(
    `select p.proargnames as names, p.proargmodes::text[] as modes,
       array(select format_type(t, null) from unnest(p.proargtypes) t) as types,
       p.pronargdefaults as defaults, p.proretset as retset, t.typtype,
       p.prorettype = 'void'::regtype as is_void
     from pg_proc p join pg_namespace n on n.oid = p.pronamespace
       join pg_type t on t.oid = p.prorettype
     where n.nspname = $1 and p.proname = $2`,
    [schema, name],
  )
  for (const row of rows) {
    const modes = row.modes ?? row.types.map(() => 'i')
    const names = (row.names ?? []).filter((_, i) => ['i', 'b', 'v'].includes(modes[i]!))
    const required = names.length - row.defaults
    if (
      keys.every((k) => names.includes(k)) &&
      names.slice(0, required).every((n) => keys.includes(n))
    )
      return {
        names,
        types: row.types,
        required,
        returnsSet: row.retset,
        composite: row.typtype === 'c',
        isVoid: row.is_void,
      }
  }
  throw fail(
    404,
    'PGRST202',
    `Could not find the function ${schema}.${name}(${keys.join(', ')}) in the schema cache`,
    `Searched for the function ${schema}.${name} with parameters ${keys.join(', ')} or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.`,
  )
}

interface Answer {
  status: number
  body?: string
  headers?: Record<string, string>
}

/** Rows as PostgREST shapes them: an array, or one object for `vnd.pgrst.object+json`. */
function shape(json: string, count: number, accept: string | null, status: number): Answer {
  if (accept?.startsWith('application/vnd.pgrst.object+json')) {
    if (count !== 1)
      throw fail(
        406,
        'PGRST116',
        'Cannot coerce the result to a single JSON object',
        `The result contains ${count} rows`,
      )
    return { status, body: JSON.stringify((JSON.parse(json) as unknown[])[0]) }
  }
  return { status, body: json }
}

const AGGREGATE = `select coalesce(json_agg(_pgrst_t), '[]')::text as body, count(*)::int as n`

async function readTable(
  db: pg.PoolClient,
  table: string,
  query: URLSearchParams,
  accept: string | null,
): Promise<Answer> {
  const sql = new SqlBuilder()
  const where = whereClause(query, sql)
  const text = `${AGGREGATE} from (select ${selectList(query)} from ${table} ${where}
    ${orderClause(query)} ${pageClause(query, sql)}) _pgrst_t`
  const { rows } = await db.query<{ body: string; n: number }>(text, sql.params)
  const { body, n } = rows[0]!
  const offset = Number(query.get('offset') ?? 0)
  const range = n === 0 ? '*/*' : `${offset}-${offset + n - 1}/*`
  return { ...shape(body, n, accept, 200), headers: { 'content-range': range } }
}

async function primaryKey(db: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select a.attname as name from pg_index i
     join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
     where i.indrelid = $1::regclass and i.indisprimary order by array_position(i.indkey, a.attnum)`,
    [table],
  )
  return rows.map((r) => r.name)
}

async function writeTable(
  db: pg.PoolClient,
  table: string,
  method: string,
  query: URLSearchParams,
  prefer: Set<string>,
  accept: string | null,
  body: unknown,
): Promise<Answer> {
  const sql = new SqlBuilder()
  let statement: string
  if (method === 'POST') {
    const rows = Array.isArray(body) ? body : [body]
    const listed = query
      .get('columns')
      ?.split(',')
      .map((c) => c.replace(/^"|"$/g, ''))
    const columns = (listed ?? Object.keys(rows[0] ?? {})).map(ident)
    const cols = columns.join(', ')
    statement = `insert into ${table} (${cols}) select ${cols}
      from json_populate_recordset(null::${table}, ${sql.param(JSON.stringify(rows))}::json) _`
    const merge = prefer.has('resolution=merge-duplicates')
    if (merge || prefer.has('resolution=ignore-duplicates')) {
      const target = (query.get('on_conflict')?.split(',') ?? (await primaryKey(db, table))).map(
        ident,
      )
      statement += ` on conflict (${target.join(', ')}) do ${
        merge ? `update set ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}` : 'nothing'
      }`
    }
  } else if (method === 'DELETE') {
    statement = `delete from ${table} ${whereClause(query, sql)}`
  } else {
    throw fail(501, 'PGRST000', `${method} is not emulated`)
  }
  const representation = prefer.has('return=representation')
  const text = `with pgrst_source as (${statement} returning ${table}.*)
    ${AGGREGATE} from (select ${representation ? selectList(query) : '1'} from pgrst_source) _pgrst_t`
  const { rows } = await db.query<{ body: string; n: number }>(text, sql.params)
  const created = method === 'POST' ? 201 : 200
  if (!representation) return { status: method === 'POST' ? 201 : 204 }
  return shape(rows[0]!.body, rows[0]!.n, accept, created)
}

async function callFunction(
  db: pg.PoolClient,
  schema: string,
  name: string,
  body: unknown,
): Promise<Answer> {
  const args = (body ?? {}) as Record<string, unknown>
  const keys = Object.keys(args)
  const fn = await findFunction(db, schema, name, keys)
  const sql = new SqlBuilder()
  const call = `"${schema}".${ident(name)}(${keys.map((k) => `${ident(k)} := _a.${ident(k)}`).join(', ')})`
  const from = keys.length
    ? `from json_to_record(${sql.param(JSON.stringify(args))}::json) as _a(${keys
        .map((k) => `${ident(k)} ${fn.types[fn.names.indexOf(k)]}`)
        .join(', ')})`
    : ''
  if (fn.isVoid) {
    await db.query(`select ${call} ${from}`, sql.params)
    return { status: 204 }
  }
  if (fn.returnsSet) {
    const { rows } = await db.query<{ body: string }>(
      `${AGGREGATE} from (select _r.* ${from ? `${from} cross join lateral` : 'from'} ${call} _r) _pgrst_t`,
      sql.params,
    )
    return { status: 200, body: rows[0]!.body }
  }
  const { rows } = await db.query<{ body: string }>(
    `select to_json(${call})::text as body ${from}`,
    sql.params,
  )
  return { status: 200, body: rows[0]!.body }
}

/** The handlers: `${url}/rest/v1/*`. */
export function postgrestHandlers(options: PostgrestEmulatorOptions) {
  const exposed = options.schemas ?? ['public']
  const key = new TextEncoder().encode(options.jwtSecret)
  const anonRole = 'anon'

  async function claimsOf(request: Request): Promise<Record<string, unknown>> {
    const auth = request.headers.get('authorization')
    if (!auth) return { role: anonRole }
    const token = /^Bearer (.+)$/i.exec(auth)?.[1]
    try {
      const { payload } = await jwtVerify(token ?? '', key, { algorithms: ['HS256'] })
      return payload as Record<string, unknown>
    } catch (error) {
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED'
      throw expired
        ? fail(401, 'PGRST303', 'JWT expired')
        : fail(401, 'PGRST301', 'No suitable key or wrong key type')
    }
  }

  return [
    http.all(`${options.url}/rest/v1/*`, async ({ request }) => {
      const url = new URL(request.url)
      const path = url.pathname.slice(url.pathname.indexOf('/rest/v1') + '/rest/v1'.length)
      const method = request.method
      const accept = request.headers.get('accept')
      const prefer = request.headers.get('prefer')
      const text = method === 'GET' || method === 'HEAD' ? '' : await request.text()
      const body: unknown = text ? JSON.parse(text) : undefined
      let role = anonRole
      let answer: Answer
      try {
        const claims = await claimsOf(request)
        role = String(claims.role ?? anonRole)
        const profile =
          request.headers.get(
            method === 'GET' || method === 'HEAD' ? 'accept-profile' : 'content-profile',
          ) ?? exposed[0]!
        if (!exposed.includes(profile))
          throw fail(
            406,
            'PGRST106',
            `The schema must be one of the following: ${exposed.join(', ')}`,
          )
        const db = await options.pool.connect()
        try {
          await db.query(
            `begin isolation level read committed${method === 'GET' || method === 'HEAD' ? ' read only' : ''}`,
          )
          await db.query(
            `select set_config('role', $1, true), set_config('request.jwt.claims', $2, true),
               set_config('request.method', $3, true), set_config('request.path', $4, true)`,
            [role, JSON.stringify(claims), method, path],
          )
          const rpc = /^\/rpc\/([^/]+)$/.exec(path)
          const table = /^\/([^/]+)$/.exec(path)
          if (rpc && (method === 'POST' || method === 'GET'))
            answer = await callFunction(db, profile, decodeURIComponent(rpc[1]!), body)
          else if (table && (method === 'GET' || method === 'HEAD'))
            answer = await readTable(
              db,
              `"${profile}".${ident(decodeURIComponent(table[1]!))}`,
              url.searchParams,
              accept,
            )
          else if (table)
            answer = await writeTable(
              db,
              `"${profile}".${ident(decodeURIComponent(table[1]!))}`,
              method,
              url.searchParams,
              preferences(prefer),
              accept,
              body,
            )
          else throw fail(404, 'PGRST125', `Invalid path specified in request URL`)
          await db.query('commit')
        } catch (error) {
          await db.query('rollback')
          throw error
        } finally {
          db.release()
        }
      } catch (error) {
        answer = errorAnswer(error, role, anonRole)
      }
      options.log?.push({
        method,
        path,
        query: [...url.searchParams],
        prefer,
        accept,
        role,
        body,
        status: answer.status,
      })
      const headers: Record<string, string> = { ...answer.headers }
      if (answer.body !== undefined) headers['content-type'] = 'application/json; charset=utf-8'
      return new HttpResponse(method === 'HEAD' ? null : (answer.body ?? null), {
        status: answer.status,
        headers,
      })
    }),
  ]
}

function errorAnswer(error: unknown, role: string, anonRole: string): Answer {
  const api: ApiError =
    error instanceof PostgrestFailure
      ? error.error
      : (() => {
          const e = error as { code?: string; message?: string; detail?: string; hint?: string }
          if (typeof e.code !== 'string') throw error
          return {
            status: statusOf(e.code, role, anonRole),
            code: e.code,
            message: e.message ?? '',
            details: e.detail ?? null,
            hint: e.hint ?? null,
          }
        })()
  return {
    status: api.status,
    body: JSON.stringify({
      code: api.code,
      details: api.details ?? null,
      hint: api.hint ?? null,
      message: api.message,
    }),
  }
}
