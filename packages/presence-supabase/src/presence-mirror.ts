/**
 * A room's presence as the transport reports it, built from realtime-js's `join`/`leave` callbacks
 * and never from `channel.presenceState()` (a deep copy of the whole room per call; research §2.2).
 * Every entry is shape-checked here, at the boundary: an entry without a usable `presence_ref`, or
 * under a key that is no valid user id, is dropped and returned as rejected — never stored. What is
 * inside a meta is the core's to validate. A join or leave costs O(metas in it); only `state()`
 * (once per (re)join, for the port's `sync`) walks the room.
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

/**
 * One entry of realtime-js's `newPresences`/`leftPresences`: `{...payload, presence_ref}`. Returns
 * the port's `{ref, meta}` with a fresh meta object (the payload as it was tracked), or why not.
 */
export function checkEntry(entry: unknown): EntryCheck {
  const found = refOf(entry)
  if (!('ref' in found)) return { ok: false, reason: found.reason }
  const { ref } = found
  const source = entry as Record<string, unknown>
  const meta: Record<string, unknown> = {}
  for (const field of Object.keys(source)) {
    // `__proto__` as an own key (JSON.parse makes one) would set the prototype if assigned.
    if (REF_FIELDS.has(field) || field === '__proto__') continue
    meta[field] = source[field]
  }
  return { ok: true, meta: { ref, meta } }
}

/** The ref of a realtime-js entry, or why it has none we can use. */
function refOf(entry: unknown): { readonly ref: string } | { readonly reason: string } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { reason: 'an entry that is not an object' }
  const ref = (entry as { presence_ref?: unknown }).presence_ref
  // An entry with no ref can never be matched by its leave: the ghost of realtime-js 2.100–2.110.8
  // (research §2.4). Storing it would keep a member online forever.
  return typeof ref === 'string' && ref.length > 0 && ref.length <= MAX_REF_LENGTH
    ? { ref }
    : { reason: 'an entry without a valid presence_ref' }
}

export class PresenceMirror {
  /**
   * The metas held per key, in join order. A key holds one per open tab or device, so a list
   * searched by ref is smaller and faster than a map per key (a `Map` costs ~200 bytes even with
   * one entry, and every session holds one per member of its room).
   */
  private readonly byKey = new Map<string, TransportMeta[]>()

  /** Applies realtime-js's `join` callback for `key`; the event holds the metas kept. */
  join(key: unknown, entries: unknown): MirrorUpdate {
    const checked = this.checkKey(key, entries)
    if (!checked.list) return { dropped: checked.dropped }
    const dropped: DroppedEntry[] = checked.dropped
    const held = this.byKey.get(checked.key) ?? []
    const metas: TransportMeta[] = []
    for (const entry of checked.list) {
      const result = checkEntry(entry)
      if (!result.ok) {
        dropped.push({ key: checked.key, reason: result.reason })
        continue
      }
      const i = held.findIndex((meta) => meta.ref === result.meta.ref)
      if (i < 0) held.push(result.meta)
      else held[i] = result.meta
      metas.push(result.meta)
    }
    if (held.length > 0) this.byKey.set(checked.key, held)
    return update(dropped, metas.length > 0 ? { type: 'join', key: checked.key, metas } : undefined)
  }

  /**
   * Applies realtime-js's `leave` callback for `key`. Only refs this mirror holds leave; the event
   * carries the metas as they were stored, so a leave always names what its join delivered. Only
   * the refs of the entries are read: nothing else of a leave is kept.
   */
  leave(key: unknown, entries: unknown): MirrorUpdate {
    const checked = this.checkKey(key, entries)
    const held = checked.list && this.byKey.get(checked.key)
    if (!checked.list || !held) return { dropped: checked.dropped }
    const dropped: DroppedEntry[] = checked.dropped
    const metas: TransportMeta[] = []
    for (const entry of checked.list) {
      const found = refOf(entry)
      if (!('ref' in found)) {
        dropped.push({ key: checked.key, reason: found.reason })
        continue
      }
      const i = held.findIndex((meta) => meta.ref === found.ref)
      if (i >= 0) metas.push(...held.splice(i, 1))
    }
    if (held.length === 0) this.byKey.delete(checked.key)
    return update(
      dropped,
      metas.length > 0 ? { type: 'leave', key: checked.key, metas } : undefined,
    )
  }

  /** The whole room, for the port's `sync`: O(room), so only once per (re)join. */
  state(): PresenceState {
    const state: Record<string, readonly TransportMeta[]> = Object.create(null)
    for (const [key, held] of this.byKey) state[key] = held.slice()
    return state
  }

  /** Forgets everything: a new channel starts from an empty presence state. */
  clear(): void {
    this.byKey.clear()
  }

  /** Number of keys held. */
  get size(): number {
    return this.byKey.size
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
