/**
 * What one update heard leaves behind: the bytes that outlive young-generation collections, per
 * update, in 1,000 rooms of 10 updated in turn, for our room state against the supabase-js way
 * (what realtime-js keeps per presence_diff, plus the app's `presenceState()` read) and the map
 * floor, each in a child process of its own. A p99 in a process holding many rooms follows these
 * bytes: every scavenge copies what survives it (see the supabase-transport bench).
 *
 * Each child runs with a 1 MB young generation, so a room's own objects (kept until its next
 * update, 1,000 updates later) outlive several scavenges and are promoted, like a member's; the
 * figure is `promoted` from `--trace-gc-nvp` summed over the window's scavenges, per update, with
 * what the fixture alone keeps (each member's next meta) taken off. Deterministic in what it
 * counts: V8 promotes what is live, whatever the machine's speed.
 */
import { forkModule } from './child-processes.js'
import { formatRatio, printTable, writeResults } from './harness.js'
import type { PeerName, SurvivorsReport } from './room-survivors-child.js'

export const title = 'room state: bytes each update heard keeps past young-generation collections'

const ROOMS = 1_000
const ROOM_SIZE = 10
const CYCLES = 6
const PEERS: readonly PeerName[] = ['fixture', 'map floor', 'ours', 'realtime-js', 'supabase-js']
const CHILD = new URL('./room-survivors-child.ts', import.meta.url)

interface Survivors {
  readonly peer: PeerName
  readonly updates: number
  readonly scavenges: number
  /** Promoted bytes per update, the fixture's included. */
  readonly promotedPerUpdate: number
}

/** `promoted=` of the scavenges (`gc=s`) after the first `skip`, `count` of them. */
export function promotedBytes(trace: string, skip: number, count: number): number {
  const scavenges = trace.split('\n').filter((line) => /\bgc=s\b/.test(line))
  if (scavenges.length < skip + count)
    throw new Error(`expected ${skip + count} scavenges in the trace, found ${scavenges.length}`)
  return scavenges
    .slice(skip, skip + count)
    .reduce((sum, line) => sum + Number(/\bpromoted=(\d+)/.exec(line)?.[1] ?? Number.NaN), 0)
}

function measurePeer(peer: PeerName): Promise<Survivors> {
  const child = forkModule(CHILD, [peer, String(ROOMS), String(ROOM_SIZE), String(CYCLES)], {
    flags: ['--max-semi-space-size=1', '--trace-gc-nvp'],
    pipeStdout: true,
  })
  let trace = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    trace += chunk
  })
  let report: SurvivorsReport | undefined
  child.on('message', (message: SurvivorsReport) => {
    if (message.type === 'done') report = message
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    // `close`: the child exited and its stdout (V8's trace, buffered until exit) is all read.
    child.once('close', (code) => {
      if (!report) return reject(new Error(`${peer}: child exited (${code}) without a report`))
      const promoted = promotedBytes(trace, report.scavengesBefore, report.scavengesInWindow)
      resolve({
        peer,
        updates: report.updates,
        scavenges: report.scavengesInWindow,
        promotedPerUpdate: promoted / report.updates,
      })
    })
  })
}

export async function run(): Promise<void> {
  console.log(
    `${ROOMS.toLocaleString('en-US')} rooms of ${ROOM_SIZE} (and ${ROOM_SIZE} offline members each), every member updated ${CYCLES} times in turn; 1 MB young generation\n`,
  )
  const results: Survivors[] = []
  for (const peer of PEERS) results.push(await measurePeer(peer))
  const fixture = results.find((r) => r.peer === 'fixture')!.promotedPerUpdate
  const kept = (peer: PeerName) => results.find((r) => r.peer === peer)!.promotedPerUpdate - fixture
  printTable(
    ['peer', 'scavenges', 'promoted / update', 'kept / update', 'vs ours'],
    results.map((r) => [
      r.peer,
      String(r.scavenges),
      `${r.promotedPerUpdate.toFixed(0)} B`,
      r.peer === 'fixture' ? '—' : `${kept(r.peer).toFixed(0)} B`,
      r.peer === 'fixture' ? '—' : formatRatio(kept(r.peer) / kept('ours')),
    ]),
  )
  console.log(
    `\nkept: promoted per update less the fixture's (each member's next meta, ${fixture.toFixed(0)} B). In a Supabase app our room state keeps its bytes on top of realtime-js's own state, which the supabase-js row includes.`,
  )
  const file = writeResults('room-survivors', {
    rooms: ROOMS,
    roomSize: ROOM_SIZE,
    cycles: CYCLES,
    fixtureBytesPerUpdate: fixture,
    results: results.map((r) => ({ ...r, keptPerUpdate: r.promotedPerUpdate - fixture })),
  })
  console.log(`\nwritten to ${file}`)
}
