/**
 * The memory hub's server-side records: connections, topics (rooms as the server holds them) and
 * memberships (one per successful join; a rejoin makes a new one). A topic holds at most one meta
 * per membership, keyed by a unique ref; metas are kept as JSON text so nobody shares objects.
 */
import type {
  PresenceEvent,
  PresenceState,
  TransportMeta,
  TransportStatus,
  TransportStatusDetail,
} from '@wedsync/presence-core'
import type { SlidingWindow } from './sliding-window.js'
import { fromWire } from './wire.js'

/** A request the client sends to the hub ("push", in Phoenix terms). */
export type PushOp =
  | { readonly kind: 'track'; readonly wire: string }
  | { readonly kind: 'untrack' }
  | { readonly kind: 'broadcast'; readonly event: string; readonly wire: string | undefined }

/** A push waiting for the room to be joined (realtime-js buffers them the same way). */
export interface BufferedPush {
  readonly op: PushOp
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
  readonly cancelTimeout: () => void
}

/**
 * A client room as the hub drives it (a `MemoryRoom` is one). Declared here, not imported, so
 * that these records and the room class that points back at them form no import cycle.
 */
export interface HubRoom {
  readonly conn: Connection
  readonly topic: Topic
  readonly key: string
  /** The client's view: what it was last told, or is about to be told. */
  status: TransportStatus
  /** The current server-side membership; undefined until joined and after leaving. */
  member: Membership | undefined
  /** Bumped on every join attempt and on close, so a stale scheduled join does nothing. */
  joinAttempt: number
  buffer: BufferedPush[]
  dispatchPresence(events: readonly PresenceEvent[]): void
  dispatchStatus(status: TransportStatus, detail?: TransportStatusDetail): void
  dispatchMessage(event: string, payload: unknown): void
}

/** `up`: normal. `down`: the hub knows it is gone. `silent`: gone, but nobody has noticed yet. */
export type ConnectionMode = 'up' | 'down' | 'silent'

export interface Connection {
  readonly label: string
  mode: ConnectionMode
  /** Rooms the client has open (closed rooms are removed). */
  readonly rooms: Set<HubRoom>
  /** Server-side memberships, including ghosts left behind by a silent disconnect. */
  readonly members: Set<Membership>
  cancelServerTimeout: (() => void) | undefined
}

export interface TrackedMeta {
  readonly ref: string
  readonly wire: string
  /** Key-order independent form, to spot a re-track with an identical payload. */
  readonly canonical: string
}

export interface Membership {
  readonly conn: Connection
  readonly room: HubRoom
  readonly topic: Topic
  readonly key: string
  tracked: TrackedMeta | undefined
  /** The track policy's answer, asked at the membership's first track and kept for its life. */
  trackAllowed: boolean | undefined
  /** Presence calls made in this membership; undefined when the limit is off. */
  readonly calls: SlidingWindow | undefined
}

/** Private and public rooms with the same id are different topics (Supabase's rule). */
export function topicKey(roomId: string, isPrivate: boolean): string {
  return `${isPrivate ? 'private' : 'public'}:${roomId}`
}

export class Topic {
  readonly members = new Set<Membership>()
  /** ref → membership, in the order metas were tracked. */
  private readonly metas = new Map<string, Membership>()

  constructor(
    readonly roomId: string,
    readonly isPrivate: boolean,
  ) {}

  /** Sets the membership's meta; returns the meta it replaced, if any. */
  setMeta(member: Membership, meta: TrackedMeta): TrackedMeta | undefined {
    const previous = member.tracked
    if (previous) this.metas.delete(previous.ref)
    member.tracked = meta
    this.metas.set(meta.ref, member)
    return previous
  }

  /** Removes the membership's meta; returns it, if there was one. */
  clearMeta(member: Membership): TrackedMeta | undefined {
    const previous = member.tracked
    if (!previous) return undefined
    this.metas.delete(previous.ref)
    member.tracked = undefined
    return previous
  }

  /** The full state as a `sync` carries it: fresh copies, keys and metas in tracking order. */
  state(): PresenceState {
    const state: Record<string, TransportMeta[]> = Object.create(null)
    for (const [ref, member] of this.metas) {
      const metas = state[member.key] ?? []
      metas.push({ ref, meta: fromWire(member.tracked!.wire) })
      state[member.key] = metas
    }
    return state
  }
}
