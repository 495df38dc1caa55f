/**
 * The client half of a memory-hub room: the `TransportRoom` an app holds. It keeps listeners and
 * the client's view of its status; everything else goes to the hub. Listeners are only ever called
 * from the hub's scheduled deliveries, never inside the caller's own call.
 */
import type {
  PresenceEvent,
  TransportRoom,
  TransportStatus,
  TransportStatusDetail,
} from '@wedsync/presence-core'
import type { BufferedPush, Connection, HubRoom, Membership, PushOp, Topic } from './hub-model.js'
import { isPlainObject, toWire } from './wire.js'

/** What a room needs from its hub. */
export interface RoomHost {
  push(room: MemoryRoom, op: PushOp): Promise<void>
  close(room: MemoryRoom): Promise<void>
  /** A listener threw: the hub reports it without stopping delivery to the others. */
  listenerFailed(error: unknown): void
}

type StatusListener = (status: TransportStatus, detail?: TransportStatusDetail) => void

export class MemoryRoom implements TransportRoom, HubRoom {
  /** The client's view: what it was last told, or is about to be told. */
  status: TransportStatus = 'connecting'
  /** The current server-side membership; undefined until joined and after leaving. */
  member: Membership | undefined
  /** Bumped on every join attempt and on close, so a stale scheduled join does nothing. */
  joinAttempt = 0
  buffer: BufferedPush[] = []

  private readonly presenceListeners = new Set<{ fn: (event: PresenceEvent) => void }>()
  private readonly statusListeners = new Set<{ fn: StatusListener }>()
  private readonly messageListeners = new Map<string, Set<{ fn: (payload: unknown) => void }>>()

  constructor(
    readonly conn: Connection,
    readonly topic: Topic,
    readonly key: string,
    private readonly host: RoomHost,
  ) {}

  track(meta: unknown): Promise<void> {
    if (!isPlainObject(meta)) {
      return Promise.reject(new TypeError('Presence track payload must be a map'))
    }
    let wire: string | undefined
    try {
      wire = toWire(meta)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.host.push(this, { kind: 'track', wire: wire! })
  }

  untrack(): Promise<void> {
    return this.host.push(this, { kind: 'untrack' })
  }

  send(event: string, payload: unknown): Promise<void> {
    let wire: string | undefined
    try {
      wire = toWire(payload)
    } catch (error) {
      return Promise.reject(error)
    }
    return this.host.push(this, { kind: 'broadcast', event, wire })
  }

  close(): Promise<void> {
    return this.host.close(this)
  }

  onPresence(listener: (event: PresenceEvent) => void): () => void {
    return subscribe(this.presenceListeners, listener)
  }

  onStatus(listener: StatusListener): () => void {
    return subscribe(this.statusListeners, listener)
  }

  onMessage(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.messageListeners.get(event)
    if (!set) {
      set = new Set()
      this.messageListeners.set(event, set)
    }
    return subscribe(set, listener)
  }

  /** Events of one delivery (an update is a join and a leave) reach each listener in order. */
  dispatchPresence(events: readonly PresenceEvent[]): void {
    for (const event of events) this.call(this.presenceListeners, (fn) => fn(event))
  }

  dispatchStatus(status: TransportStatus, detail?: TransportStatusDetail): void {
    this.call(this.statusListeners, (fn) =>
      detail === undefined ? fn(status) : fn(status, detail),
    )
  }

  dispatchMessage(event: string, payload: unknown): void {
    const set = this.messageListeners.get(event)
    if (set) this.call(set, (fn) => fn(payload))
  }

  // A snapshot of the set, so a listener that unsubscribes another mid-delivery is respected.
  private call<F>(set: Set<{ fn: F }>, invoke: (fn: F) => void): void {
    for (const entry of [...set]) {
      if (!set.has(entry)) continue
      try {
        invoke(entry.fn)
      } catch (error) {
        this.host.listenerFailed(error)
      }
    }
  }
}

function subscribe<F>(set: Set<{ fn: F }>, fn: F): () => void {
  const entry = { fn }
  set.add(entry)
  return () => {
    set.delete(entry)
  }
}
