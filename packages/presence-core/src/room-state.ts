/**
 * Room state (DESIGN rules 3, 5, 6, 7): applies sync/join/leave from a transport and expires
 * leases on the observer's clock. Pure in time (`now` is an argument) and returns `{state,
 * changes}`; a change to one member costs O(log n) and leaves every other member's object as it
 * was. A state is a value: deadlines are data in it (one per member) and each update lists the
 * ones it set, so any state, older ones included, can be applied to again without changing another.
 */
import { aggregateMember, nextMemberChangeAt, type SessionEntry } from './aggregation.js'
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
  readonly entries: readonly SessionEntry[]
  /** Offline (no sessions) only while `retainOffline` keeps them; never absent. */
  readonly member: MemberPresence
  /** The last valid meta heard under this key: a new one is checked where it differs from it. */
  readonly last: SessionMeta | undefined
  /** When to look at this key again: its earliest lease end or time-bound status; none if absent. */
  readonly deadline: number | undefined
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
  /** @internal as given: the defaults apply where an option is read */
  readonly options: RoomStateOptions
}

/** A member's new deadline (see `expireLeases`); `at` is undefined when it has none any more. */
export interface RoomDeadline {
  readonly key: string
  readonly at: number | undefined
}

export interface RoomUpdate {
  readonly state: RoomState
  readonly changes: RoomChange
  readonly rejected: readonly RejectedMeta[]
  /** The deadlines this update set, moved or cleared: what a shell's timer heap is fed. */
  readonly deadlines: readonly RoomDeadline[]
}

const NO_CHANGES: RoomChange = Object.freeze({ joined: NONE, left: NONE, updated: NONE })

type Counts = Record<Status, number>

/** What a transport sent as a list, or an empty list when it sent something else. */
const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : NONE)

/** What UIs read of one state: its members come from the map the state had when it was made. */
class Snapshot implements RoomSnapshot {
  declare readonly roomId: string
  declare readonly version: number
  declare readonly counts: Readonly<Counts>
  declare readonly size: number
  readonly #held: PersistentMap<Held>
  #sorted: readonly MemberPresence[] | undefined

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
    this.#held = held
  }

  member(userId: string): MemberPresence | undefined {
    return this.#held.get(userId)?.member
  }

  has(userId: string): boolean {
    return this.#held.has(userId)
  }

  *values(): IterableIterator<MemberPresence> {
    for (const held of this.#held.values()) yield held.member
  }

  [Symbol.iterator](): IterableIterator<MemberPresence> {
    return this.values()
  }

  toArray(): readonly MemberPresence[] {
    this.#sorted ??= Object.freeze(
      Array.from(this.values()).sort((a, b) => compareIds(a.userId, b.userId)),
    )
    return this.#sorted
  }
}

export function createRoomState(roomId: string, options: RoomStateOptions = {}): RoomState {
  const empty = PersistentMap.empty<never>()
  const counts = Object.freeze({ online: 0, idle: 0, away: 0, busy: 0, offline: 0 })
  return {
    snapshot: new Snapshot(roomId, 0, empty, counts),
    held: empty,
    expired: empty,
    options,
  }
}

/** The live sessions of `key` (the client reads them to adopt its own settings). */
export function sessionsOf(state: RoomState, key: string): readonly SessionEntry[] {
  return state.held.get(key)?.entries ?? NONE
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
  held: PersistentMap<Held>
  expired: PersistentMap<string>
  /** Whether a member changed: the snapshot is then a new one. */
  #changed: boolean
  /** The new counts, once a member's status changed (an update within a status keeps them). */
  #counts: Counts | undefined
  readonly #changes: Record<keyof RoomChange, MemberPresence[]>
  readonly #rejected: RejectedMeta[]
  readonly #base: RoomState
  readonly #now: number
  #deadlines: RoomDeadline[] | undefined

  constructor(base: RoomState, now: number) {
    this.#base = base
    this.#now = now
    this.held = base.held
    this.expired = base.expired
    this.#changes = { joined: [], left: [], updated: [] }
    this.#rejected = []
    this.#changed = false
  }

  /**
   * Merges the metas a join or a sync lists for `key`. A join adds them to the sessions held; a
   * sync (`seen` collects its refs) replaces those, keeping the entry of a ref already held unless
   * the sync is `fresh`. Refs that expired are not revived.
   */
  merge(key: unknown, metas: unknown, seen?: Set<string>, fresh?: boolean): void {
    if (!isValidPresenceKey(key)) {
      // Printable and bounded; never String() (it throws on null-prototype objects).
      const shown = typeof key === 'string' ? key.slice(0, 64) : `(${typeof key})`
      this.#rejected.push({ key: shown, reason: 'invalid presence key' })
      return
    }
    const held = this.held.get(key)
    const before = held?.entries ?? NONE
    let entries = seen ? NONE : before
    let last = held?.last
    for (const item of listOf(metas)) {
      const ref = refOf(item)
      if (ref !== undefined) {
        seen?.add(ref)
        if (this.expired.has(ref)) continue
      }
      let entry = fresh ? undefined : withRef(before, ref)
      if (!entry) {
        entry = this.#admit(key, item, before, last)
        if (!entry) continue
        last = entry.meta
      }
      entries = upsertBySession(entries, entry)
    }
    if (!sameItems(entries, before)) this.commit(key, held, entries, last)
  }

  /**
   * Validates a transport meta into a session entry, or records why it was dropped. A meta is
   * checked only where it differs from the last one of its session (in `held`), or else of its key.
   */
  #admit(
    key: string,
    item: unknown,
    held: readonly SessionEntry[],
    last: SessionMeta | undefined,
  ): SessionEntry | undefined {
    const ref = refOf(item)
    if (!ref) {
      this.#rejected.push({ key, reason: 'meta without a transport ref' })
      return
    }
    const raw = (item as TransportMeta).meta
    const session = (raw as { session?: unknown } | null)?.session
    for (const entry of held) if (entry.meta.session === session) last = entry.meta
    const parsed = parseSessionMeta(raw, last)
    if (!parsed.ok) {
      this.#rejected.push({ key, ref, reason: parsed.issues })
      return
    }
    // The meta's lease is already within META_LIMITS: only bounds set in the options can change it.
    const { minLeaseMs = 0, maxLeaseMs = Infinity } = this.#base.options
    const now = this.#now
    const lease = Math.min(maxLeaseMs, Math.max(minLeaseMs, parsed.meta.lease))
    return { key, ref, meta: parsed.meta, heardAt: now, leaseUntil: now + lease }
  }

  /**
   * Gives `key` these live sessions (`held` is what it had) and re-derives its member: a new
   * member only when something a person sees changed, and then recorded as a change.
   */
  commit(
    key: string,
    held: Held | undefined,
    entries: readonly SessionEntry[],
    last = held?.last,
  ): void {
    const now = this.#now
    const previous = held?.member
    const member = aggregateMember(key, entries, now, previous)
    let earliest = nextMemberChangeAt(entries, now) ?? Infinity
    for (const entry of entries) earliest = Math.min(earliest, entry.leaseUntil)
    // A key never seen present (e.g. a join whose every meta was rejected) does not become a member.
    if (!previous && member.status === 'offline') return
    const isPresent = member.status !== 'offline'
    const kept = isPresent || this.#base.options.retainOffline !== false
    const deadline = kept && earliest < Infinity ? earliest : undefined
    if (deadline !== held?.deadline) this.#report(key, deadline)
    if (!kept) this.held = this.held.delete(key)
    else if (
      member !== previous ||
      entries !== held!.entries ||
      last !== held!.last ||
      deadline !== held!.deadline
    )
      this.held = this.held.set(key, { entries, member, last, deadline })
    if (member === previous) return
    this.#changed = true
    const from = previous?.status
    if (from !== member.status || !kept) {
      this.#counts ??= { ...this.#base.snapshot.counts }
      if (from) this.#counts[from]--
      if (kept) this.#counts[member.status]++
    }
    const wasPresent = !!from && from !== 'offline'
    this.#changes[isPresent === wasPresent ? 'updated' : isPresent ? 'joined' : 'left'].push(member)
  }

  /**
   * Looks at `key` if its deadline has come: sessions past their lease go, and its member is
   * re-derived. A key not due yet is reported with its deadline again (the caller took it as due).
   */
  expire(key: string): void {
    const held = this.held.get(key)
    if (held?.deadline === undefined) return
    const now = this.#now
    if (held.deadline > now) {
      this.#report(key, held.deadline)
      return
    }
    const entries = held.entries
    const live = entries.filter((e) => e.leaseUntil > now)
    for (const e of entries) if (e.leaseUntil <= now) this.expired = this.expired.set(e.ref, key)
    this.commit(key, held, live.length < entries.length ? live : entries)
  }

  /** Lists `key`'s new deadline in the update (the list is made on the first one). */
  #report(key: string, at: number | undefined): void {
    if (this.#deadlines) this.#deadlines.push({ key, at })
    else this.#deadlines = [{ key, at }]
  }

  finish(): RoomUpdate {
    const { held, expired } = this
    const base = this.#base
    const changed = this.#changed
    const { snapshot } = base
    const state =
      changed || held !== base.held || expired !== base.expired
        ? {
            ...base,
            snapshot: changed
              ? new Snapshot(
                  snapshot.roomId,
                  snapshot.version + 1,
                  held,
                  this.#counts ? Object.freeze(this.#counts) : snapshot.counts,
                )
              : snapshot,
            held,
            expired,
          }
        : base
    return {
      state,
      changes: this.#changes,
      rejected: this.#rejected,
      deadlines: this.#deadlines ?? NONE,
    }
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
  batch.merge(key, metas)
  return batch.finish()
}

/** A leave for one key: the metas with these refs are gone. Unknown refs are ignored. */
export function applyLeave(
  state: RoomState,
  key: string,
  metas: readonly TransportMeta[],
  now: number,
): RoomUpdate {
  const refs = listOf(metas).map(refOf)
  const held = state.held.get(key)
  const before = held?.entries ?? NONE
  const live = before.filter((e) => !refs.includes(e.ref))
  // Most leaves change nothing: an update's leave names the ref its join already replaced.
  if (live.length === before.length && !refs.some((ref) => ref && state.expired.has(ref)))
    return { state, changes: NO_CHANGES, rejected: NONE, deadlines: NONE }
  const batch = new Batch(state, now)
  // An expired ref is no longer held: its leave only means it need not be remembered.
  for (const ref of refs) if (ref !== undefined) batch.expired = batch.expired.delete(ref)
  if (live.length < before.length) batch.commit(key, held, live)
  return batch.finish()
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
  if (fresh) batch.expired = PersistentMap.empty()
  const refs = new Set<string>()
  const source = typeof incoming === 'object' && incoming ? incoming : {}
  for (const key of Object.keys(source)) batch.merge(key, source[key], refs, fresh)
  // Keys the sync does not list have left. A persistent map can be iterated while it is replaced.
  for (const [key, held] of batch.held.entries())
    if (!Object.hasOwn(source, key) && held.entries.length > 0) batch.commit(key, held, NONE)
  for (const ref of batch.expired.keys())
    if (!refs.has(ref)) batch.expired = batch.expired.delete(ref)
  return batch.finish()
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
 * windows re-derive their member. `due` is the keys a shell's timer heap (fed each update's
 * `deadlines`) says are due, so the cost is theirs alone; without it every member's deadline is
 * read. Either way only keys due in this state change, whichever state it is.
 */
export function expireLeases(state: RoomState, now: number, due?: Iterable<string>): RoomUpdate {
  const batch = new Batch(state, now)
  for (const key of due ?? dueKeys(state, now)) batch.expire(key)
  return batch.finish()
}

/** The keys due at `now` in this state, earliest deadline first. */
function dueKeys(state: RoomState, now: number): string[] {
  const due: [string, number][] = []
  for (const [key, { deadline }] of state.held.entries())
    if (deadline !== undefined && deadline <= now) due.push([key, deadline])
  return due.sort((a, b) => a[1] - b[1]).map(([key]) => key)
}

/**
 * When `expireLeases` next has work to do: the earliest deadline of this state's members. It reads
 * every member; a shell keeps a heap of the updates' `deadlines` instead.
 */
export function nextDeadline(state: RoomState): number | undefined {
  let earliest: number | undefined
  for (const { deadline } of state.held.values())
    if (deadline !== undefined && (earliest === undefined || deadline < earliest))
      earliest = deadline
  return earliest
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
