/**
 * What every system in the room-state bench is fed: the same members, session metas and order of
 * changes. `rotatingDriver` turns a system's join/leave/update into steps that keep N present.
 */
import type { SessionMeta } from '@wedsync/presence-core'

export type Change = 'join' | 'update' | 'leave'

/** One system holding a room: each method applies one change and returns the ns it took. */
export interface Room {
  join(member: number): bigint
  leave(member: number): bigint
  update(member: number): bigint
  /** Members present now, read through the system's own API (for sanity checks). */
  size(): number
  dispose(): void
}

export interface RoomDriver {
  /** Applies one change of this kind to the room of N present members; returns its ns. */
  step(change: Change): bigint
  size(): number
  dispose(): void
}

export interface Peer {
  readonly name: string
  /**
   * A room of members 0…2N−1 where 0…N−1 are present and N…2N−1 are absent (for systems that
   * remember who left, they have been present and left), built untimed.
   */
  room(size: number): Room
  /** Time to join `size` new members one at a time to an empty room (inputs built untimed). */
  storm(size: number): bigint
  /** How many storms to run (the median counts) after how many untimed ones. */
  readonly stormRuns: { readonly repeats: number; readonly warmups: number }
  /** How the storm figure was obtained, when it is not a plain total. */
  readonly stormNote?: string | undefined
}

export const ROOM_ID = 'wedding:bench'
/** Observer clock at the start (epoch ms). */
export const T0 = 1_750_000_000_000

/** A user id shaped like a Supabase auth id (a UUID). */
export function userId(member: number): string {
  return `00000000-0000-4000-8000-${member.toString(16).padStart(12, '0')}`
}

const TARGETS = ['timeline', 'guests'] as const

/**
 * A typical v1 session meta: activity and profile set, about 330 bytes of JSON. Consecutive seqs
 * view different pages, so every update is visible.
 */
export function sessionMeta(member: number, seq: number): SessionMeta {
  const target = TARGETS[seq % 2]!
  return {
    v: 1,
    session: `sess-${member.toString(36)}-a`,
    status: 'online',
    seq,
    lease: 30_000,
    activeAgo: 1_200,
    activity: { action: 'viewing', target, weddingId: 'w-123', page: `/weddings/w-123/${target}` },
    profile: {
      name: `Guest Number ${member}`,
      role: 'planner',
      avatarUrl: `https://cdn.example.com/avatars/${member}.png`,
    },
  }
}

/** One tracked version of a member's meta, with the transport ref it was given. */
export interface Published {
  readonly ref: string
  readonly meta: SessionMeta
}

let refCounter = 0

/** The next version of a member's meta under a fresh transport ref (shaped like Phoenix's). */
export function publish(member: number, seq: number): Published {
  refCounter++
  return { ref: `F${refCounter.toString(36).padStart(11, '0')}`, meta: sessionMeta(member, seq) }
}

/** The current version of each member's meta. */
export class Members {
  private readonly current: Published[]

  constructor(count: number) {
    this.current = Array.from({ length: count }, (_, m) => publish(m, 1))
  }

  get(member: number): Published {
    return this.current[member]!
  }

  /** Publishes the member's next version and returns [before, after]. */
  next(member: number): readonly [Published, Published] {
    const before = this.current[member]!
    const after = publish(member, before.meta.seq + 1)
    this.current[member] = after
    return [before, after]
  }
}

/**
 * Members 0…2N−1 sit on a ring; the N in a sliding window are present. A join brings in the
 * member absent longest, then the member present longest leaves (untimed); a leave is the same
 * pair with the other half timed; an update goes round the present members. Every change touches
 * the member touched longest ago, as in a busy room, and the room is at N present before each.
 */
export function rotatingDriver(room: Room, size: number): RoomDriver {
  const ring = 2 * size
  let head = 0 // the present member present longest
  let turn = 0
  return {
    step(change) {
      if (change === 'update') return room.update((head + (turn++ % size)) % ring)
      const joining = (head + size) % ring
      const leaving = head
      head = (head + 1) % ring
      if (change === 'join') {
        const ns = room.join(joining)
        room.leave(leaving)
        return ns
      }
      const ns = room.leave(leaving)
      room.join(joining)
      return ns
    },
    size: () => room.size(),
    dispose: () => room.dispose(),
  }
}
