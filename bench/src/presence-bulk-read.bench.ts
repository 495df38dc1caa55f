/**
 * Bulk reads (issue 17, "Benchmarks"): `POST /presence/users { userIds }` for 100 and 1,000
 * users, by 100 viewers who each share a team with a tenth of the roster and are some targets'
 * contacts, over a roster whose settings make the privacy checker decide (bulk-read-roster.ts:
 * 1,000 people on two devices each; visible to everyone, their team, their contacts or nobody).
 * The handlers run in their own process (presence-server-process.ts) over Postgres (a fresh
 * schema) and the memory store, driven by autocannon from this process on the same 2 cores; the
 * peer is a do-nothing HTTP server that reads the same request bodies and answers 204, in the
 * same run. Also, in the server process, the store's read (`presenceFor`) and
 * `readVisiblePresence` timed alone, so the share of a request spent in the store shows: that is
 * what decides whether a cache in front of the store is worth having (issue 17: only if the store
 * is the bottleneck). The bar: 100 users in one call under 100 ms and 100 KB.
 * Invariants: the handlers' lease is an hour (BENCH_LEASE_MS), so the seeded roster reads live for
 * the whole run; every answer is checked to hold one entry per id asked; nothing else asserts.
 */
import { gzipSync } from 'node:zlib'
import { Redis } from 'ioredis'
import { idsFor, type ReadTimes, type RosterSpec, viewerId } from './bulk-read-roster.js'
import { median, packageVersion, printTable, writeResults } from './harness.js'
import {
  ask,
  failures,
  ms,
  type RoundResult,
  round,
  sequentialRound,
  serverCpuUs,
  startServer,
  stopServer,
  token,
} from './presence-server-load.js'

export const title = 'presence-bulk-read: POST /presence/users for 100 and 1,000 users'

const SPEC: RosterSpec = { targets: 1_000, viewers: 100, leaseMs: 3_600_000 }
const RUNS = Number(process.env.BENCH_BULK_RUNS ?? 3)
const STORES = (process.env.BENCH_BULK_STORES ?? 'bare,memory,postgres').split(',')
const SIZES = [
  { size: 100, amount: 300, timedCalls: 100 },
  { size: 1_000, amount: 100, timedCalls: 30 },
] as const
/**
 * One call at a time on one connection (the latency of a call; timed to the µs by
 * `sequentialRound`), and 10 in flight on 10 connections (a busy server; autocannon).
 */
const PATTERNS = [
  { name: '1 at a time', connections: 1 },
  { name: '10 conns', connections: 10 },
] as const

interface Answer {
  readonly bytes: number
  readonly gzipBytes: number
  readonly entries: number
  readonly notOffline: number
}

/** One real call, checked: one entry per id asked. */
async function answerOf(
  url: string,
  size: number,
): Promise<{ answer: Answer; users: readonly unknown[] }> {
  const response = await fetch(`${url}/presence/users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token(viewerId(0))}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userIds: idsFor(SPEC, 0, size) }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`POST /presence/users answered ${response.status}: ${text}`)
  const { users } = JSON.parse(text) as { users: { status: string }[] }
  if (users.length !== size) throw new Error(`asked for ${size} users, got ${users.length}`)
  const answer = {
    bytes: Buffer.byteLength(text),
    gzipBytes: gzipSync(text).length,
    entries: users.length,
    notOffline: users.filter((u) => u.status !== 'offline').length,
  }
  return { answer, users }
}

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * What a cache hit would cost at the least: `values` (entries of a real answer) stored as JSON
 * under their own keys in Redis, then MGET of 100 and 1,000 of them, timed one call at a time
 * and parsed, as a cache's read would parse them. Keys are this process's and deleted after.
 */
async function redisFloor(
  values: readonly unknown[],
): Promise<{ size: number; times: ReadTimes }[]> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
  const prefix = `wedsync-bench-bulk:${process.pid}:`
  try {
    await redis.connect()
    const keys = values.map((_, i) => `${prefix}${i}`)
    await redis.mset(...keys.flatMap((key, i) => [key, JSON.stringify(values[i])]))
    const out: { size: number; times: ReadTimes }[] = []
    for (const { size, timedCalls } of SIZES) {
      const took: number[] = []
      for (let c = 0; c < timedCalls + 5; c++) {
        const asked = Array.from({ length: size }, (_, k) => keys[(c * 37 + k) % keys.length]!)
        const start = performance.now()
        const got = await redis.mget(...asked)
        for (const value of got) if (value !== null) JSON.parse(value)
        if (c >= 5) took.push(performance.now() - start)
      }
      const sorted = [...took].sort((a, b) => a - b)
      const p50 = median(took)
      const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!
      out.push({
        size,
        times: { storeP50: p50, storeP99: p99, visibleP50: NaN, visibleP99: NaN, visibleOnline: 0 },
      })
    }
    await redis.del(...keys)
    return out
  } catch (error) {
    console.log(`(no Redis at ${REDIS_URL}: ${String(error)}; the cache floor is left out)`)
    return []
  } finally {
    redis.disconnect()
  }
}

interface Row {
  readonly store: string
  readonly size: number
  readonly pattern: string
  readonly runs: readonly RoundResult[]
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly reqPerS: number
  readonly failed: number
  readonly cpuUsPerRequest: number
  readonly responseBytes: number
  readonly answer?: Answer
}

export async function run(): Promise<void> {
  const tokens = Array.from({ length: SPEC.viewers }, (_, j) => token(viewerId(j)))
  const bodies = new Map(
    SIZES.map(({ size }) => [
      size,
      tokens.map((_, j) => JSON.stringify({ userIds: idsFor(SPEC, j, size) })),
    ]),
  )
  const rows: Row[] = []
  const inProcess: { store: string; size: number; times: ReadTimes }[] = []
  const seedMs: Record<string, number> = {}
  let cacheValues: readonly unknown[] = []
  for (const store of STORES) {
    const { child, url } = await startServer(store, { BENCH_LEASE_MS: String(SPEC.leaseMs) })
    try {
      if (store !== 'bare') {
        const start = performance.now()
        await ask(child, { type: 'seed', spec: SPEC }, 'seeded')
        seedMs[store] = performance.now() - start
      }
      for (const { size, amount, timedCalls } of SIZES) {
        const checked = store === 'bare' ? undefined : await answerOf(url, size)
        const answer = checked?.answer
        if (checked && size === 1_000) cacheValues = checked.users
        const load = {
          method: 'POST' as const,
          path: '/presence/users',
          amount,
          request: (i: number) => ({
            token: tokens[i % tokens.length]!,
            body: bodies.get(size)![i % tokens.length]!,
          }),
        }
        const roundOf = (connections: number) =>
          connections === 1 ? sequentialRound(url, load) : round(url, { ...load, connections })
        await roundOf(10) // warm-up: JIT, connections, the pool
        for (const pattern of PATTERNS) {
          const runs: RoundResult[] = []
          for (let r = 0; r < RUNS; r++) {
            const before = await serverCpuUs(child)
            const result = await roundOf(pattern.connections)
            result.cpuUsPerRequest = ((await serverCpuUs(child)) - before) / amount
            runs.push(result)
          }
          const totalMs = median(runs.map((r) => r.totalMs))
          rows.push({
            store,
            size,
            pattern: pattern.name,
            runs,
            p50: median(runs.map((r) => r.p50)),
            p99: median(runs.map((r) => r.p99)),
            max: Math.max(...runs.map((r) => r.max)),
            reqPerS: (amount / totalMs) * 1000,
            failed: runs.reduce((n, r) => n + r.failed, 0),
            cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest ?? 0)),
            responseBytes: median(runs.map((r) => r.bytesPerRequest)),
            ...(answer ? { answer } : {}),
          })
        }
        if (store !== 'bare') {
          const { timed } = await ask<{ timed: ReadTimes }>(
            child,
            { type: 'time-read', spec: SPEC, size, calls: timedCalls },
            'timed',
          )
          inProcess.push({ store, size, times: timed })
        }
      }
    } finally {
      await stopServer(child)
    }
  }

  const cache = cacheValues.length > 0 ? await redisFloor(cacheValues) : []
  for (const { size, times } of cache) inProcess.push({ store: 'redis MGET', size, times })

  const bare = (size: number, pattern: string) =>
    rows.find((r) => r.store === 'bare' && r.size === size && r.pattern === pattern)
  const vsBare = (r: Row, pick: (row: Row) => number) => {
    const floor = bare(r.size, r.pattern)
    return floor && r.store !== 'bare' ? `×${(pick(r) / pick(floor)).toFixed(1)}` : '—'
  }
  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`
  printTable(
    [
      'store',
      'users',
      'connections',
      'p50',
      'p99',
      'max',
      'req/s',
      'failed',
      'p50 vs bare',
      'p99 vs bare',
      'server CPU/req',
      'body (gzip)',
      'not offline',
    ],
    rows.map((r) => [
      r.store,
      r.size.toLocaleString('en-US'),
      r.pattern,
      ms(r.p50),
      ms(r.p99),
      ms(r.max),
      Math.round(r.reqPerS).toLocaleString('en-US'),
      failures(r.runs),
      vsBare(r, (x) => x.p50),
      vsBare(r, (x) => x.p99),
      `${Math.round(r.cpuUsPerRequest).toLocaleString('en-US')} µs`,
      r.answer ? `${kb(r.answer.bytes)} (${kb(r.answer.gzipBytes)})` : '(204)',
      r.answer ? String(r.answer.notOffline) : '',
    ]),
  )
  console.log(
    `\n${RUNS} runs each (median; max over all runs). 100 viewers take turns; the bare server reads\n` +
      "the same request bodies and answers 204. 'not offline': entries the viewer sees as present\n" +
      '(the rest are hidden by privacy — visibility, appear offline — and read as offline).\n',
  )
  const storeRow = (store: string, size: number) =>
    rows.find((r) => r.store === store && r.size === size && r.pattern === PATTERNS[0].name)
  printTable(
    [
      'store',
      'users',
      'presenceFor p50',
      'p99',
      'readVisiblePresence p50',
      'p99',
      'HTTP p50 (1 at a time)',
      'store share of HTTP p50',
    ],
    inProcess.map(({ store, size, times }) => {
      const http = storeRow(store, size)?.p50
      return [
        store,
        size.toLocaleString('en-US'),
        `${times.storeP50.toFixed(2)} ms`,
        `${times.storeP99.toFixed(2)} ms`,
        Number.isNaN(times.visibleP50) ? '—' : `${times.visibleP50.toFixed(2)} ms`,
        Number.isNaN(times.visibleP99) ? '—' : `${times.visibleP99.toFixed(2)} ms`,
        http === undefined ? '—' : ms(http),
        http ? `${Math.round((times.storeP50 / http) * 100)}%` : '—',
      ]
    }),
  )
  console.log(
    '\nIn the server process, one call at a time (rotating viewers), after the HTTP rounds.\n' +
      "'1 at a time' is timed to the µs (node:http, one keep-alive connection); '10 conns' by\n" +
      'autocannon, whose latency histogram keeps whole milliseconds.',
  )
  console.log(
    "'redis MGET' (from the bench process): one MGET of that many keys, each holding one entry of\n" +
      "the answer as JSON, parsed: the least a read-through cache hit would cost, before the viewer's\n" +
      'relations (teams, contacts) that privacy needs, which a cache of presence alone does not hold.',
  )
  const bar = rows.find(
    (r) => r.store === 'postgres' && r.size === 100 && r.pattern === PATTERNS[0].name,
  )
  if (bar?.answer)
    console.log(
      `\nIssue 17's bar, 100 users in one call on Postgres: p99 ${ms(bar.p99)} ` +
        `(≤ 100 ms: ${bar.p99 <= 100 ? 'met' : 'missed'}), body ${kb(bar.answer.bytes)} ` +
        `(≤ 100 KB: ${bar.answer.bytes <= 100_000 ? 'met' : 'missed'}).`,
    )
  const file = writeResults('presence-bulk-read', {
    versions: { autocannon: packageVersion('autocannon'), pg: packageVersion('pg') },
    roster: SPEC,
    seedMs,
    rows,
    inProcess,
  })
  console.log(`results: ${file}`)
}
