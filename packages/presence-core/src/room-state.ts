/**
 * Room state (DESIGN rules 3, 5, 6, 7): applies sync/join/leave from a transport and expires
 * leases on the observer's clock. Pure in time (`now` is an argument) and returns `{state,
 * changes}`; a change to one member costs O(log n) and leaves every other member's object as it
 * was. A state must be used linearly: pass on the one returned, never reuse an older one.
 */
import { aggregateMember, nextMemberChangeAt, type SessionEntry } from './aggregation.js'
import { DeadlineQueue } from './deadline-queue.js'
import {
  isValidPresenceKey,
  META_LIMITS,
  parseSessionMeta,
  type SessionMeta,
} from './meta-schema.js'
import { PersistentMap } from './persistent-map.js'
import type { PresenceEvent, PresenceState, TransportMeta } from './ports.js'
import type { MemberPresence, RoomChange, RoomSnapshot, Status } from './types.js'
import { compareIds } from './util.js'

export interface RoomStateOptions {
  /** Keep members whose sessions all left, as `offline` with their last-seen time. Default true. */
  readonly retainOffline?: boolean
  /** Bounds applied to the lease a session asks for, in ms. */
  readonly minLeaseMs?: number
  readonly maxLeaseMs?: number
}

/** A meta that was dropped: reported through the client's `error` event, never stored. */
export interface RejectedMeta {
  readonly key: string
  readonly ref?: string
  readonly reason: string
}

/** What a state holds for one presence key: its live sessions and the member they make. */
interface Held {
  readonly _entries: readonly SessionEntry[]
  /** Offline (no sessions) only while `retainOffline` keeps them; never absent. */
  readonly _member: MemberPresence
  /** The last valid meta heard under this key: a new one is checked where it differs from it. */
  readonly _last: SessionMeta | undefined
}

export interface RoomState {
  readonly snapshot: RoomSnapshot
  /**
   * @internal one value per presence key, so a change copies one path of one map. The snapshot
   * reads its members from the same map (as it was when the snapshot was made).
   */
  readonly held: PersistentMap<Held>
  /** @internal refs whose lease ran out; a sync in the same connection does not revive them */
  readonly expired: PersistentMap<string>
  /** @internal */ readonly queue: DeadlineQueue
  /** @internal */ readonly options: Required<RoomStateOptions>
}

export interface RoomUpdate {
  readonly state: RoomState
  readonly changes: RoomChange
  readonly rejected: readonly RejectedMeta[]
}

const ZERO_COUNTS: Readonly<Record<Status, number>> = Object.freeze({
  online: 0,
  idle: 0,
  away: 0,
  busy: 0,
  offline: 0,
})

const NONE: readonly SessionEntry[] = []

class Snapshot implements RoomSnapshot {
  private _sorted: readonly MemberPresence[] | undefined

  readonly _held: PersistentMap<Held>

  constructor(
    readonly roomId: string,
    readonly version: number,
    held: PersistentMap<Held>,
    readonly counts: Readonly<Record<Status, number>>,
  ) {
    this._held = held
  }

  get size(): number {
    return this._held.size
  }

  member(userId: string): MemberPresence | undefined {
    return this._held.get(userId)?._member
  }

  has(userId: string): boolean {
    return this._held.has(userId)
  }

  *values(): IterableIterator<MemberPresence> {
    for (const held of this._held.values()) yield held._member
  }

  [Symbol.iterator](): IterableIterator<MemberPresence> {
    return this.values()
  }

  toArray(): readonly MemberPresence[] {
    this._sorted ??= Object.freeze(
      Array.from(this.values()).sort((a, b) => compareIds(a.userId, b.userId)),
    )
    return this._sorted
  }
}

export function createRoomState(roomId: string, options: RoomStateOptions = {}): RoomState {
  return {
    snapshot: new Snapshot(roomId, 0, PersistentMap.empty(), ZERO_COUNTS),
    held: PersistentMap.empty(),
    expired: PersistentMap.empty(),
    queue: new DeadlineQueue(),
    options: {
      retainOffline: options.retainOffline ?? true,
      minLeaseMs: options.minLeaseMs ?? META_LIMITS.minLeaseMs,
      maxLeaseMs: options.maxLeaseMs ?? META_LIMITS.maxLeaseMs,
    },
  }
}

/** The live sessions of `key` (the client reads them to adopt its own settings). */
export function sessionsOf(state: RoomState, key: string): readonly SessionEntry[] {
  return state.held.get(key)?._entries ?? NONE
}

const NO_MEMBERS: readonly MemberPresence[] = Object.freeze([])
const NO_CHANGES: RoomChange = Object.freeze({
  joined: NO_MEMBERS,
  left: NO_MEMBERS,
  updated: NO_MEMBERS,
})
const NO_REJECTS: readonly RejectedMeta[] = []

/** Collects per-key work during one apply and turns it into a new state plus changes. */
class Batch {
  _held: PersistentMap<Held>
  _expired: PersistentMap<string>
  _counts: Record<Status, number> | undefined
  _changes: { -readonly [K in keyof RoomChange]: RoomChange[K] } = NO_CHANGES
  _rejected: RejectedMeta[] | undefined

  readonly _base: RoomState
  readonly _now: number

  constructor(base: RoomState, now: number) {
    this._base = base
    this._now = now
    this._held = base.held
    this._expired = base.expired
  }

  _reject(rejected: RejectedMeta): void {
    if (this._rejected) this._rejected.push(rejected)
    else this._rejected = [rejected]
  }

  /** Records an invalid key in a printable, bounded form; never String() (it throws on null-prototype objects). */
  _rejectKey(key: unknown): void {
    const shown = typeof key === 'string' ? key.slice(0, 64) : `(${typeof key})`
    this._reject({ key: shown, reason: 'invalid presence key' })
  }

  /**
   * Validates a transport meta into a session entry, or records why it was dropped. A meta is
   * checked only where it differs from the last one of its session (`entries`), or else of its key.
   */
  _admit(
    key: string,
    item: unknown,
    entries: readonly SessionEntry[],
    last: SessionMeta | undefined,
    previous?: SessionEntry,
  ): SessionEntry | undefined {
    const ref = refOf(item)
    if (!ref) {
      this._reject({ key, reason: 'meta without a transport ref' })
      return undefined
    }
    const raw = (item as TransportMeta).meta
    const session = typeof raw === 'object' && raw ? (raw as { session?: unknown }).session : raw
    for (const entry of entries) if (entry.meta.session === session) last = entry.meta
    const parsed = parseSessionMeta(raw, last)
    if (!parsed.ok) {
      this._reject({ key, ref, reason: parsed.issues })
      return undefined
    }
    const { minLeaseMs, maxLeaseMs } = this._base.options
    const lease = Math.min(maxLeaseMs, Math.max(minLeaseMs, parsed.meta.lease))
    const heardAt = previous?.ref === ref ? previous.heardAt : this._now
    return { key, ref, meta: parsed.meta, heardAt, leaseUntil: heardAt + lease }
  }

  /**
   * Gives `key` these live sessions (`held` is what it had) and re-derives its member: a new
   * member only when something a person sees changed, and then recorded as a change.
   */
  _commit(
    key: string,
    held: Held | undefined,
    entries: readonly SessionEntry[],
    last = held?._last,
  ): void {
    const now = this._now
    const previous = held?._member
    const member = aggregateMember(key, entries, now, previous)
    let deadline = nextMemberChangeAt(entries, now)
    for (const entry of entries) {
      if (deadline === undefined || entry.leaseUntil < deadline) deadline = entry.leaseUntil
    }
    if (deadline !== undefined) this._base.queue.schedule(key, deadline)
    if (member === previous) {
      if (entries !== held!._entries || last !== held!._last)
        this._held = this._held.set(key, { _entries: entries, _member: member, _last: last })
      return
    }
    // A key never seen present (e.g. a join whose every meta was rejected) does not become a member.
    if (!previous && member.status === 'offline') return
    const wasPresent = !!previous && previous.status !== 'offline'
    const isPresent = member.status !== 'offline'
    const kept = isPresent || this._base.options.retainOffline
    this._held = kept
      ? this._held.set(key, { _entries: entries, _member: member, _last: last })
      : this._held.delete(key)
    const from = previous?.status
    const to = kept ? member.status : undefined
    if (from !== to) {
      this._counts ??= { ...this._base.snapshot.counts }
      if (from) this._counts[from]--
      if (to) this._counts[to]++
    }
    const kind = isPresent && !wasPresent ? 'joined' : !isPresent && wasPresent ? 'left' : 'updated'
    if (this._changes === NO_CHANGES) {
      this._changes = { joined: NO_MEMBERS, left: NO_MEMBERS, updated: NO_MEMBERS }
    }
    const changes = this._changes
    const list = changes[kind] as MemberPresence[]
    if (list.length > 0) list.push(member)
    else changes[kind] = [member]
  }

  _finish(): RoomUpdate {
    const { _base: base, _held: held, _expired: expired, _changes: changes } = this
    const { snapshot } = base
    // Every change of a member lands in one of the lists, so no lists means the same snapshot.
    const changed = changes !== NO_CHANGES
    const state =
      changed || held !== base.held || expired !== base.expired
        ? {
            ...base,
            snapshot: changed
              ? new Snapshot(
                  snapshot.roomId,
                  snapshot.version + 1,
                  held,
                  this._counts ?? snapshot.counts,
                )
              : snapshot,
            held,
            expired,
          }
        : base
    return { state, changes, rejected: this._rejected ?? NO_REJECTS }
  }
}

/** The transport ref of an item from the wire, if it has one. */
function refOf(item: unknown): string | undefined {
  const ref = typeof item === 'object' && item !== null ? (item as TransportMeta).ref : undefined
  return typeof ref === 'string' ? ref : undefined
}

/** The held entry with this ref, if any. */
function withRef(
  entries: readonly SessionEntry[],
  ref: string | undefined,
): SessionEntry | undefined {
  for (const entry of entries) if (entry.ref === ref) return entry
  return undefined
}

/** Keeps one entry per session: the highest seq wins, then the larger ref (order-independent). */
function upsertBySession(
  entries: readonly SessionEntry[],
  incoming: SessionEntry,
): readonly SessionEntry[] {
  let i = 0
  while (i < entries.length && entries[i]!.meta.session !== incoming.meta.session) i++
  if (i === entries.length) return entries.concat(incoming)
  const current = entries[i]!
  const newer =
    incoming.meta.seq > current.meta.seq ||
    (incoming.meta.seq === current.meta.seq && incoming.ref > current.ref)
  if (!newer) return entries
  const next = entries.slice()
  next[i] = incoming
  return next
}

/** A join for one key: new metas are added, a newer meta of a known session replaces the older. */
export function applyJoin(
  state: RoomState,
  key: string,
  metas: readonly TransportMeta[],
  now: number,
): RoomUpdate {
  const batch = new Batch(state, now)
  if (!isValidPresenceKey(key)) {
    batch._rejectKey(key)
    return batch._finish()
  }
  const held = batch._held.get(key)
  const before = held?._entries ?? NONE
  let entries = before
  let last = held?._last
  for (const item of Array.isArray(metas) ? metas : NONE) {
    const ref = refOf(item)
    if (ref !== undefined && (withRef(before, ref) || batch._expired.has(ref))) continue
    const entry = batch._admit(key, item, entries, last)
    if (!entry) continue
    entries = upsertBySession(entries, entry)
    last = entry.meta
  }
  if (entries !== before) batch._commit(key, held, entries, last)
  return batch._finish()
}

/** A leave for one key: the metas with these refs are gone. Unknown refs are ignored. */
export function applyLeave(
  state: RoomState,
  key: string,
  metas: readonly TransportMeta[],
  now: number,
): RoomUpdate {
  const batch = new Batch(state, now)
  const list = Array.isArray(metas) ? metas : NONE
  for (const item of list) {
    // An expired ref is no longer held: its leave only means it need not be remembered.
    const ref = refOf(item)
    if (ref !== undefined) batch._expired = batch._expired.delete(ref)
  }
  const held = batch._held.get(key)
  const before = held?._entries ?? NONE
  const live = before.filter((e) => !list.some((item) => refOf(item) === e.ref))
  if (live.length < before.length) batch._commit(key, held, live)
  return batch._finish()
}

export interface SyncOptions {
  /**
   * The first sync after (re)joining: nothing was heard while disconnected, so every session gets
   * a fresh lease and earlier expiries are forgotten (the transport's state is authoritative).
   */
  readonly fresh?: boolean
}

/** A full state: computes what joined and left since the current state and applies it. */
export function applySync(
  state: RoomState,
  incoming: PresenceState,
  now: number,
  options: SyncOptions = {},
): RoomUpdate {
  const batch = new Batch(state, now)
  if (options.fresh) batch._expired = PersistentMap.empty()
  const seen = new Set<string>()
  const seenRefs = new Set<string>()
  const source = typeof incoming === 'object' && incoming !== null ? incoming : {}
  for (const key of Object.keys(source)) {
    const metas = source[key]
    if (!isValidPresenceKey(key)) {
      batch._rejectKey(key)
      continue
    }
    seen.add(key)
    const held = batch._held.get(key)
    const before = held?._entries ?? NONE
    let entries = NONE
    let last = held?._last
    for (const item of Array.isArray(metas) ? metas : NONE) {
      const ref = refOf(item)
      if (ref !== undefined) {
        seenRefs.add(ref)
        if (batch._expired.has(ref)) continue
      }
      const previous = withRef(before, ref)
      const entry =
        previous && !options.fresh
          ? previous
          : batch._admit(key, item, before, last, options.fresh ? undefined : previous)
      if (!entry) continue
      entries = upsertBySession(entries, entry)
      if (entry !== previous) last = entry.meta
    }
    if (entries.length !== before.length || entries.some((e, i) => e !== before[i]))
      batch._commit(key, held, entries, last)
  }
  // Persistent maps: iterating one while the batch replaces it is safe.
  for (const key of batch._held.keys()) {
    const held = batch._held.get(key)!
    if (!seen.has(key) && held._entries.length > 0) batch._commit(key, held, NONE)
  }
  for (const ref of batch._expired.keys())
    if (!seenRefs.has(ref)) batch._expired = batch._expired.delete(ref)
  return batch._finish()
}

export function applyPresenceEvent(
  state: RoomState,
  event: PresenceEvent,
  now: number,
  options?: SyncOptions,
): RoomUpdate {
  switch (event.type) {
    case 'sync':
      return applySync(state, event.state, now, options)
    case 'join':
      return applyJoin(state, event.key, event.metas, now)
    case 'leave':
      return applyLeave(state, event.key, event.metas, now)
  }
}

/**
 * Expires what is due at `now`: sessions past their lease go (shown offline even before the
 * transport reports their leave; a ghost never lingers), and expiring custom statuses or calendar
 * windows re-derive their member.
 */
export function expireLeases(state: RoomState, now: number): RoomUpdate {
  const batch = new Batch(state, now)
  for (const key of state.queue.takeDue(now)) {
    const held = batch._held.get(key)
    if (!held) continue
    const entries = held._entries
    const live = entries.filter((e) => e.leaseUntil > now)
    for (const e of entries)
      if (e.leaseUntil <= now) batch._expired = batch._expired.set(e.ref, key)
    batch._commit(key, held, live.length < entries.length ? live : entries)
  }
  return batch._finish()
}

/** When `expireLeases` next has work to do (it may be early, never late). */
export function nextDeadline(state: RoomState): number | undefined {
  return state.queue.peek()
}

/** Rebuilds a state from scratch from one full transport state: the reference for property tests. */
export function roomStateFrom(
  roomId: string,
  incoming: PresenceState,
  now: number,
  options?: RoomStateOptions,
): RoomState {
  return applySync(createRoomState(roomId, options), incoming, now).state
}
