/**
 * Which presence refs a room holds, kept from realtime-js's `join`/`leave` callbacks, and the
 * checks at the boundary. Every entry is shape-checked here: an entry without a usable
 * `presence_ref`, or under a key that is no valid user id, is dropped and returned as rejected —
 * never passed on. What is inside a meta is the core's to validate. A join or leave costs O(metas
 * in it) and is passed on as the port's `join`/`leave`.
 *
 * The metas themselves are not kept: the core holds the room. The port's `sync` after a (re)join
 * is read once from `channel.presenceState()` (a deep copy of the room, fine once per join but not
 * after every diff as the supabase-js pattern does; research §2.2), which also resets the refs. A
 * copy of every meta kept for the life of the channel would outlive a young-generation collection
 * on every update, and that is what GC time in a process holding many rooms is made of.
 */
import {
  isValidPresenceKey,
  type PresenceEvent,
  type PresenceState,
  type TransportMeta,
} from '@wedsync/presence-core'

/** An entry that was dropped at the boundary. */
export interface DroppedEntry {
  readonly key: string
  readonly reason: string
}

export interface MirrorUpdate {
  /** The port event to emit, when anything changed. */
  readonly event?: PresenceEvent
  readonly dropped: readonly DroppedEntry[]
}

/** Longest `presence_ref` accepted; the server's are 16 characters (research §1.3). */
export const MAX_REF_LENGTH = 256

/** Fields realtime-js adds or keeps around a tracked payload: not part of the meta. */
const REF_FIELDS = new Set(['presence_ref', 'phx_ref', 'phx_ref_prev'])

export type EntryCheck =
  | { readonly ok: true; readonly meta: TransportMeta }
  | { readonly ok: false; readonly reason: string }

/** The `presence_ref` of one entry of realtime-js's lists, or why the entry is unusable. */
function refOfEntry(entry: unknown): { readonly ref: string } | { readonly reason: string } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { reason: 'an entry that is not an object' }
  const ref = (entry as Record<string, unknown>).presence_ref
  // An entry with no ref can never be matched by its leave: the ghost of realtime-js 2.100–2.110.8
  // (research §2.4). Storing it would keep a member online forever.
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REF_LENGTH)
    return { reason: 'an entry without a valid presence_ref' }
  return { ref }
}

/** The payload as it was tracked: a fresh object without the fields realtime-js adds. */
function metaOfEntry(source: Record<string, unknown>): Record<string, unknown> {
  const meta: Record<string, unknown> = {}
  for (const field of Object.keys(source)) {
    // `__proto__` as an own key (JSON.parse makes one) would set the prototype if assigned.
    if (REF_FIELDS.has(field) || field === '__proto__') continue
    meta[field] = source[field]
  }
  return meta
}

/**
 * One entry of realtime-js's `newPresences`/`leftPresences`: `{...payload, presence_ref}`. Returns
 * the port's `{ref, meta}` with a fresh meta object (the payload as it was tracked), or why not.
 */
export function checkEntry(entry: unknown): EntryCheck {
  const checked = refOfEntry(entry)
  if (!('ref' in checked)) return { ok: false, reason: checked.reason }
  return {
    ok: true,
    meta: { ref: checked.ref, meta: metaOfEntry(entry as Record<string, unknown>) },
  }
}

export interface MirrorSync {
  /** The room for the port's `sync`. */
  readonly state: PresenceState
  readonly dropped: readonly DroppedEntry[]
}

export class PresenceMirror {
  /**
   * The refs held per key, in join order. A key holds one per open tab or device, so a list is
   * smaller and faster than a set per key (a `Set` costs ~200 bytes even with one entry).
   */
  private readonly refsByKey = new Map<string, string[]>()

  /** Applies realtime-js's `join` callback for `key`; the event holds the metas kept. */
  join(key: unknown, entries: unknown): MirrorUpdate {
    const checked = this.checkKey(key, entries)
    if (!checked.list) return { dropped: checked.dropped }
    const dropped: DroppedEntry[] = checked.dropped
    const refs = this.refsByKey.get(checked.key) ?? []
    const metas: TransportMeta[] = []
    for (const entry of checked.list) {
      const result = checkEntry(entry)
      if (!result.ok) {
        dropped.push({ key: checked.key, reason: result.reason })
        continue
      }
      if (!refs.includes(result.meta.ref)) refs.push(result.meta.ref)
      metas.push(result.meta)
    }
    if (refs.length > 0) this.refsByKey.set(checked.key, refs)
    return update(dropped, metas.length > 0 ? { type: 'join', key: checked.key, metas } : undefined)
  }

  /**
   * Applies realtime-js's `leave` callback for `key`. Only refs this mirror holds leave (a leave of
   * anything else is not passed on); the event carries the metas as the leave reports them.
   */
  leave(key: unknown, entries: unknown): MirrorUpdate {
    const checked = this.checkKey(key, entries)
    const refs = checked.list && this.refsByKey.get(checked.key)
    if (!checked.list || !refs) return { dropped: checked.dropped }
    const dropped: DroppedEntry[] = checked.dropped
    const metas: TransportMeta[] = []
    for (const entry of checked.list) {
      const found = refOfEntry(entry)
      if (!('ref' in found)) {
        dropped.push({ key: checked.key, reason: found.reason })
        continue
      }
      // A ref not held (left already, or from before this channel's last sync) is not passed on,
      // so its meta is never copied.
      const i = refs.indexOf(found.ref)
      if (i < 0) continue
      refs.splice(i, 1)
      metas.push({ ref: found.ref, meta: metaOfEntry(entry as Record<string, unknown>) })
    }
    if (refs.length === 0) this.refsByKey.delete(checked.key)
    return update(
      dropped,
      metas.length > 0 ? { type: 'leave', key: checked.key, metas } : undefined,
    )
  }

  /**
   * The whole room from realtime-js's `presenceState()` (`{key: [{...meta, presence_ref}]}`), for
   * the port's `sync` after a (re)join; the refs held start over from it. O(room), once per join.
   */
  resync(room: unknown): MirrorSync {
    this.refsByKey.clear()
    const state: Record<string, readonly TransportMeta[]> = Object.create(null)
    const dropped: DroppedEntry[] = []
    const keys = typeof room === 'object' && room !== null ? Object.keys(room) : []
    for (const key of keys) {
      const joined = this.join(key, (room as Record<string, unknown>)[key])
      dropped.push(...joined.dropped)
      if (joined.event?.type === 'join') state[key] = joined.event.metas
    }
    return { state, dropped }
  }

  /** Forgets everything: a new channel starts from an empty presence state. */
  clear(): void {
    this.refsByKey.clear()
  }

  /** Number of keys held. */
  get size(): number {
    return this.refsByKey.size
  }

  /** The key, and the entries of a callback when they are a list; what was dropped otherwise. */
  private checkKey(
    key: unknown,
    entries: unknown,
  ):
    | { key: string; list: readonly unknown[]; dropped: DroppedEntry[] }
    | { key?: string; list?: undefined; dropped: DroppedEntry[] } {
    if (!isValidPresenceKey(key))
      return {
        dropped: [
          { key: typeof key === 'string' ? key : String(key), reason: 'an invalid presence key' },
        ],
      }
    if (!Array.isArray(entries))
      return { key, dropped: [{ key, reason: 'presences that are not a list' }] }
    return { key, list: entries, dropped: [] }
  }
}

function update(dropped: readonly DroppedEntry[], event: PresenceEvent | undefined): MirrorUpdate {
  return event ? { event, dropped } : { dropped }
}
