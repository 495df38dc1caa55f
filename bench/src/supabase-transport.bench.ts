/**
 * createSupabaseTransport end to end on the local Realtime server, against raw supabase-js measured
 * in the same run. (1) Propagation: sessions in rooms of 10, each setting a manual status once per
 * interval; p50/p99 from `setStatus` on one client to the change in another client's snapshot,
 * against `track` → `sync` → `presenceState()` on raw channels. (2) A join storm into one room:
 * the CPU one observer spends until it sees every member, ours against the raw pattern, both
 * observers in the same storm. Server, sessions and observers run in separate processes on the
 * same cores. Scale through the environment (full scale is the default):
 *   BENCH_SUPABASE_SESSIONS=2000 BENCH_SUPABASE_STORM=1000 BENCH_SUPABASE_MS=30000 pnpm bench supabase-transport
 * A tail on 2 cores shared by server and clients moves from run to run, so the propagation runs in
 * rounds (BENCH_SUPABASE_ROUNDS, default 5), ours and raw in alternating order, and the ratio is
 * of the median p99s. Each round also reports the sessions processes' GC pauses and event-loop delay.
 */
import type { ChildProcess } from 'node:child_process'
import { forkModule, next, stopAll } from './child-processes.js'
import { formatRatio, median, packageVersion, printTable, writeResults } from './harness.js'
import { runJoinStorm, type Storm, startServer } from './join-storm.js'
import type { SessionKind, SessionsCommand } from './supabase-transport-sessions.js'

export const title =
  'supabase transport: propagation in rooms of 10 and an observer in a join storm'

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const SESSIONS = env('BENCH_SUPABASE_SESSIONS', 2_000)
const ROOM_SIZE = env('BENCH_SUPABASE_ROOM', 10)
const INTERVAL_MS = env('BENCH_SUPABASE_INTERVAL_MS', 10_000)
const DURATION_MS = env('BENCH_SUPABASE_MS', 30_000)
const STORM = env('BENCH_SUPABASE_STORM', 1_000)
const PROCESSES = env('BENCH_SUPABASE_PROCESSES', 2)
/** Rounds of the propagation run, each measuring both kinds (in alternating order). */
const ROUNDS = env('BENCH_SUPABASE_ROUNDS', 5)
const CONCURRENCY = 100
const BAR_P99_RATIO = 1.1
const BAR_CPU_RATIO = 5

const SESSIONS_CHILD = new URL('./supabase-transport-sessions.ts', import.meta.url)

interface Propagation {
  readonly kind: SessionKind
  readonly joinMs: number
  readonly updates: number
  readonly samples: number
  readonly p50: number
  readonly p99: number
  readonly max: number
  readonly errors: number
  /** Worst over the sessions processes: total and longest GC pause, event-loop delay p99 and max. */
  readonly process: ProcessStats
}

interface ProcessStats {
  /** Heap in use after a full collection at the end of the run. */
  readonly heapMb: number
  readonly gcMs: number
  readonly gcMaxMs: number
  /** GC time by kind (minor, major, incremental, weak callbacks), summed over the processes. */
  readonly gcByKindMs: Readonly<Record<string, number>>
  readonly loopP99Ms: number
  readonly loopMaxMs: number
}

export async function run(): Promise<void> {
  const rooms = Math.ceil(SESSIONS / ROOM_SIZE)
  console.log(
    `${rooms * ROOM_SIZE} sessions in ${rooms} rooms of ${ROOM_SIZE}, one status change per session per ${INTERVAL_MS / 1000} s for ${DURATION_MS / 1000} s; storm of ${STORM}`,
  )
  const propagation: Propagation[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['ours', 'raw'] as const) : (['raw', 'ours'] as const)
    for (const kind of order) propagation.push(await measurePropagation(kind, rooms))
  }
  printTable(
    [
      'propagation',
      'join all',
      'updates',
      'samples',
      'p50',
      'p99',
      'max',
      'errors',
      'GC total / longest',
      'loop delay p99 / max',
    ],
    propagation.map((r) => [
      r.kind === 'ours' ? 'ours: setStatus → snapshot' : 'raw: track → sync → presenceState()',
      `${(r.joinMs / 1000).toFixed(2)} s`,
      String(r.updates),
      String(r.samples),
      `${r.p50.toFixed(2)} ms`,
      `${r.p99.toFixed(2)} ms`,
      `${r.max.toFixed(1)} ms`,
      String(r.errors),
      `${r.process.gcMs.toFixed(0)} / ${r.process.gcMaxMs.toFixed(1)} ms`,
      `${r.process.loopP99Ms.toFixed(1)} / ${r.process.loopMaxMs.toFixed(1)} ms`,
    ]),
  )
  const medianOf = (kind: SessionKind, pick: (r: Propagation) => number) =>
    median(propagation.filter((r) => r.kind === kind).map(pick))
  const p50Ratio = medianOf('ours', (r) => r.p50) / medianOf('raw', (r) => r.p50)
  const p99Ratio = medianOf('ours', (r) => r.p99) / medianOf('raw', (r) => r.p99)
  console.log(
    `\nours/raw, medians of ${ROUNDS} rounds: p50 ${formatRatio(p50Ratio)}, p99 ${formatRatio(p99Ratio)} (ours with coalesceMs 0: the default 200 ms window, which batches status and activity into one update, would add up to 200 ms by design)`,
  )
  console.log(
    `bar: our p99 within ${BAR_P99_RATIO}× of raw supabase-js: ${p99Ratio <= BAR_P99_RATIO ? 'met' : 'missed'}`,
  )

  console.log(`\njoin storm: ${STORM} members into one room…`)
  const storm = await measureStorm()
  printTable(
    ['observer of the storm', 'CPU', 'wall', 'events'],
    storm.map((s) => [
      s.kind === 'ours' ? 'ours: PresenceClient + transport' : 'raw: presenceState() per sync',
      `${s.cpuMs.toFixed(0)} ms`,
      `${(s.wallMs / 1000).toFixed(2)} s`,
      String(s.events),
    ]),
  )
  const [stormOurs, stormRaw] = storm as [Storm, Storm]
  const cpuRatio = stormRaw.cpuMs / stormOurs.cpuMs
  console.log(`\nraw/ours observer CPU: ${formatRatio(cpuRatio)}`)
  console.log(
    `bar: the observer's CPU at least ${BAR_CPU_RATIO}× lower than the raw pattern: ${cpuRatio >= BAR_CPU_RATIO ? 'met' : 'missed'}`,
  )
  const file = writeResults('supabase-transport', {
    versions: { '@supabase/supabase-js': packageVersion('@supabase/supabase-js') },
    sessions: rooms * ROOM_SIZE,
    roomSize: ROOM_SIZE,
    intervalMs: INTERVAL_MS,
    durationMs: DURATION_MS,
    storm: STORM,
    rounds: ROUNDS,
    propagation,
    p50Ratio,
    p99Ratio,
    joinStorm: storm,
    cpuRatio,
  })
  console.log(`\nwritten to ${file}`)
}

async function measurePropagation(kind: SessionKind, rooms: number): Promise<Propagation> {
  console.log(`${kind}: joining…`)
  const { server, url } = await startServer()
  const children: ChildProcess[] = [server]
  try {
    const processes = Math.min(PROCESSES, rooms)
    const clients = Array.from({ length: processes }, () => forkModule(SESSIONS_CHILD))
    children.push(...clients)
    await Promise.all(clients.map((c) => next(c, 'ready')))
    const started = performance.now()
    const joined = clients.map((c) => next(c, 'joined', 600_000))
    clients.forEach((c, i) => {
      const command: SessionsCommand = {
        type: 'join',
        kind,
        url,
        rooms: Array.from({ length: rooms }, (_, r) => r).filter((r) => r % processes === i),
        roomSize: ROOM_SIZE,
        concurrency: CONCURRENCY / processes,
      }
      c.send(command)
    })
    await Promise.all(joined)
    const joinMs = performance.now() - started
    console.log(`  joined in ${(joinMs / 1000).toFixed(2)} s; measuring ${DURATION_MS / 1000} s…`)
    const ran = clients.map((c) =>
      next<{ updates: number; latencies: number[]; errors: number; process: ProcessStats }>(
        c,
        'ran',
        DURATION_MS + 120_000,
      ),
    )
    for (const c of clients)
      c.send({
        type: 'run',
        intervalMs: INTERVAL_MS,
        durationMs: DURATION_MS,
      } satisfies SessionsCommand)
    const reports = await Promise.all(ran)
    const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b)
    return {
      kind,
      joinMs,
      updates: reports.reduce((sum, r) => sum + r.updates, 0),
      samples: latencies.length,
      p50: median(latencies),
      p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
      max: latencies.at(-1) ?? Number.NaN,
      errors: reports.reduce((sum, r) => sum + r.errors, 0),
      process: {
        heapMb: Math.max(...reports.map((r) => r.process.heapMb)),
        gcMs: Math.max(...reports.map((r) => r.process.gcMs)),
        gcMaxMs: Math.max(...reports.map((r) => r.process.gcMaxMs)),
        gcByKindMs: sumByKey(reports.map((r) => r.process.gcByKindMs)),
        loopP99Ms: Math.max(...reports.map((r) => r.process.loopP99Ms)),
        loopMaxMs: Math.max(...reports.map((r) => r.process.loopMaxMs)),
      },
    }
  } finally {
    await stopAll(children)
  }
}

/** Ours and the raw pattern watching the same storm; each sees every joiner and both observers. */
function measureStorm(): Promise<Storm[]> {
  return runJoinStorm({
    storm: STORM,
    processes: PROCESSES,
    concurrency: CONCURRENCY,
    observers: [
      { kind: 'ours', target: STORM + 2 },
      { kind: 'raw', target: STORM + 2 },
    ],
  })
}

function sumByKey(records: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sum: Record<string, number> = {}
  for (const record of records)
    for (const [key, value] of Object.entries(record)) sum[key] = (sum[key] ?? 0) + value
  return sum
}
