/**
 * Child process of the room-survivors bench: one peer's rooms of ROOM_SIZE, updated in turn, under
 * a 1 MB young generation and `--trace-gc-nvp` (set by the parent). What an update keeps until the
 * room's or the member's next update outlives several young collections and is promoted; the
 * parent sums `promoted=` over the scavenges of the measured window, which this child counts.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { collectGarbage } from './harness.js'
import { mapFloor } from './peer-map-floor.js'
import { ours } from './peer-ours.js'
import { realtimeJsState, supabaseWay } from './peer-supabase-js.js'
import { Members, type Peer, type Room } from './room-fixture.js'

/** What this child needs of a peer: its rooms. */
type RoomMaker = Pick<Peer, 'room'>

export interface SurvivorsReport {
  readonly type: 'done'
  /** Scavenges before the window (setup) and in it: the parent reads the lines after the first. */
  readonly scavengesBefore: number
  readonly scavengesInWindow: number
  readonly updates: number
}

/** The fixture alone: publishing each member's next meta, which every peer's update also does. */
const fixtureOnly: RoomMaker = {
  room(size) {
    const members = new Members(2 * size)
    return {
      join: () => 0n,
      leave: () => 0n,
      update(m) {
        members.next(m)
        return 0n
      },
      size: () => size,
      dispose() {},
    }
  },
}

const PEERS = {
  fixture: fixtureOnly,
  'map floor': mapFloor,
  ours,
  'realtime-js': realtimeJsState,
  'supabase-js': supabaseWay,
} satisfies Record<string, RoomMaker>
export type PeerName = keyof typeof PEERS

const [name, roomsArg, roomSizeArg, cyclesArg] = process.argv.slice(2)
const peer: RoomMaker | undefined = PEERS[name as PeerName]
if (!peer) throw new Error(`unknown peer ${name}`)
const rooms = Number(roomsArg)
const roomSize = Number(roomSizeArg)
const cycles = Number(cyclesArg)

let scavenges = 0
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } }
    if (detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++
  }
})
observer.observe({ entryTypes: ['gc'] })
/** GC entries reach the observer after the collection: a macrotask later, all have arrived. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50))

const all: Room[] = Array.from({ length: rooms }, () => peer.room(roomSize))
// One untimed cycle first, so every member's objects were made by an update, as in the window.
const cycle = () => {
  for (let m = 0; m < roomSize; m++) for (const room of all) room.update(m)
}
cycle()
collectGarbage()
await settle()
const scavengesBefore = scavenges
// Rooms take turns: a room's own objects live `rooms` updates, a member's `rooms × roomSize`.
for (let c = 0; c < cycles; c++) cycle()
await settle()
const report: SurvivorsReport = {
  type: 'done',
  scavengesBefore,
  scavengesInWindow: scavenges - scavengesBefore,
  updates: cycles * rooms * roomSize,
}
// Keep the rooms reachable until the end of the window.
if (all.some((room) => room.size() !== roomSize)) throw new Error(`${name}: a room lost members`)
process.send?.(report, () => process.exit(0))
