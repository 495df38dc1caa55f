/**
 * The memory hub's server: joins, presence calls, broadcasts and their fan-out. State changes
 * happen inside the caller's call; every delivery to a listener is scheduled (never synchronous),
 * and a delivery still in flight is discarded if its membership has ended by the time it lands.
 */
import type {
  Clock,
  OpenRoomOptions,
  PresenceEvent,
  PresenceState,
  Scheduler,
  TransportStatus,
  TransportStatusDetail,
} from '@wedsync/presence-core'
import { createFaultPlan, type FaultPlan } from './fault-plan.js'
import {
  type BufferedPush,
  type Connection,
  type HubRoom,
  type Membership,
  type PushOp,
  Topic,
  type TrackedMeta,
  topicKey,
} from './hub-model.js'
import { MemoryRoom, type RoomHost } from './memory-room.js'
import { type PresenceLimit, SlidingWindow } from './sliding-window.js'
import { canonicalJson, fromWire } from './wire.js'

/** The reason Supabase gives when it closes a channel for too many presence calls. */
export const PRESENCE_LIMIT_REASON = 'Client presence rate limit exceeded'

/** Why a track the track policy refused fails. */
export const TRACK_REFUSED_REASON = 'Unauthorized: the presence policy refused this track'

/** One membership asking to track: a join of one room by one connection. */
export interface TrackRequest {
  readonly label: string
  readonly roomId: string
  readonly private: boolean
  readonly key: string
}

/**
 * Whether a membership may track, like Supabase's RLS insert policy for `presence` on
 * `realtime.messages`: asked at the membership's first track under a policy and kept for the
 * membership's life (a rejoin asks again). A refused track tracks nothing (a refused call still
 * counts against the presence limit); the channel stays joined.
 */
export type TrackPolicy = (request: TrackRequest) => boolean

export interface HubStats {
  /** Track calls the hub accepted, identical re-tracks included. */
  readonly tracks: number
  readonly untracks: number
  readonly broadcasts: number
  /** Presence events (sync, join, leave) and broadcasts handed to a room's listeners. */
  readonly deliveries: number
  /** Rooms closed for exceeding the presence-call limit. */
  readonly presenceLimitHits: number
  /** Deliveries and pushes lost to faults, partitions or a disconnected connection. */
  readonly dropped: number
}

export interface EngineOptions {
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly presenceLimit: PresenceLimit | undefined
  readonly pushTimeoutMs: number
  readonly echoBroadcast: boolean
  readonly onListenerError: ((error: unknown) => void) | undefined
}

type Counters = { -readonly [K in keyof HubStats]: number }

export class HubEngine implements RoomHost {
  readonly connections = new Map<string, Connection>()
  readonly counters: Counters = {
    tracks: 0,
    untracks: 0,
    broadcasts: 0,
    deliveries: 0,
    presenceLimitHits: 0,
    dropped: 0,
  }
  faults: FaultPlan
  trackPolicy: TrackPolicy | undefined = undefined
  /** Unordered label pairs ("a\u0000b", sorted) that cannot reach each other. */
  readonly partitions = new Set<string>()
  private readonly topics = new Map<string, Topic>()
  private readonly timers = new Set<() => void>()
  private refSeq = 0
  private disposed = false

  constructor(private readonly options: EngineOptions) {
    this.faults = createFaultPlan({}, () => 0) // no faults: draws nothing
  }

  /** Schedules through the injected scheduler, remembering the timer so `dispose` can cancel it. */
  schedule(delayMs: number, task: () => void): () => void {
    if (this.disposed) return () => undefined
    const cancelTimer = this.options.scheduler.schedule(delayMs, () => {
      this.timers.delete(cancel)
      task()
    })
    const cancel = (): void => {
      this.timers.delete(cancel)
      cancelTimer()
    }
    this.timers.add(cancel)
    return cancel
  }

  dispose(): void {
    this.disposed = true
    for (const cancel of [...this.timers]) cancel()
  }

  openRoom(conn: Connection, roomId: string, options: OpenRoomOptions): MemoryRoom {
    if (this.disposed) throw new Error('the memory hub was disposed')
    if (typeof roomId !== 'string' || roomId === '') throw new TypeError('a room id is required')
    if (typeof options.key !== 'string' || options.key === '') {
      throw new TypeError('a presence key is required')
    }
    const topic = this.topic(roomId, options.private === true)
    // A second join of the same topic on one socket replaces the first, as Phoenix does.
    for (const other of conn.rooms) if (other.topic === topic) void this.close(other)
    const room = new MemoryRoom(conn, topic, options.key, this)
    conn.rooms.add(room)
    this.emitStatus(room, 'connecting', 0)
    if (conn.mode === 'up') this.beginJoin(room)
    return room
  }

  /** Joins after one latency; a later attempt, a close or a lost connection cancels it. */
  beginJoin(room: HubRoom): void {
    const attempt = ++room.joinAttempt
    this.schedule(this.faults.latencyMs, () => {
      if (room.joinAttempt !== attempt || room.status === 'closed' || room.conn.mode !== 'up')
        return
      this.join(room)
    })
  }

  emitStatus(
    room: HubRoom,
    status: TransportStatus,
    delayMs: number,
    detail?: TransportStatusDetail,
  ): void {
    this.schedule(delayMs, () => room.dispatchStatus(status, detail))
  }

  push(room: HubRoom, op: PushOp): Promise<void> {
    if (room.status === 'closed' || room.status === 'error') {
      return Promise.reject(new Error('the room is closed'))
    }
    if (room.status !== 'joined') return this.bufferPush(room, op)
    if (room.conn.mode === 'silent') return this.dropPush(op)
    const member = room.member
    if (!member) return this.bufferPush(room, op)
    try {
      this.apply(member, op)
    } catch (error) {
      return Promise.reject(error)
    }
    return Promise.resolve()
  }

  close(room: HubRoom): Promise<void> {
    if (room.status === 'closed') return Promise.resolve()
    const member = room.member
    this.closeLocally(room)
    // On a silent connection the leave never reaches the server: the meta stays as a ghost.
    if (member && room.conn.mode === 'up') this.removeMember(member)
    this.emitStatus(room, 'closed', 0)
    return Promise.resolve()
  }

  listenerFailed(error: unknown): void {
    const report = this.options.onListenerError
    if (report) report(error)
    // Thrown from a microtask so the test runner reports it while delivery to others goes on.
    else
      queueMicrotask(() => {
        throw error
      })
  }

  /** Removes a membership from its topic; others get the leave of its meta. */
  removeMember(member: Membership): void {
    member.topic.members.delete(member)
    member.conn.members.delete(member)
    if (member.room.member === member) member.room.member = undefined
    const previous = member.topic.clearMeta(member)
    if (previous) this.fanoutPresence(member, 1, () => [leaveOf(member.key, previous)])
  }

  removeAllMembers(conn: Connection): void {
    for (const member of [...conn.members]) this.removeMember(member)
  }

  /** Sends the membership a full `sync` of its topic as it is now. */
  sendSync(member: Membership): void {
    const state = member.topic.state()
    this.deliver(member, false, 1, () => member.room.dispatchPresence([{ type: 'sync', state }]))
  }

  state(roomId: string, isPrivate: boolean): PresenceState {
    return this.topics.get(topicKey(roomId, isPrivate))?.state() ?? Object.create(null)
  }

  private topic(roomId: string, isPrivate: boolean): Topic {
    const key = topicKey(roomId, isPrivate)
    let topic = this.topics.get(key)
    if (!topic) {
      topic = new Topic(roomId, isPrivate)
      this.topics.set(key, topic)
    }
    return topic
  }

  private join(room: HubRoom): void {
    const limit = this.options.presenceLimit
    const member: Membership = {
      conn: room.conn,
      room,
      topic: room.topic,
      key: room.key,
      tracked: undefined,
      trackAllowed: undefined,
      calls: limit ? new SlidingWindow(limit) : undefined,
    }
    room.topic.members.add(member)
    room.conn.members.add(member)
    room.member = member
    room.status = 'joined'
    // The sync shows the state at the join; pushes buffered before it follow as ordinary diffs.
    const state = room.topic.state()
    this.flushBuffer(room)
    room.dispatchStatus('joined')
    if (room.member !== member) return // a listener closed the room or the limit closed it
    this.counters.deliveries++
    room.dispatchPresence([{ type: 'sync', state }])
  }

  private bufferPush(room: HubRoom, op: PushOp): Promise<void> {
    return new Promise((resolve, reject) => {
      const entry: BufferedPush = {
        op,
        resolve,
        reject,
        cancelTimeout: this.schedule(this.options.pushTimeoutMs, () => {
          room.buffer = room.buffer.filter((other) => other !== entry)
          reject(new Error('the push timed out before the room was joined'))
        }),
      }
      room.buffer.push(entry)
    })
  }

  private flushBuffer(room: HubRoom): void {
    const buffered = room.buffer
    room.buffer = []
    for (const entry of buffered) {
      entry.cancelTimeout()
      if (!room.member) {
        entry.reject(new Error('the room is closed'))
        continue
      }
      try {
        this.apply(room.member, entry.op)
        entry.resolve()
      } catch (error) {
        entry.reject(error)
      }
    }
  }

  // What a silent connection sends never arrives: a broadcast resolves (no ack is awaited, as in
  // realtime-js by default); a presence call waits for a reply that never comes and times out.
  private dropPush(op: PushOp): Promise<void> {
    this.counters.dropped++
    if (op.kind === 'broadcast') return Promise.resolve()
    return new Promise((_, reject) => {
      this.schedule(this.options.pushTimeoutMs, () => reject(new Error('the push timed out')))
    })
  }

  private closeLocally(room: HubRoom, reason = 'the room is closed'): void {
    room.status = 'closed'
    room.joinAttempt++
    room.conn.rooms.delete(room)
    const buffered = room.buffer
    room.buffer = []
    for (const entry of buffered) {
      entry.cancelTimeout()
      entry.reject(new Error(reason))
    }
  }

  private apply(member: Membership, op: PushOp): void {
    if (op.kind === 'broadcast') {
      this.counters.broadcasts++
      this.fanoutBroadcast(member, op.event, op.wire)
      return
    }
    if (member.calls && !member.calls.take(this.options.clock.now())) {
      this.kick(member)
      throw new Error(PRESENCE_LIMIT_REASON)
    }
    if (op.kind === 'untrack') this.untrack(member)
    else if (this.mayTrack(member)) this.track(member, op.wire)
    else throw new Error(TRACK_REFUSED_REASON)
  }

  private mayTrack(member: Membership): boolean {
    const { conn, topic, key } = member
    if (member.trackAllowed === undefined && this.trackPolicy)
      member.trackAllowed = this.trackPolicy({
        label: conn.label,
        roomId: topic.roomId,
        private: topic.isPrivate,
        key,
      })
    return member.trackAllowed !== false
  }

  private track(member: Membership, wire: string): void {
    this.counters.tracks++
    const canonical = canonicalJson(wire)
    if (member.tracked?.canonical === canonical) return // Supabase ignores an identical re-track
    const meta: TrackedMeta = { ref: `ref-${++this.refSeq}`, wire, canonical }
    const previous = member.topic.setMeta(member, meta)
    const key = member.key
    if (previous) this.fanoutPresence(member, 2, () => [joinOf(key, meta), leaveOf(key, previous)])
    else this.fanoutPresence(member, 1, () => [joinOf(key, meta)])
  }

  private untrack(member: Membership): void {
    this.counters.untracks++
    const previous = member.topic.clearMeta(member)
    if (previous) this.fanoutPresence(member, 1, () => [leaveOf(member.key, previous)])
  }

  /** Closes the room the way Supabase does: a system error, then close; no rejoin. */
  private kick(member: Membership): void {
    this.counters.presenceLimitHits++
    const room = member.room
    this.removeMember(member)
    this.closeLocally(room, PRESENCE_LIMIT_REASON)
    this.schedule(this.faults.latencyMs, () => {
      room.dispatchStatus('error', { reason: PRESENCE_LIMIT_REASON })
      room.dispatchStatus('closed')
    })
  }

  /** To every member of the topic, the source's own membership included (presence is echoed). */
  private fanoutPresence(source: Membership, count: number, build: () => PresenceEvent[]): void {
    for (const target of source.topic.members) {
      if (!this.reachable(source.conn, target.conn)) continue
      this.deliver(target, true, count, () => target.room.dispatchPresence(build()))
    }
  }

  private fanoutBroadcast(source: Membership, event: string, wire: string | undefined): void {
    for (const target of source.topic.members) {
      if (target.conn === source.conn && !this.options.echoBroadcast) continue
      if (!this.reachable(source.conn, target.conn)) continue
      this.deliver(target, true, 1, () => target.room.dispatchMessage(event, fromWire(wire)))
    }
  }

  private reachable(from: Connection, to: Connection): boolean {
    if (from === to || this.partitions.size === 0) return true
    if (!this.partitions.has(pairKey(from.label, to.label))) return true
    this.counters.dropped++
    return false
  }

  /** Schedules each copy the fault plan asks for; `faulty` false means never dropped or delayed. */
  private deliver(target: Membership, faulty: boolean, count: number, dispatch: () => void): void {
    const delays = faulty ? this.faults.delays() : [this.faults.latencyMs]
    if (delays.length === 0) this.counters.dropped++
    for (const delay of delays) {
      this.schedule(delay, () => {
        if (target.room.member !== target || target.room.status !== 'joined') return
        if (target.conn.mode !== 'up') {
          this.counters.dropped++
          return
        }
        this.counters.deliveries += count
        dispatch()
      })
    }
  }
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`
}

function joinOf(key: string, meta: TrackedMeta): PresenceEvent {
  return { type: 'join', key, metas: [{ ref: meta.ref, meta: fromWire(meta.wire) }] }
}

function leaveOf(key: string, meta: TrackedMeta): PresenceEvent {
  return { type: 'leave', key, metas: [{ ref: meta.ref, meta: fromWire(meta.wire) }] }
}
