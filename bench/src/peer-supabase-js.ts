/**
 * The supabase-js way: what a realtime-js channel does with each presence_diff (Phoenix
 * `Presence.syncDiff` with realtime-js's join/leave callbacks) plus what its app does on every
 * `sync` event: read `channel.presenceState()`, a reshaped deep copy of the whole room.
 */
import { createRequire } from 'node:module'
import { Presence, type PresenceDiff } from '@supabase/phoenix'
import type { SessionMeta } from '@wedsync/presence-core'
import { clock } from './harness.js'
import { Members, type Peer, type Published, publish, type Room, userId } from './room-fixture.js'

type PhoenixMeta = { phx_ref: string; phx_ref_prev?: string } & SessionMeta
type PhoenixState = Record<string, { metas: PhoenixMeta[] }>
type PhoenixDiff = { joins: PhoenixState; leaves: PhoenixState }

interface RealtimePresenceAdapter {
  transformState(state: PhoenixState): Record<string, unknown[]>
  onJoinPayload(key: string, current: unknown, next: unknown): unknown
  onLeavePayload(key: string, current: unknown, left: unknown): unknown
}

/** Resolves packages the way the installed supabase-js does (realtime-js is its dependency). */
export const supabaseRequire = createRequire(
  createRequire(import.meta.url).resolve('@supabase/supabase-js'),
)

// realtime-js does not export its PresenceAdapter, so it is loaded from the realtime-js that the
// installed supabase-js depends on (the CommonJS build, which is what Node runs). Every transform
// here is that library's own code, not a copy: `transformState` is what `presenceState()`
// returns, `onJoinPayload`/`onLeavePayload` are what its Presence callbacks compute on each diff.
const PresenceAdapter = (
  supabaseRequire('@supabase/realtime-js/dist/main/phoenix/presenceAdapter.js') as {
    default: RealtimePresenceAdapter
  }
).default

/** A meta as the Realtime server sends it: the tracked payload plus its refs. */
function phoenixMeta(p: Published, prev?: Published): PhoenixMeta {
  return prev
    ? { phx_ref: p.ref, phx_ref_prev: prev.ref, ...p.meta }
    : { phx_ref: p.ref, ...p.meta }
}

/** One realtime-js channel's presence, as the library keeps it. */
class Channel {
  state: PhoenixState = {}
  /** The app's last read of `presenceState()` (kept, as an app keeps it). */
  view: Record<string, unknown[]> = {}
  event: unknown

  private readonly onJoin = (key: string, current: unknown, next: unknown) => {
    this.event = PresenceAdapter.onJoinPayload(key, current, next)
  }
  private readonly onLeave = (key: string, current: unknown, left: unknown) => {
    this.event = PresenceAdapter.onLeavePayload(key, current, left)
  }

  /** One presence_diff, then the app's `sync` handler reading `channel.presenceState()`. */
  receive(diff: PhoenixDiff): void {
    this.apply(diff)
    this.read()
  }

  apply(diff: PhoenixDiff): void {
    // Phoenix types `joins`/`leaves` as one presence; at run time they are keyed by presence key.
    const wire = diff as unknown as PresenceDiff
    this.state = Presence.syncDiff(this.state, wire, this.onJoin, this.onLeave) as PhoenixState
  }

  read(): void {
    this.view = PresenceAdapter.transformState(this.state)
  }
}

/**
 * A full supabase-js storm copies the room 5,000 times (minutes of work). By default the copy is
 * timed at one join in this many and counted for all of them; 1 times every copy.
 */
const STORM_SAMPLE = Math.max(1, Math.floor(Number(process.env.BENCH_STORM_SAMPLE ?? 25)) || 25)

export const supabaseWay: Peer = {
  name: 'supabase-js way',
  room: (size) => channelRoom(size, true),
  storm(size) {
    const diffs = Array.from({ length: size }, (_, m) => ({
      joins: { [userId(m)]: { metas: [phoenixMeta(publish(m, 1))] } },
      leaves: {},
    }))
    const every = STORM_SAMPLE
    const channel = new Channel()
    let ns = 0n
    for (let i = 0; i < size; i++) {
      let start = clock()
      channel.apply(diffs[i]!)
      ns += clock() - start
      // The copy made at the middle join of every stride stands for each join of that stride.
      if (i % every === every >> 1) {
        start = clock()
        channel.read()
        ns += (clock() - start) * BigInt(every)
      }
    }
    channel.read()
    if (Object.keys(channel.view).length !== size) {
      throw new Error('supabase-js way: storm ended short')
    }
    return ns
  },
  stormRuns: STORM_SAMPLE === 1 ? { repeats: 1, warmups: 0 } : { repeats: 3, warmups: 1 },
  stormNote:
    STORM_SAMPLE === 1
      ? undefined
      : `presenceState() timed at every ${STORM_SAMPLE}th join and counted for the ${STORM_SAMPLE} ` +
        'joins around it (its cost grows linearly with the room); BENCH_STORM_SAMPLE=1 times ' +
        'every copy (several minutes)',
}

/**
 * A room of one channel. `readsState`: the app reads (and keeps) `presenceState()` on every `sync`,
 * the supabase-js way; without it, what realtime-js keeps whatever the app does.
 */
function channelRoom(size: number, readsState: boolean): Room {
  const members = new Members(2 * size)
  const channel = new Channel()
  const full: PhoenixState = {}
  for (let m = 0; m < size; m++) full[userId(m)] = { metas: [phoenixMeta(members.get(m))] }
  channel.state = Presence.syncState({}, full, noop, noop) as PhoenixState
  const timed = (diff: PhoenixDiff) => {
    const start = clock()
    if (readsState) channel.receive(diff)
    else channel.apply(diff)
    return clock() - start
  }
  return {
    join(m) {
      const [, after] = members.next(m)
      return timed({ joins: { [userId(m)]: { metas: [phoenixMeta(after)] } }, leaves: {} })
    },
    leave(m) {
      return timed({
        joins: {},
        leaves: { [userId(m)]: { metas: [phoenixMeta(members.get(m))] } },
      })
    },
    update(m) {
      const [before, after] = members.next(m)
      const key = userId(m)
      // Realtime sends an update as one diff: the new meta (with phx_ref_prev) and the old one.
      return timed({
        joins: { [key]: { metas: [phoenixMeta(after, before)] } },
        leaves: { [key]: { metas: [phoenixMeta(before)] } },
      })
    },
    size: () => Object.keys(PresenceAdapter.transformState(channel.state)).length,
    dispose() {},
  }
}

/** What realtime-js itself keeps per presence_diff: every Supabase presence client, ours included, pays this. */
export const realtimeJsState: Pick<Peer, 'name' | 'room'> = {
  name: 'realtime-js state',
  room: (size) => channelRoom(size, false),
}

function noop(): void {}
