/**
 * The reconnect storm (issue 14): 400 supabase-js sockets, each in one of 20 rooms on the local
 * Realtime server, dropped at once by a server restart (every socket closed with 1012, all state
 * lost). For each socket, when its room is joined again. Figures: the busiest 250 ms window's share
 * of the reconnects (bound ≤ 25%) and the time until every room is joined again (bound ≤ 30 s),
 * for clients made with `fullJitterReconnect()` (the SDK's default) and, in the same run, for
 * supabase-js's own fixed schedule (the peer) and a 1 s ceiling (why the default is 2 s). Clients
 * and server share this process: the spread comes from the schedules, not from the machine. The
 * quick subset drops the 1 s ceiling.
 */
import { createClient } from '@supabase/supabase-js'
import { type BackoffPolicy, fullJitterReconnect } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY, startRealtimeServer } from '@wedsync/presence-testing/server'
import WebSocket from 'ws'
import { printTable } from '../harness.js'
import { type Check, type Scenario, shareAtMost, withinMs } from './scenario.js'

const SOCKETS = Number(process.env.BENCH_RECONNECT_SOCKETS ?? 400)
const ROOMS = 20
const WINDOW_MS = 250
const BOUND_WINDOW = 0.25
const BOUND_CONVERGED_MS = 30_000

interface Schedule {
  readonly name: string
  /** undefined: supabase-js's default. */
  readonly policy?: Partial<BackoffPolicy>
  /** Only in the full run. */
  readonly full?: true
}

const SCHEDULES: Schedule[] = [
  { name: 'fullJitterReconnect() (default: 2 s ceiling)', policy: {} },
  { name: 'full jitter, 1 s ceiling', policy: { baseMs: 1_000 }, full: true },
  { name: 'supabase-js default (1, 2, 5, 10 s)' },
]

interface Storm {
  readonly schedule: string
  readonly busiestWindow: number
  readonly medianMs: number
  readonly convergedMs: number
}

/** The most reconnects inside any window of `WINDOW_MS` (sliding), as a share of all sockets. */
function busiestWindow(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b)
  let most = 0
  for (let end = 0, start = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= WINDOW_MS) start++
    most = Math.max(most, end - start + 1)
  }
  return most / SOCKETS
}

async function storm(schedule: Schedule): Promise<Storm> {
  const server = await startRealtimeServer()
  const joins: number[][] = Array.from({ length: SOCKETS }, () => [])
  let joined = 0
  let rejoined = 0
  let allJoined: () => void = () => {}
  let allRejoined: () => void = () => {}
  const firstJoins = new Promise<void>((resolve) => {
    allJoined = resolve
  })
  const secondJoins = new Promise<void>((resolve) => {
    allRejoined = resolve
  })
  const clients = Array.from({ length: SOCKETS }, (_, i) => {
    const client = createClient(server.url, DEV_ANON_KEY, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: {
        transport: WebSocket as never,
        ...(schedule.policy && { reconnectAfterMs: fullJitterReconnect(schedule.policy) }),
      },
    })
    client.channel(`room-${i % ROOMS}`).subscribe((status) => {
      if (status !== 'SUBSCRIBED') return
      const seen = joins[i]!
      seen.push(performance.now())
      if (seen.length === 1 && ++joined === SOCKETS) allJoined()
      if (seen.length === 2 && ++rejoined === SOCKETS) allRejoined()
    })
    return client
  })
  await firstJoins
  const dropped = performance.now()
  await server.restart()
  await secondJoins
  const times = joins.map((seen) => seen[1]! - dropped)
  for (const client of clients) client.realtime.disconnect()
  await server.stop()
  const sorted = [...times].sort((a, b) => a - b)
  return {
    schedule: schedule.name,
    busiestWindow: busiestWindow(times),
    medianMs: sorted[sorted.length >> 1]!,
    convergedMs: sorted.at(-1)!,
  }
}

export const scenario: Scenario = {
  title: `reconnect storm: ${SOCKETS} sockets dropped at once, jittered against fixed`,
  quick: true,
  async run({ quick }): Promise<Check[]> {
    const storms: Storm[] = []
    for (const schedule of SCHEDULES)
      if (!(quick && schedule.full)) storms.push(await storm(schedule))
    const pct = (share: number) => `${(share * 100).toFixed(1)}%`
    const ms = (value: number) => `${Math.round(value).toLocaleString('en-US')} ms`
    printTable(
      ['schedule', `busiest ${WINDOW_MS} ms`, 'median back', 'all rooms back'],
      storms.map((s) => [s.schedule, pct(s.busiestWindow), ms(s.medianMs), ms(s.convergedMs)]),
    )
    console.log('')
    const ours = storms[0]!
    return [
      shareAtMost(
        `reconnects in the busiest ${WINDOW_MS} ms window`,
        ours.busiestWindow,
        BOUND_WINDOW,
      ),
      withinMs('every room joined again', ours.convergedMs, BOUND_CONVERGED_MS),
    ]
  },
}
