/**
 * What the HTTP benches of the presence API share: Supabase-style HS256 access tokens, the server
 * process (presence-server-process.ts) started, asked for its CPU time, seeded and stopped over
 * IPC, and one autocannon round — `amount` requests over `connections` keep-alive connections,
 * each request's token and body chosen by its index, so every user (or session) sends its own —
 * and, for the latency of one call at a time, a sequential probe on one keep-alive connection
 * timed to the microsecond (autocannon's histogram keeps whole milliseconds).
 * Invariants: tokens verify against the secret the server process is started with; a round's
 * total runs from its start to its last response.
 */
import { type ChildProcess, fork, type Serializable } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { Agent, request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { CHILD_ARGS } from './child-processes.js'
import { median } from './harness.js'

/** The HS256 secret the bench signs tokens with and the server process verifies them with. */
export const JWT_SECRET = 'bench-secret-bench-secret-bench-secret-42'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A Supabase-style access token (HS256), signed here so the bench needs no JWT library. */
export function token(sub: string): string {
  const now = Math.floor(Date.now() / 1000)
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub, aud: 'authenticated', role: 'authenticated', iat: now, exp: now + 3600 })}`
  return `${head}.${createHmac('sha256', JWT_SECRET).update(head).digest('base64url')}`
}

/**
 * Starts presence-server-process.ts with `store` (`bare`, `postgres`, `pglite`, `memory`) and
 * extra environment (BENCH_STATUS_LIMIT…); resolves with its URL once it listens.
 */
export async function startServer(
  store: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(new URL('./presence-server-process.ts', import.meta.url)), {
    execArgv: [...CHILD_ARGS],
    env: { ...process.env, ...env, BENCH_STORE: store, BENCH_JWT_SECRET: JWT_SECRET },
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`server (${store}) exited with ${code}`)))
    child.on('message', (m: { url?: string }) => m.url && resolve(m.url))
  })
  return { child, url }
}

/** Sends `message` and resolves with the first answer that has `field`. */
export function ask<T>(child: ChildProcess, message: Serializable, field: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`server exited (${code})`))
    const listener = (m: Record<string, unknown>) => {
      if (!(field in m)) return
      child.off('message', listener)
      child.off('exit', onExit)
      if (typeof m.error === 'string') reject(new Error(m.error))
      else resolve(m as T)
    }
    child.on('message', listener)
    child.once('exit', onExit)
    child.send(message)
  })
}

/** The server process's CPU time so far (user + system), µs. */
export async function serverCpuUs(child: ChildProcess): Promise<number> {
  return (await ask<{ cpuUs: number }>(child, 'cpu', 'cpuUs')).cpuUs
}

export async function stopServer(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit')
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.send('stop')
  await exited
}

/** One request of a round: its bearer token and JSON body (none: no body). */
export interface RoundRequest {
  readonly token: string
  readonly body?: string
}

export interface RoundOptions {
  readonly method: 'POST' | 'GET'
  readonly path: string
  readonly amount: number
  readonly connections: number
  /** The request with index `i` (0 … amount − 1, in the order autocannon sends them). */
  readonly request: (i: number) => RoundRequest
}

export interface RoundResult {
  readonly totalMs: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly ok: number
  readonly failed: number
  /** How many answers of each status other than 2xx (`{ "503": 134 }`). */
  readonly refused: Readonly<Record<string, number>>
  /** Response bytes received (headers included), per request. */
  readonly bytesPerRequest: number
  /** Server process CPU (user + system) per request, µs; set by the caller. */
  cpuUsPerRequest?: number
}

/**
 * One round: `amount` requests over `connections` keep-alive connections (as many connections
 * as requests: every one on its own connection, all at once). Latency is autocannon's, from
 * writing a request to its response.
 */
export function round(url: string, options: RoundOptions): Promise<RoundResult> {
  let next = 0
  let last = 0
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        amount: options.amount,
        timeout: 30,
        requests: [
          {
            method: options.method,
            path: options.path,
            setupRequest: (request) => {
              const { token: bearer, body } = options.request(next++ % options.amount)
              return {
                ...request,
                headers: {
                  ...request.headers,
                  authorization: `Bearer ${bearer}`,
                  ...(body ? { 'content-type': 'application/json' } : {}),
                },
                ...(body ? { body } : {}),
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error)
        const answered = result['2xx'] + result.non2xx
        resolve({
          totalMs: last - started,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
          ok: result['2xx'],
          failed: result.non2xx + result.errors + result.timeouts,
          refused: Object.fromEntries(
            Object.entries(result.statusCodeStats ?? {})
              .filter(([code]) => !code.startsWith('2'))
              .map(([code, stats]) => [code, stats.count ?? 0]),
          ),
          bytesPerRequest: answered > 0 ? result.throughput.total / answered : 0,
        })
      },
    )
    instance.on('response', () => {
      last = performance.now()
    })
  })
}

/**
 * `amount` requests one after the other on one keep-alive connection (node:http), each timed
 * from writing it to the end of its response with `performance.now()`. For calls that take well
 * under a millisecond, where autocannon's whole-millisecond histogram reads 0 or 1.
 */
export async function sequentialRound(
  url: string,
  options: Omit<RoundOptions, 'connections'>,
): Promise<RoundResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const target = new URL(options.path, url)
  const latencies: number[] = []
  let ok = 0
  let failed = 0
  const refused: Record<string, number> = {}
  let bytes = 0
  const started = performance.now()
  try {
    for (let i = 0; i < options.amount; i++) {
      const { token: bearer, body } = options.request(i)
      const start = performance.now()
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          target,
          {
            agent,
            method: options.method,
            headers: {
              authorization: `Bearer ${bearer}`,
              ...(body
                ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
                : {}),
            },
          },
          (response) => {
            response.on('data', (chunk: Buffer) => {
              bytes += chunk.length
            })
            response.on('end', () => resolve(response.statusCode ?? 0))
            response.on('error', reject)
          },
        )
        req.on('error', reject)
        req.end(body)
      })
      latencies.push(performance.now() - start)
      if (status >= 200 && status < 300) ok++
      else {
        failed++
        refused[status] = (refused[status] ?? 0) + 1
      }
    }
  } finally {
    agent.destroy()
  }
  const totalMs = performance.now() - started
  const sorted = latencies.sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!
  return {
    totalMs,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1]!,
    ok,
    failed,
    refused,
    bytesPerRequest: bytes / Math.max(1, ok + failed),
  }
}

/** The medians of some rounds of one case (the worst `max`, every failure counted). */
export function summarize(runs: readonly RoundResult[]) {
  return {
    totalMs: median(runs.map((r) => r.totalMs)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    max: Math.max(...runs.map((r) => r.max)),
    failed: runs.reduce((n, r) => n + r.failed, 0),
    cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest ?? 0)),
  }
}

/** Failures over some rounds, with the statuses that were not 2xx: `134 (503 ×134)`. */
export function failures(runs: readonly RoundResult[]): string {
  const failed = runs.reduce((n, r) => n + r.failed, 0)
  const codes = new Map<string, number>()
  for (const r of runs)
    for (const [code, n] of Object.entries(r.refused)) codes.set(code, (codes.get(code) ?? 0) + n)
  const list = [...codes].map(([code, n]) => `${code} ×${n}`).join(', ')
  return list ? `${failed} (${list})` : String(failed)
}

/** `12.3 ms` below 10 ms, `123 ms` above. */
export const ms = (n: number) => `${n.toFixed(n < 1 ? 2 : n < 10 ? 1 : 0)} ms`
