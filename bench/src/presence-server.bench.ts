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
import { packageVersion, printTable, writeResults } from './harness.js'
import {
  ms,
  type RoundResult,
  round,
  serverCpuUs,
  startServer,
  stopServer,
  summarize,
  token,
} from './presence-server-load.js'

export const title = 'presence-server: 1,000 concurrent heartbeats and status updates (autocannon)'

const USERS = 1_000
const RUNS = Number(process.env.BENCH_SERVER_RUNS ?? 3)

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

/** One round: every user sends one request, over `connections` keep-alive connections. */
function loadRound(
  url: string,
  load: Load,
  tokens: readonly string[],
  run: number,
  connections: number,
): Promise<RoundResult> {
  const body = load.body(run)
  return round(url, {
    method: load.method,
    path: load.path,
    amount: USERS,
    connections,
    request: (i) => ({ token: tokens[i % tokens.length]!, ...(body ? { body } : {}) }),
  })
}

interface Row {
  readonly store: string
  readonly load: string
  readonly pattern: string
  readonly runs: readonly RoundResult[]
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
      await loadRound(url, LOADS[0]!, tokens, 0, 100)
      for (const load of LOADS) {
        if (store === 'bare' && load.name === 'status') continue
        for (const pattern of PATTERNS) {
          const runs: RoundResult[] = []
          for (let i = 0; i < RUNS; i++) {
            const before = await serverCpuUs(child)
            const result = await loadRound(url, load, tokens, ++runNo, pattern.connections)
            result.cpuUsPerRequest = ((await serverCpuUs(child)) - before) / USERS
            runs.push(result)
          }
          rows.push({
            store,
            load: store === 'bare' ? 'any (204, no work)' : load.name,
            pattern: pattern.name,
            runs,
            ...summarize(runs),
          })
        }
      }
    } finally {
      await stopServer(child)
    }
  }
  const floor = (pattern: string) => rows.find((r) => r.store === 'bare' && r.pattern === pattern)!
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
