/**
 * The server side of the presence API benches (presence-server, presence-sessions,
 * presence-bulk-read), in its own process: a Node http server with the presence handlers over the
 * store named by BENCH_STORE (`postgres`: a fresh schema on 127.0.0.1:5432 with the status limit
 * in Redis; `pglite`: in-memory PGlite with in-process limits; `memory`: the memory store), or
 * `bare`: an http server that answers 204 and does nothing (the floor).
 * BENCH_STATUS_LIMIT raises the status limit per user and minute (default 10, the SPEC's) for
 * benches that report more often than that, so they measure the limiter's check, not its 429s;
 * BENCH_LEASE_MS sets the handlers' lease (default 30 s).
 * Tells the parent its URL over IPC; answers `cpu` with its CPU time so far (µs);
 * `{ type: 'seed', … }` writes the bulk-read roster into the store (bulk-read-roster.ts) and
 * `{ type: 'time-read', … }` times reads of it in process; on `stop` closes, drops its schema and
 * Redis keys, and exits.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createJwtAuthenticator,
  createMemoryStore,
  createPresenceHandlers,
  createRateLimiter,
  type PresenceStore,
  type RateLimitStore,
} from '@wedsync/presence-server'
import { servePresence } from '@wedsync/presence-server/node'
import { Redis } from 'ioredis'
import pg from 'pg'
import { type ReadTiming, type RosterSpec, seedRoster, timeReads } from './bulk-read-roster.js'

const mode = process.env.BENCH_STORE ?? 'postgres'
const secret = process.env.BENCH_JWT_SECRET ?? ''
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const poolSize = Number(process.env.BENCH_POOL ?? 16)
const statusLimit = Number(process.env.BENCH_STATUS_LIMIT ?? 10)
const leaseMs = Number(process.env.BENCH_LEASE_MS ?? 30_000)

const send = (message: unknown) => process.send?.(message)
const cleanups: (() => Promise<unknown>)[] = []
let presenceStore: PresenceStore | undefined

async function presenceServer(): Promise<string> {
  let store: PresenceStore
  let limits: RateLimitStore | undefined
  if (mode === 'postgres') {
    const { createPostgresStore } = await import('@wedsync/presence-server/postgres')
    const { createRedisRateLimitStore } = await import('@wedsync/presence-server/redis')
    const schema = `presence_bench_${process.pid}`
    const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize })
    store = await createPostgresStore({ pool, schema })
    const redis = new Redis(redisUrl, { enableAutoPipelining: true })
    const keyPrefix = `wedsync-bench:${process.pid}:`
    limits = createRedisRateLimitStore({ redis, keyPrefix })
    cleanups.push(async () => {
      const keys = await redis.keys(`${keyPrefix}*`)
      if (keys.length) await redis.del(...keys)
      await redis.quit()
      await pool.query(`drop schema if exists "${schema}" cascade`)
      await pool.end()
    })
  } else if (mode === 'memory') {
    store = createMemoryStore()
  } else {
    const { createPGliteStore } = await import('@wedsync/presence-server/pglite')
    store = await createPGliteStore()
    cleanups.push(() => store.close())
  }
  presenceStore = store
  const handlers = createPresenceHandlers({
    store,
    authenticate: createJwtAuthenticator({ secret }),
    // Status updates: 10/min per user (BENCH_STATUS_LIMIT), shared through Redis. Heartbeats:
    // their own budget, 60/min per user, in process (the default, as the docs recommend).
    rateLimiter: createRateLimiter({ limit: statusLimit, ...(limits ? { store: limits } : {}) }),
    leaseMs,
  })
  const running = await servePresence(handlers, { port: 0 })
  running.server.maxConnections = 10_000
  cleanups.unshift(() => running.close())
  return running.url
}

async function bareServer(): Promise<string> {
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      res.writeHead(204)
      res.end()
    })
  })
  await new Promise<void>((resolve) =>
    server.listen({ port: 0, host: '127.0.0.1', backlog: 4_096 }, resolve),
  )
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

type Request = { type: 'seed'; spec: RosterSpec } | ({ type: 'time-read' } & ReadTiming)

process.on('message', async (message: string | Request) => {
  if (typeof message === 'object') {
    try {
      if (!presenceStore) throw new Error(`no store in ${mode} mode`)
      if (message.type === 'seed') {
        await seedRoster(presenceStore, message.spec, Date.now())
        send({ seeded: true })
      } else {
        send({ timed: await timeReads(presenceStore, message) })
      }
    } catch (error) {
      send({ seeded: false, timed: null, error: String(error) })
    }
    return
  }
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage()
    send({ cpuUs: user + system })
    return
  }
  if (message !== 'stop') return
  for (const cleanup of cleanups) await cleanup().catch(() => {})
  send({ stopped: true })
  process.exit(0)
})

const url = mode === 'bare' ? await bareServer() : await presenceServer()
send({ url })
