/**
 * Room state: the cost of one join, update and leave in rooms of 10, 1,000 and 5,000 members, and
 * of a join storm from 0 to 5,000, for our room state against the supabase-js way and y-protocols
 * awareness, measured in the same process. Prints ratios; writes results/room-state.json.
 */
import {
  formatNs,
  formatRatio,
  type Measurement,
  measure,
  measureRuns,
  packageVersion,
  printTable,
  writeResults,
} from './harness.js'
import { mapFloor } from './peer-map-floor.js'
import { ours } from './peer-ours.js'
import { supabaseRequire, supabaseWay } from './peer-supabase-js.js'
import { yProtocols } from './peer-y-protocols.js'
import { type Change, type Peer, rotatingDriver } from './room-fixture.js'

export const title = 'room state: one change and a join storm'

const ALL_PEERS: readonly Peer[] = [ours, supabaseWay, yProtocols, mapFloor]
/**
 * `BENCH_PEERS=ours` (comma-separated names or name prefixes: `ours`, `supabase`, `y-protocols`)
 * measures only those peers, for quick runs while working on our room state; ours and the map
 * floor always run, since every ratio is against ours and the growth bar is read against the
 * floor's. Unset: every peer (the full comparison).
 */
const PEERS = selectPeers(process.env.BENCH_PEERS)
const SIZES = [10, 1_000, 5_000] as const
const SMALLEST = SIZES[0]
const LARGEST = SIZES[2]
const CHANGES: readonly Change[] = ['join', 'update', 'leave']
const STORM_SIZE = 5_000

/** The acceptance bars of the issue. */
const BAR = { growth: 2, vsSupabase: 10, stormVsSupabase: 20 }

export async function run(): Promise<void> {
  const versions = {
    '@supabase/supabase-js': packageVersion('@supabase/supabase-js'),
    '@supabase/realtime-js': packageVersion('@supabase/realtime-js', undefined, supabaseRequire),
    '@supabase/phoenix': packageVersion('@supabase/phoenix'),
    'y-protocols': packageVersion('y-protocols', 'y-protocols/awareness'),
    yjs: packageVersion('yjs'),
  }
  const list = Object.entries(versions).map(([name, version]) => `${name} ${version}`)
  console.log(`peers: ${list.join(', ')}\n`)

  const changes = new Map<string, Measurement>()
  const cell = (size: number, change: Change, peer: Peer) => `${size} ${change} ${peer.name}`
  for (const size of SIZES) {
    for (const peer of PEERS) {
      const room = rotatingDriver(peer.room(size), size)
      expectSize(peer, room.size(), size)
      for (const change of CHANGES) {
        changes.set(
          cell(size, change, peer),
          measure(() => room.step(change)),
        )
        expectSize(peer, room.size(), size)
      }
      room.dispose()
    }
  }
  // NaN for a peer left out by BENCH_PEERS: printed as `—`, and its bars are skipped.
  const ns = (size: number, change: Change, peer: Peer) =>
    changes.get(cell(size, change, peer))?.nsPerOp ?? Number.NaN

  console.log('One change to a room of N present members (ns/op, median of batches)\n')
  printTable(
    [
      'N',
      'change',
      'ours',
      'supabase-js way',
      'y-protocols',
      'map floor',
      'supabase/ours',
      'y-protocols/ours',
      `ours/ours@${SMALLEST}`,
      `floor/floor@${SMALLEST}`,
    ],
    SIZES.flatMap((size) =>
      CHANGES.map((change) => {
        const mine = ns(size, change, ours)
        return [
          size.toLocaleString('en-US'),
          change,
          formatNs(mine),
          formatNsOrDash(ns(size, change, supabaseWay)),
          formatNsOrDash(ns(size, change, yProtocols)),
          formatNs(ns(size, change, mapFloor)),
          formatRatio(ns(size, change, supabaseWay) / mine),
          formatRatio(ns(size, change, yProtocols) / mine),
          formatRatio(mine / ns(SMALLEST, change, ours)),
          formatRatio(ns(size, change, mapFloor) / ns(SMALLEST, change, mapFloor)),
        ]
      }),
    ),
  )

  const storms = new Map<Peer, { ns: number; runs: number[] }>()
  for (const peer of PEERS) {
    const { repeats, warmups } = peer.stormRuns
    storms.set(
      peer,
      measureRuns(() => peer.storm(STORM_SIZE), repeats, warmups),
    )
  }
  const storm = (peer: Peer) => storms.get(peer)?.ns ?? Number.NaN
  const stormSize = STORM_SIZE.toLocaleString('en-US')
  console.log(`\nJoin storm: 0 → ${stormSize} members, one join at a time (median of runs)\n`)
  printTable(
    ['', 'total', 'per join', 'vs ours', 'runs (min – max)'],
    PEERS.map((peer) => {
      const { runs } = storms.get(peer)!
      return [
        peer.name,
        formatNs(storm(peer)),
        formatNs(storm(peer) / STORM_SIZE),
        formatRatio(storm(peer) / storm(ours)),
        `${runs.length} (${formatNs(Math.min(...runs))} – ${formatNs(Math.max(...runs))})`,
      ]
    }),
  )
  for (const peer of PEERS) if (peer.stormNote) console.log(`\n${peer.name}: ${peer.stormNote}`)

  const bars = [
    ...CHANGES.map((change) =>
      bar(
        `${change} at ${LARGEST} costs ≤ ${BAR.growth}× ${change} at ${SMALLEST}`,
        ns(LARGEST, change, ours) / ns(SMALLEST, change, ours),
        (ratio) => ratio <= BAR.growth,
      ),
    ),
    ...CHANGES.map((change) =>
      bar(
        `${change} at ${LARGEST} ≥ ${BAR.vsSupabase}× cheaper than the supabase-js way`,
        ns(LARGEST, change, supabaseWay) / ns(LARGEST, change, ours),
        (ratio) => ratio >= BAR.vsSupabase,
      ),
    ),
    bar(
      `join storm ≥ ${BAR.stormVsSupabase}× cheaper than the supabase-js way`,
      storm(supabaseWay) / storm(ours),
      (ratio) => ratio >= BAR.stormVsSupabase,
    ),
  ].filter((b) => !Number.isNaN(b.ratio))
  console.log('\nAcceptance bars\n')
  const floorGrowth = CHANGES.map(
    (c) => `${c} ×${(ns(LARGEST, c, mapFloor) / ns(SMALLEST, c, mapFloor)).toFixed(1)}`,
  )
  console.log(
    `Read the growth bars against the map floor: a plain Map keeping a copy of each meta grows ` +
      `from ${SMALLEST} to ${LARGEST} members by ${floorGrowth.join(', ')} here.\n`,
  )
  printTable(
    ['bar', 'measured', ''],
    bars.map((b) => [b.name, formatRatio(b.ratio), b.met ? 'met' : 'MISSED']),
  )

  // A run of some peers only does not overwrite the full comparison.
  const partial = PEERS.length < ALL_PEERS.length
  const file = writeResults(partial ? 'room-state.partial' : 'room-state', {
    bench: title,
    peers: versions,
    changes: SIZES.flatMap((size) =>
      CHANGES.flatMap((change) =>
        PEERS.map((peer) => {
          const m = changes.get(cell(size, change, peer))!
          return { size, change, peer: peer.name, ...m }
        }),
      ),
    ),
    storm: PEERS.map((peer) => ({
      size: STORM_SIZE,
      peer: peer.name,
      ...storms.get(peer)!,
      ...(peer.stormNote ? { note: peer.stormNote } : {}),
    })),
    bars,
  })
  console.log(`\nresults: ${file}`)
}

function bar(name: string, ratio: number, meets: (ratio: number) => boolean) {
  return { name, ratio, met: meets(ratio) }
}

function selectPeers(filter: string | undefined): readonly Peer[] {
  const wanted = (filter ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0)
  if (wanted.length === 0) return ALL_PEERS
  const unknown = wanted.filter((name) => !ALL_PEERS.some((peer) => peer.name.startsWith(name)))
  if (unknown.length > 0) {
    const names = ALL_PEERS.map((peer) => peer.name).join(', ')
    throw new Error(`BENCH_PEERS: no peer named ${unknown.join(', ')} (peers: ${names})`)
  }
  return ALL_PEERS.filter(
    (peer) =>
      peer === ours || peer === mapFloor || wanted.some((name) => peer.name.startsWith(name)),
  )
}

function formatNsOrDash(ns: number): string {
  return Number.isNaN(ns) ? '—' : formatNs(ns)
}

function expectSize(peer: Peer, actual: number, expected: number): void {
  if (actual !== expected) {
    throw new Error(`${peer.name}: room holds ${actual} members, expected ${expected}`)
  }
}
