/**
 * Presence webhooks under load: transitions fanned out into the Postgres outbox
 * (127.0.0.1:5432, a fresh schema per run, dropped after) and delivered, signed, by the delivery
 * worker to a do-nothing receiver on loopback (a node:http server answering 204), all in this
 * process on the same 2 cores as Postgres.
 *
 * - **burst**: 500 users × 4 transitions fanned out at once (fan-out rate), one subscription that
 *   sees everyone; then the workers start and the delivery rate is taken from their start to the
 *   last arrival, with one worker and with two (two instances sharing the outbox through
 *   `for update skip locked`). Median of two runs each.
 * - **steady**: 200 transitions a second for 10 s (`BENCH_WEBHOOK_SECONDS`); p50/p99 from the
 *   transition (the fan-out call) to its arrival at the receiver.
 * - **peer / floor**: the same number of POSTs of the same bodies sent straight to the receiver
 *   with the same fetch and concurrency (no outbox, no signing, no privacy check): what loopback
 *   HTTP alone costs here. Ratio: our delivery throughput against the floor's.
 *
 * Every event arrives exactly once here (the receiver counts ids); a bench, not a test: nothing
 * asserts beyond that count.
 */
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  COORDINATION_MIGRATIONS,
  createSqlWebhookStore,
  createWebhookFanOut,
  createWebhookWorker,
  type WebhookStore,
} from '@wedsync/presence-coordination'
import { createMemoryStore } from '@wedsync/presence-server'
import { migratePostgres, pgClient } from '@wedsync/presence-server/postgres'
import pg from 'pg'
import { formatRatio, median, printTable, writeResults } from './harness.js'

export const title = 'webhooks: Postgres outbox → signed delivery to a do-nothing receiver'

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const USERS = 500
const PER_USER = 4
const STEADY_RATE = 200
const STEADY_SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10)
const BATCH = 50
const STATUSES = ['online', 'busy', 'idle', 'offline'] as const

interface Receiver {
  url: string
  /** Arrival time (ms) per webhook-id; each id once. */
  readonly arrivals: Map<string, number>
  duplicates: number
  /** Resolves once `n` distinct ids have arrived. */
  waitFor(n: number): Promise<void>
  close(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const arrivals = new Map<string, number>()
  let target = Infinity
  let reached: (() => void) | undefined
  const receiver: Receiver = {
    url: '',
    arrivals,
    duplicates: 0,
    waitFor(n) {
      if (arrivals.size >= n) return Promise.resolve()
      target = n
      return new Promise((resolve) => {
        reached = resolve
      })
    },
    close: async () => {
      server.closeAllConnections()
      server.close()
    },
  }
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const id = String(request.headers['webhook-id'] ?? request.headers['x-id'])
      if (arrivals.has(id)) receiver.duplicates++
      else arrivals.set(id, Date.now())
      response.writeHead(204).end()
      if (arrivals.size >= target) {
        target = Infinity
        reached?.()
      }
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return receiver
}

async function setup(admin: pg.Pool, receiverUrl: string) {
  const schema = `bench_webhooks_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  await migratePostgres(admin, schema, { extraMigrations: COORDINATION_MIGRATIONS })
  const pools: pg.Pool[] = []
  const store = (): WebhookStore => {
    const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8 })
    pools.push(pool)
    return createSqlWebhookStore({ client: pgClient(pool), schema })
  }
  const webhooks = store()
  const now = Date.now()
  await webhooks.createSubscription({
    id: 'wh_bench',
    ownerId: 'u-owner',
    url: receiverUrl,
    events: ['presence.online', 'presence.offline', 'presence.status_changed'],
    filter: {},
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    createdAt: now,
    updatedAt: now,
  })
  const fanOut = createWebhookFanOut({
    webhooks,
    presence: createMemoryStore(),
    clock: { now: () => Date.now() },
  })
  return {
    webhooks,
    store,
    fanOut,
    async close() {
      for (const pool of pools) await pool.end()
      await admin.query(`drop schema if exists "${schema}" cascade`)
    },
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}

/** Sends `n` bodies straight to the receiver, `concurrency` at a time: the floor. */
async function floor(receiver: Receiver, n: number, concurrency: number): Promise<number> {
  const body = JSON.stringify({
    type: 'presence.online',
    timestamp: new Date().toISOString(),
    data: { userId: 'u-0001', status: 'online', previousStatus: 'offline' },
  })
  receiver.arrivals.clear()
  const started = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const id = `floor_${next++}`
        const response = await fetch(receiver.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-id': id },
          body,
        })
        await response.body?.cancel()
      }
    }),
  )
  return n / ((performance.now() - started) / 1000)
}

async function burst(admin: pg.Pool, receiver: Receiver, workers: number) {
  const env = await setup(admin, receiver.url)
  receiver.arrivals.clear()
  const running = Array.from({ length: workers }, (_, i) =>
    createWebhookWorker({ store: env.store(), instanceId: `w${i}`, batchSize: BATCH, pollMs: 50 }),
  )
  const started = performance.now()
  const at = Date.now()
  await Promise.all(
    Array.from({ length: USERS }, async (_, u) => {
      for (let k = 0; k < PER_USER; k++)
        await env.fanOut.enqueue({
          userId: `u-${String(u).padStart(4, '0')}`,
          status: STATUSES[k]!,
          at: at + k,
        })
    }),
  )
  const enqueuedMs = performance.now() - started
  const total = USERS * PER_USER
  for (const w of running) w.start()
  await receiver.waitFor(total)
  const deliveredMs = performance.now() - started
  await Promise.all(running.map((w) => w.stop()))
  await env.close()
  return {
    workers,
    messages: total,
    enqueuePerSecond: total / (enqueuedMs / 1000),
    /** From the workers' start (everything already in the outbox) to the last arrival. */
    deliveredPerSecond: total / ((deliveredMs - enqueuedMs) / 1000),
    duplicates: receiver.duplicates,
  }
}

async function steady(admin: pg.Pool, receiver: Receiver) {
  const env = await setup(admin, receiver.url)
  receiver.arrivals.clear()
  const worker = createWebhookWorker({ store: env.store(), batchSize: BATCH, pollMs: 1_000 })
  worker.start()
  const total = STEADY_RATE * STEADY_SECONDS
  const started = Date.now()
  const transitions: Promise<unknown>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / STEADY_RATE
    const wait = due - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const userId = `u-${String(i % USERS).padStart(4, '0')}`
    const status = STATUSES[Math.floor(i / USERS) % STATUSES.length]!
    const at = Date.now()
    transitions.push(env.fanOut.enqueue({ userId, status, at }).then(() => worker.kick()))
  }
  await Promise.all(transitions)
  const messages = await env.webhooks.messages('wh_bench', { limit: total * 2 })
  await receiver.waitFor(messages.length)
  await worker.stop()
  const latencies = messages.map((m) => receiver.arrivals.get(m.id)! - m.occurredAt)
  await env.close()
  return {
    rate: STEADY_RATE,
    seconds: STEADY_SECONDS,
    messages: messages.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
    duplicates: receiver.duplicates,
  }
}

export async function run(): Promise<void> {
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 4 })
  const receiver = await startReceiver()
  try {
    const floors: number[] = []
    const bursts: Awaited<ReturnType<typeof burst>>[] = []
    for (const workers of [1, 2, 1, 2]) {
      floors.push(await floor(receiver, USERS * PER_USER, BATCH))
      receiver.duplicates = 0
      bursts.push(await burst(admin, receiver, workers))
    }
    const floorRate = median(floors)
    const rows = [1, 2].map((workers) => {
      const runs = bursts.filter((b) => b.workers === workers)
      const delivered = median(runs.map((b) => b.deliveredPerSecond))
      return [
        `burst, ${workers} worker${workers > 1 ? 's' : ''}`,
        String(runs[0]!.messages),
        `${Math.round(median(runs.map((b) => b.enqueuePerSecond)))}/s`,
        `${Math.round(delivered)}/s`,
        `${Math.round(floorRate)}/s`,
        formatRatio(floorRate / delivered),
        String(runs.reduce((n, b) => n + b.duplicates, 0)),
      ]
    })
    printTable(
      ['case', 'events', 'fan-out', 'delivered', 'floor (bare POSTs)', 'floor/ours', 'dupes'],
      rows,
    )
    receiver.duplicates = 0
    const s = await steady(admin, receiver)
    console.log('')
    printTable(
      ['steady load', 'events', 'p50 transition→delivery', 'p99', 'max', 'dupes'],
      [
        [
          `${s.rate}/s for ${s.seconds} s`,
          String(s.messages),
          `${s.p50Ms} ms`,
          `${s.p99Ms} ms`,
          `${s.maxMs} ms`,
          String(s.duplicates),
        ],
      ],
    )
    const file = writeResults('webhook-delivery', { floors, bursts, steady: s })
    console.log(`\nwritten to ${file}`)
  } finally {
    await receiver.close()
    await admin.end()
  }
}
