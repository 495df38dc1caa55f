/**
 * The presence API under load on loopback: a Node http server with the presence-server handlers
 * (own process) driven by autocannon (this process) on the same 2 cores. Two loads, each 1,000
 * requests on 1,000 connections at once from 1,000 distinct users (one request per user, each
 * with its own Supabase-style HS256 token): heartbeats, and status updates (which persist last
 * seen, status and a transition, after a Redis rate-limit check). Stores: Postgres
 * (127.0.0.1:5432, pooled; status limit in Redis, heartbeat budget in process) and PGlite
 * (in-process). The peer: a bare Node http
 * server that answers 204 without doing anything, measured in the same run — the floor that
 * 1,000 simultaneous connections cost on this machine.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { CHILD_ARGS } from './child-processes.js'
import { median, packageVersion, printTable, writeResults } from './harness.js'

export const title = 'presence-server: 1,000 concurrent heartbeats and status updates (autocannon)'

const USERS = 1_000
const RUNS = Number(process.env.BENCH_SERVER_RUNS ?? 3)
const SECRET = 'bench-secret-bench-secret-bench-secret-42'

interface Load {
  readonly name: 'heartbeat' | 'status'
  readonly method: 'POST'
  readonly path: string
  body(run: number): string | undefined
}

const LOADS: readonly Load[] = [
  { name: 'heartbeat', method: 'POST', path: '/presence/heartbeat', body: () => undefined },
  {
    name: 'status',
    method: 'POST',
    path: '/presence/status',
    body: (run) =>
      JSON.stringify({
        status: run % 2 ? 'busy' : 'online',
        customStatus: { text: 'At the venue until 15:00', emoji: '📍' },
        activity: { action: 'viewing', target: 'timeline', weddingId: 'w-123' },
      }),
  },
]

interface RunResult {
  readonly totalMs: number
  /** Server process CPU (user + system) per request, µs. */
  cpuUsPerRequest?: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly ok: number
  readonly failed: number
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A Supabase-style access token (HS256), signed here so the bench needs no JWT library. */
function token(sub: string): string {
  const now = Math.floor(Date.now() / 1000)
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, aud: 'authenticated', role: 'authenticated', iat: now, exp: now + 3600 })}`
  return `${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`
}

async function startServer(store: string): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(new URL('./presence-server-process.ts', import.meta.url)), {
    execArgv: [...CHILD_ARGS],
    env: { ...process.env, BENCH_STORE: store, BENCH_JWT_SECRET: SECRET },
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`server (${store}) exited with ${code}`)))
    child.on('message', (m: { url?: string }) => m.url && resolve(m.url))
  })
  return { child, url }
}

function serverCpuUs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const listener = (m: { cpuUs?: number }) => {
      if (m.cpuUs === undefined) return
      child.off('message', listener)
      resolve(m.cpuUs)
    }
    child.on('message', listener)
    child.send('cpu')
  })
}

async function stopServer(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit')
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.send('stop')
  await exited
}

/**
 * One round: every user sends one request, over `connections` keep-alive connections (1,000: one
 * per user, all at once). Total is from the start to the last response.
 */
function round(
  url: string,
  load: Load,
  tokens: readonly string[],
  run: number,
  connections: number,
): Promise<RunResult> {
  let next = 0
  let last = 0
  const body = load.body(run)
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        amount: USERS,
        timeout: 30,
        requests: [
          {
            method: load.method,
            path: load.path,
            setupRequest: (request) => ({
              ...request,
              headers: {
                ...request.headers,
                authorization: `Bearer ${tokens[next++ % tokens.length]}`,
                ...(body ? { 'content-type': 'application/json' } : {}),
              },
              ...(body ? { body } : {}),
            }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error)
        resolve({
          totalMs: last - started,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          ok: result['2xx'],
          failed: result.non2xx + result.errors + result.timeouts,
        })
      },
    )
    instance.on('response', () => {
      last = performance.now()
    })
  })
}

interface Row {
  readonly store: string
  readonly load: string
  readonly pattern: string
  readonly runs: readonly RunResult[]
  readonly totalMs: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly failed: number
  readonly cpuUsPerRequest: number
}

/** How the 1,000 requests arrive: 1,000 connections at once, or 100 connections (10 users each). */
const PATTERNS = [
  { name: '1,000 conns', connections: 1_000 },
  { name: '100 conns', connections: 100 },
] as const

export async function run(): Promise<void> {
  const tokens = Array.from({ length: USERS }, (_, i) => token(`bench-user-${i}`))
  const rows: Row[] = []
  let runNo = 0
  for (const store of ['bare', 'postgres', 'pglite']) {
    const { child, url } = await startServer(store)
    try {
      // Warm-up: connections, JIT, the pool; not counted.
      await round(url, LOADS[0]!, tokens, 0, 100)
      for (const load of LOADS) {
        if (store === 'bare' && load.name === 'status') continue
        for (const pattern of PATTERNS) {
          const runs: RunResult[] = []
          for (let i = 0; i < RUNS; i++) {
            const before = await serverCpuUs(child)
            const result = await round(url, load, tokens, ++runNo, pattern.connections)
            result.cpuUsPerRequest = ((await serverCpuUs(child)) - before) / USERS
            runs.push(result)
          }
          rows.push({
            store,
            load: store === 'bare' ? 'any (204, no work)' : load.name,
            pattern: pattern.name,
            runs,
            totalMs: median(runs.map((r) => r.totalMs)),
            p50: median(runs.map((r) => r.p50)),
            p99: median(runs.map((r) => r.p99)),
            max: Math.max(...runs.map((r) => r.max)),
            failed: runs.reduce((n, r) => n + r.failed, 0),
            cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest ?? 0)),
          })
        }
      }
    } finally {
      await stopServer(child)
    }
  }
  const floor = (pattern: string) => rows.find((r) => r.store === 'bare' && r.pattern === pattern)!
  const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`
  printTable(
    [
      'store',
      'load',
      'connections',
      'total (1,000 req)',
      'p50',
      'p99',
      'max',
      'failed',
      'p99 vs bare',
      'server CPU/req',
    ],
    rows.map((r) => [
      r.store,
      r.load,
      r.pattern,
      ms(r.totalMs),
      ms(r.p50),
      ms(r.p99),
      ms(r.max),
      String(r.failed),
      r.store === 'bare' ? '1.0×' : `${(r.p99 / floor(r.pattern).p99).toFixed(1)}×`,
      `${Math.round(r.cpuUsPerRequest)} µs`,
    ]),
  )
  console.log(
    `\n${RUNS} runs each (median shown; max over all runs). One request per user, 1,000 users;\n` +
      '1,000 conns: every user on its own connection, all at once; 100 conns: 10 users per connection.',
  )
  const file = writeResults('presence-server', {
    versions: {
      autocannon: packageVersion('autocannon'),
      pg: packageVersion('pg'),
      ioredis: packageVersion('ioredis'),
      '@electric-sql/pglite': packageVersion('@electric-sql/pglite'),
    },
    users: USERS,
    rows,
  })
  console.log(`results: ${file}`)
}
