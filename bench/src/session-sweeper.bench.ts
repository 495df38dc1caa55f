/**
 * The session sweeper's cost (issue 17, "Benchmarks"): 10,000 sessions — 5,000 users on two
 * devices each (presence-session-fixture.ts: laptop online, phone idle) — written through the
 * store at a fake time t, then swept the way `startSessionSweeper` sweeps (`sweepSessions(now,
 * { limit: 500 })` again while a sweep comes back full) at two later times:
 *
 * - **leases ended** (t + 31 s): every user is due; each is recomputed (a read of the user's row
 *   and sessions, presence-core's aggregate, one conditional write) and goes offline, one
 *   transition each; the sessions stay, counting for nothing, for the grace;
 * - **past the grace** (t + 31 s + 10 min): no user is due; the 10,000 sessions are deleted.
 *
 * Stores: Postgres in this process (127.0.0.1:5432, a fresh schema, dropped after) and the memory
 * store. There is no peer for a sweeper, so each is set against a floor measured in the same run
 * on the same rows: for Postgres, (a) one plain `update … set last_status = 'offline'` per 500
 * users (what a set-based sweep that aggregates nothing would cost) and (b) the sweeper's own
 * round trips with trivial statements (per user a select and an update by primary key, 4 users at
 * a time, as the store's sweep runs 4 at a time); for memory, a loop that writes each user's row
 * offline into a Map. Median of BENCH_SWEEP_RUNS runs (default 3), the store re-seeded each run.
 * Invariants: the fake clock only moves forward across runs; nothing asserts beyond the counts.
 */
import {
  createMemoryStore,
  type PresenceStore,
  SESSION_GRACE_MS,
  type SweepResult,
} from '@wedsync/presence-server'
import { createPostgresStore } from '@wedsync/presence-server/postgres'
import pg from 'pg'
import { median, packageVersion, printTable, writeResults } from './harness.js'
import { inParallel, sessionChange } from './presence-session-fixture.js'

export const title = 'session-sweeper: sweeping 10,000 sessions (5,000 users × 2) by lease'

const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const USERS = Number(process.env.BENCH_SWEEP_USERS ?? 5_000)
const SESSIONS = USERS * 2
const RUNS = Number(process.env.BENCH_SWEEP_RUNS ?? 3)
const LEASE_MS = 30_000
const LIMIT = 500
const userId = (i: number) => `sweep-user-${i}`
const ids = Array.from({ length: USERS }, (_, i) => userId(i))

interface SweepTotals {
  readonly ms: number
  readonly calls: number
  readonly users: number
  readonly transitions: number
  readonly expired: number
}

/** Sweeps at `now` as the sweeper does until a sweep comes back short of the limit. */
async function sweepAll(store: PresenceStore, now: number): Promise<SweepTotals> {
  const totals = { calls: 0, users: 0, transitions: 0, expired: 0 }
  const start = performance.now()
  let result: SweepResult
  do {
    result = await store.sweepSessions!(now, { limit: LIMIT })
    totals.calls++
    totals.users += result.users
    totals.transitions += result.transitions.length
    totals.expired += result.expired
  } while (result.users >= LIMIT)
  return { ms: performance.now() - start, ...totals }
}

async function seed(store: PresenceStore, at: number): Promise<number> {
  const start = performance.now()
  await inParallel(USERS, 16, async (i) => {
    for (const session of [0, 1] as const)
      await store.recordStatus(sessionChange(userId(i), i, session, at, at + LEASE_MS))
  })
  return performance.now() - start
}

interface RunFigures {
  readonly seedMs: number
  readonly leases: SweepTotals
  readonly grace: SweepTotals
  /** Floors, ms for the same 5,000 users. */
  readonly floors: Record<string, number>
}

/** One run on `store`: seed at `t`, sweep past the leases, the floors, sweep past the grace. */
async function oneRun(
  store: PresenceStore,
  t: number,
  floors: Record<string, (at: number) => Promise<number>>,
): Promise<RunFigures> {
  const seedMs = await seed(store, t)
  const leases = await sweepAll(store, t + LEASE_MS + 1_000)
  const floorMs: Record<string, number> = {}
  for (const [name, floor] of Object.entries(floors)) floorMs[name] = await floor(t + LEASE_MS)
  const grace = await sweepAll(store, t + LEASE_MS + 1_000 + SESSION_GRACE_MS)
  return { seedMs, leases, grace, floors: floorMs }
}

/** The Postgres floors, on the store's own table in `schema`. */
function postgresFloors(pool: pg.Pool, schema: string) {
  const table = `"${schema}".user_last_seen`
  return {
    // One statement per 500 users: the least a sweep that writes every due user offline costs.
    'set-based update (1 per 500 users)': async (at: number) => {
      const start = performance.now()
      for (let i = 0; i < USERS; i += LIMIT)
        await pool.query(
          `update ${table} set previous_status = last_status, last_status = 'offline',
             status_changed_at = to_timestamp($2::float8 / 1000), sweep_at = null
           where user_id = any($1::text[])`,
          [ids.slice(i, i + LIMIT), at],
        )
      return performance.now() - start
    },
    // The sweeper's shape without its work: two round trips per user, 4 users at a time.
    'per-user select + update, 4 at a time': async () => {
      const start = performance.now()
      await inParallel(USERS, 4, async (i) => {
        await pool.query(`select * from ${table} where user_id = $1`, [userId(i)])
        await pool.query(`update ${table} set updated_at = now() where user_id = $1`, [userId(i)])
      })
      return performance.now() - start
    },
  }
}

/** The memory floor: each user's row written offline into a Map (what any in-memory sweep does). */
const memoryFloors = {
  'Map write per user': async (at: number) => {
    const rows = new Map<string, { status: string; statusChangedAt: number }>()
    for (const id of ids) rows.set(id, { status: 'online', statusChangedAt: at - LEASE_MS })
    const start = performance.now()
    for (const id of ids) rows.set(id, { ...rows.get(id)!, status: 'offline', statusChangedAt: at })
    return performance.now() - start
  },
}

interface StoreFigures {
  readonly store: string
  readonly runs: readonly RunFigures[]
}

export async function run(): Promise<void> {
  const results: StoreFigures[] = []
  // Far enough from now that no real clock reaches it, and moving an hour ahead each run.
  const base = Date.now() + 86_400_000

  // Memory first: it needs nothing else running.
  {
    const store = createMemoryStore()
    const runs: RunFigures[] = []
    for (let r = 0; r < RUNS + 1; r++) {
      const figures = await oneRun(store, base + r * 3_600_000, memoryFloors)
      if (r > 0) runs.push(figures) // the first run warms the JIT up
    }
    await store.close()
    results.push({ store: 'memory', runs })
  }

  const schema = `presence_sweep_bench_${process.pid}`
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 16 })
  try {
    const store = await createPostgresStore({ pool, schema })
    const runs: RunFigures[] = []
    for (let r = 0; r < RUNS; r++)
      runs.push(await oneRun(store, base + r * 3_600_000, postgresFloors(pool, schema)))
    await store.close()
    results.push({ store: 'postgres', runs })
  } finally {
    await pool.query(`drop schema if exists "${schema}" cascade`).catch(() => {})
    await pool.end()
  }

  const rows: string[][] = []
  const summary: Record<string, unknown>[] = []
  for (const { store, runs } of results) {
    const m = (pick: (r: RunFigures) => number) => median(runs.map(pick))
    const leasesMs = m((r) => r.leases.ms)
    const graceMs = m((r) => r.grace.ms)
    const per10k = (ms: number) => (ms * 10_000) / SESSIONS
    const users = runs[0]!.leases.users
    rows.push([
      store,
      'leases ended: users recomputed',
      users.toLocaleString('en-US'),
      runs[0]!.leases.transitions.toLocaleString('en-US'),
      String(runs[0]!.leases.calls),
      `${leasesMs.toFixed(0)} ms`,
      `${per10k(leasesMs).toFixed(0)} ms`,
      `${((leasesMs * 1000) / users).toFixed(0)} µs`,
      '',
    ])
    rows.push([
      store,
      'past the grace: sessions deleted',
      `${runs[0]!.grace.users} (${runs[0]!.grace.expired.toLocaleString('en-US')} deleted)`,
      String(runs[0]!.grace.transitions),
      String(runs[0]!.grace.calls),
      `${graceMs.toFixed(0)} ms`,
      `${per10k(graceMs).toFixed(0)} ms`,
      '',
      '',
    ])
    for (const name of Object.keys(runs[0]!.floors)) {
      const floorMs = m((r) => r.floors[name]!)
      rows.push([
        store,
        `floor: ${name}`,
        users.toLocaleString('en-US'),
        '',
        '',
        `${floorMs.toFixed(floorMs < 10 ? 2 : 0)} ms`,
        `${per10k(floorMs).toFixed(floorMs < 10 ? 2 : 0)} ms`,
        `${((floorMs * 1000) / users).toFixed(floorMs < 10 ? 2 : 0)} µs`,
        // The ratio of each run (sweep and floor a moment apart), then their median: the
        // machine's load moves both, so a run's ratio is steadier than a ratio of medians.
        `sweep ×${m((r) => r.leases.ms / r.floors[name]!).toFixed(1)}`,
      ])
    }
    summary.push({
      store,
      seedMs: m((r) => r.seedMs),
      leasesMs,
      graceMs,
      floorsMs: Object.fromEntries(
        Object.keys(runs[0]!.floors).map((name) => [name, m((r) => r.floors[name]!)]),
      ),
      sweepOverFloor: Object.fromEntries(
        Object.keys(runs[0]!.floors).map((name) => [name, m((r) => r.leases.ms / r.floors[name]!)]),
      ),
      runs,
    })
  }
  printTable(
    [
      'store',
      'sweep',
      'users',
      'transitions',
      'calls',
      'time',
      'per 10,000 sessions',
      'per user',
      'vs floor',
    ],
    rows,
  )
  console.log(
    `\n${USERS.toLocaleString('en-US')} users × 2 sessions; sweeps of ${LIMIT} users a call, ` +
      `again while full (as startSessionSweeper); median of ${RUNS} runs\n` +
      "(vs floor: the median of each run's ratio). " +
      `Seeding ${SESSIONS.toLocaleString('en-US')} session reports through the store (16 at a time): ` +
      summary.map((s) => `${s.store} ${(s.seedMs as number).toFixed(0)} ms`).join(', '),
  )
  const file = writeResults('session-sweeper', {
    versions: { pg: packageVersion('pg') },
    users: USERS,
    sessions: SESSIONS,
    limit: LIMIT,
    stores: summary,
  })
  console.log(`results: ${file}`)
}
