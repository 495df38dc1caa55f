/**
 * Room state (DESIGN rules 3, 5, 6, 7): applies sync/join/leave from a transport and expires
 * leases on the observer's clock. Pure in time (`now` is an argument) and returns `{state,
 * changes}`; a change to one member costs O(log n) and leaves every other member's object as it
 * was. A state must be used linearly: pass on the one returned, never reuse an older one.
 */
import { aggregateMember, nextMemberChangeAt, type SessionEntry } from './aggregation.js'
import { DeadlineQueue } from './deadline-queue.js'
import { isValidPresenceKey, parseSessionMeta, type SessionMeta } from './meta-schema.js'
import { PersistentMap } from './persistent-map.js'
import type { PresenceEvent, PresenceState, TransportMeta } from './ports.js'
import type { MemberPresence, RoomChange, RoomSnapshot, Status } from './types.js'
import { compareIds, NONE, sameItems } from './util.js'

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
  readonly _held: PersistentMap<Held>
  /** @internal refs whose lease ran out; a sync in the same connection does not revive them */
  readonly _expired: PersistentMap<string>
  /** @internal */ readonly _queue: DeadlineQueue
  /** @internal as given: the defaults apply where an option is read */
  readonly _options: RoomStateOptions
}

export interface RoomUpdate {
  readonly state: RoomState
  readonly changes: RoomChange
  readonly rejected: readonly RejectedMeta[]
}

const NO_CHANGES: RoomChange = Object.freeze({ joined: NONE, left: NONE, updated: NONE })

type Counts = Record<Status, number>

/**
 * A copy of `counts` made as a literal: five fields in the object itself. (A spread copy came out
 * half as large again, and a snapshot keeps its counts until the room's next status change.)
 */
const copyCounts = (c: Readonly<Counts>): Counts => ({
  online: c.online,
  idle: c.idle,
  away: c.away,
  busy: c.busy,
  offline: c.offline,
})

/** What a transport sent as a list, or an empty list when it sent something else. */
const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : NONE)

/** What UIs read of one state: its members come from the map the state had when it was made. */
class Snapshot implements RoomSnapshot {
  declare readonly roomId: string
  declare readonly version: number
  declare readonly counts: Readonly<Counts>
  declare readonly size: number
  declare readonly _held: PersistentMap<Held>
  declare _sorted: readonly MemberPresence[] | undefined

  constructor(
    roomId: string,
    version: number,
    held: PersistentMap<Held>,
    counts: Readonly<Counts>,
  ) {
    this.roomId = roomId
    this.version = version
    this.counts = counts
    this.size = held.size
    this._held = held
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
  const empty = PersistentMap.empty<never>()
  const counts = Object.freeze({ online: 0, idle: 0, away: 0, busy: 0, offline: 0 })
  return {
    snapshot: new Snapshot(roomId, 0, empty, counts),
    _held: empty,
    _expired: empty,
    _queue: new DeadlineQueue(),
    _options: options,
  }
}

/** The live sessions of `key` (the client reads them to adopt its own settings). */
export function sessionsOf(state: RoomState, key: string): readonly SessionEntry[] {
  return state._held.get(key)?._entries ?? NONE
}

/** The transport ref of an item from the wire, if it has one. */
function refOf(item: unknown): string | undefined {
  const ref = (item as TransportMeta | null)?.ref
  return typeof ref === 'string' ? ref : undefined
}

/** The held entry with this ref, if any. */
function withRef(entries: readonly SessionEntry[], ref: string | undefined) {
  return entries.find((entry) => entry.ref === ref)
}

/** Keeps one entry per session: the highest seq wins, then the larger ref (order-independent). */
function upsertBySession(
  entries: readonly SessionEntry[],
  incoming: SessionEntry,
): readonly SessionEntry[] {
  const { seq, session } = incoming.meta
  const i = entries.findIndex((entry) => entry.meta.session === session)
  if (i < 0) return entries.concat(incoming)
  const current = entries[i]!
  if (seq < current.meta.seq || (seq === current.meta.seq && incoming.ref <= current.ref))
    return entries
  const next = entries.slice()
  next[i] = incoming
  return next
}

/** Collects per-key work during one apply and turns it into a new state plus changes. */
class Batch {
  declare _held: PersistentMap<Held>
  declare _expired: PersistentMap<string>
  /** Whether a member changed: the snapshot is then a new one. */
  declare _changed: boolean
  /** The new counts, once a member's status changed (an update within a status keeps them). */
  declare _counts: Counts | undefined
  declare readonly _changes: Record<keyof RoomChange, MemberPresence[]>
  declare readonly _rejected: RejectedMeta[]
  declare readonly _base: RoomState
  declare readonly _now: number

  constructor(base: RoomState, now: number) {
    this._base = base
    this._now = now
    this._held = base._held
    this._expired = base._expired
    this._changes = { joined: [], left: [], updated: [] }
    this._rejected = []
    this._changed = false
  }

  /**
   * Merges the metas a join or a sync lists for `key`. A join adds them to the sessions held; a
   * sync (`seen` collects its refs) replaces those, keeping the entry of a ref already held unless
   * the sync is `fresh`. Refs that expired are not revived.
   */
  _merge(key: unknown, metas: unknown, seen?: Set<string>, fresh?: boolean): void {
    if (!isValidPresenceKey(key)) {
      // Printable and bounded; never String() (it throws on null-prototype objects).
      const shown = typeof key === 'string' ? key.slice(0, 64) : `(${typeof key})`
      this._rejected.push({ key: shown, reason: 'invalid presence key' })
      return
    }
    const held = this._held.get(key)
    const before = held?._entries ?? NONE
    let entries = seen ? NONE : before
    let last = held?._last
    for (const item of listOf(metas)) {
      const ref = refOf(item)
      if (ref !== undefined) {
        seen?.add(ref)
        if (this._expired.has(ref)) continue
      }
      let entry = fresh ? undefined : withRef(before, ref)
      if (!entry) {
        entry = this._admit(key, item, before, last)
        if (!entry) continue
        last = entry.meta
      }
      entries = upsertBySession(entries, entry)
    }
    if (!sameItems(entries, before)) this._commit(key, held, entries, last)
  }

  /**
   * Validates a transport meta into a session entry, or records why it was dropped. A meta is
   * checked only where it differs from the last one of its session (in `held`), or else of its key.
   */
  _admit(
    key: string,
    item: unknown,
    held: readonly SessionEntry[],
    last: SessionMeta | undefined,
  ): SessionEntry | undefined {
    const ref = refOf(item)
    if (!ref) {
      this._rejected.push({ key, reason: 'meta without a transport ref' })
      return
    }
    const raw = (item as TransportMeta).meta
    const session = (raw as { session?: unknown } | null)?.session
    for (const entry of held) if (entry.meta.session === session) last = entry.meta
    const parsed = parseSessionMeta(raw, last)
    if (!parsed.ok) {
      this._rejected.push({ key, ref, reason: parsed.issues })
      return
    }
    // The meta's lease is already within META_LIMITS: only bounds set in the options can change it.
    const { minLeaseMs = 0, maxLeaseMs = Infinity } = this._base._options
    const now = this._now
    const lease = Math.min(maxLeaseMs, Math.max(minLeaseMs, parsed.meta.lease))
    return { key, ref, meta: parsed.meta, heardAt: now, leaseUntil: now + lease }
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
    let deadline = nextMemberChangeAt(entries, now) ?? Infinity
    for (const entry of entries) deadline = Math.min(deadline, entry.leaseUntil)
    if (deadline < Infinity) this._base._queue.schedule(key, deadline)
    // A key never seen present (e.g. a join whose every meta was rejected) does not become a member.
    if (!previous && member.status === 'offline') return
    const isPresent = member.status !== 'offline'
    const kept = isPresent || this._base._options.retainOffline !== false
    if (!kept) this._held = this._held.delete(key)
    else if (member !== previous || entries !== held!._entries || last !== held!._last)
      this._held = this._held.set(key, { _entries: entries, _member: member, _last: last })
    if (member === previous) return
    this._changed = true
    const from = previous?.status
    if (from !== member.status || !kept) {
      this._counts ??= copyCounts(this._base.snapshot.counts)
      if (from) this._counts[from]--
      if (kept) this._counts[member.status]++
    }
    const wasPresent = !!from && from !== 'offline'
    this._changes[isPresent === wasPresent ? 'updated' : isPresent ? 'joined' : 'left'].push(member)
  }

  _finish(): RoomUpdate {
    const { _base: base, _held: held, _expired: expired, _changed: changed } = this
    const { snapshot } = base
    const state =
      changed || held !== base._held || expired !== base._expired
        ? {
            ...base,
            snapshot: changed
              ? new Snapshot(
                  snapshot.roomId,
                  snapshot.version + 1,
                  held,
                  this._counts ? Object.freeze(this._counts) : snapshot.counts,
                )
              : snapshot,
            _held: held,
            _expired: expired,
          }
        : base
    return { state, changes: this._changes, rejected: this._rejected }
  }
}

/** A join for one key: new metas are added, a newer meta of a known session replaces the older. */
export function applyJoin(
  state: RoomState,
  key: string,
  metas: readonly TransportMeta[],
  now: number,
): RoomUpdate {
  const batch = new Batch(state, now)
  batch._merge(key, metas)
  return batch._finish()
}

/** A leave for one key: the metas with these refs are gone. Unknown refs are ignored. */
export function applyLeave(
  state: RoomState,
  key: string,
  metas: readonly TransportMeta[],
  now: number,
): RoomUpdate {
  const refs = listOf(metas).map(refOf)
  const held = state._held.get(key)
  const before = held?._entries ?? NONE
  const live = before.filter((e) => !refs.includes(e.ref))
  // Most leaves change nothing: an update's leave names the ref its join already replaced.
  if (live.length === before.length && !refs.some((ref) => ref && state._expired.has(ref)))
    return { state, changes: NO_CHANGES, rejected: NONE }
  const batch = new Batch(state, now)
  // An expired ref is no longer held: its leave only means it need not be remembered.
  for (const ref of refs) if (ref !== undefined) batch._expired = batch._expired.delete(ref)
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
  { fresh }: SyncOptions = {},
): RoomUpdate {
  const batch = new Batch(state, now)
  if (fresh) batch._expired = PersistentMap.empty()
  const refs = new Set<string>()
  const source = typeof incoming === 'object' && incoming ? incoming : {}
  for (const key of Object.keys(source)) batch._merge(key, source[key], refs, fresh)
  // Keys the sync does not list have left. A persistent map can be iterated while it is replaced.
  for (const [key, held] of batch._held.entries())
    if (!Object.hasOwn(source, key) && held._entries.length > 0) batch._commit(key, held, NONE)
  for (const ref of batch._expired.keys())
    if (!refs.has(ref)) batch._expired = batch._expired.delete(ref)
  return batch._finish()
}

export function applyPresenceEvent(
  state: RoomState,
  event: PresenceEvent,
  now: number,
  options?: SyncOptions,
): RoomUpdate {
  return event.type === 'sync'
    ? applySync(state, event.state, now, options)
    : (event.type === 'join' ? applyJoin : applyLeave)(state, event.key, event.metas, now)
}

/**
 * Expires what is due at `now`: sessions past their lease go (shown offline even before the
 * transport reports their leave; a ghost never lingers), and expiring custom statuses or calendar
 * windows re-derive their member.
 */
export function expireLeases(state: RoomState, now: number): RoomUpdate {
  const batch = new Batch(state, now)
  for (const key of state._queue.takeDue(now)) {
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
  return state._queue.peek()
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
