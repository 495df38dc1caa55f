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
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    return { ok: false, reason: 'an entry that is not an object' }
  const source = entry as Record<string, unknown>
  const ref = source.presence_ref
  // An entry with no ref can never be matched by its leave: the ghost of realtime-js 2.100–2.110.8
  // (research §2.4). Storing it would keep a member online forever.
  if (typeof ref !== 'string' || ref.length === 0 || ref.length > MAX_REF_LENGTH)
    return { ok: false, reason: 'an entry without a valid presence_ref' }
  const meta: Record<string, unknown> = {}
  for (const field of Object.keys(source)) {
    // `__proto__` as an own key (JSON.parse makes one) would set the prototype if assigned.
    if (REF_FIELDS.has(field) || field === '__proto__') continue
    meta[field] = source[field]
  }
  return { ok: true, meta: { ref, meta } }
}

export class PresenceMirror {
  private readonly byKey = new Map<string, Map<string, TransportMeta>>()

  /** Applies realtime-js's `join` callback for `key`; the event holds the metas kept. */
  join(key: unknown, entries: unknown): MirrorUpdate {
    const checked = this.checkAll(key, entries)
    if (!checked.key) return { dropped: checked.dropped }
    let held = this.byKey.get(checked.key)
    if (!held) {
      held = new Map()
      this.byKey.set(checked.key, held)
    }
    const metas: TransportMeta[] = []
    for (const meta of checked.metas) {
      held.set(meta.ref, meta)
      metas.push(meta)
    }
    if (held.size === 0) this.byKey.delete(checked.key)
    return update(
      checked.dropped,
      metas.length > 0 ? { type: 'join', key: checked.key, metas } : undefined,
    )
  }

  /**
   * Applies realtime-js's `leave` callback for `key`. Only refs this mirror holds leave; the event
   * carries the metas as they were stored, so a leave always names what its join delivered.
   */
  leave(key: unknown, entries: unknown): MirrorUpdate {
    const checked = this.checkAll(key, entries)
    const held = checked.key === undefined ? undefined : this.byKey.get(checked.key)
    if (!checked.key || !held) return { dropped: checked.dropped }
    const metas: TransportMeta[] = []
    for (const { ref } of checked.metas) {
      const stored = held.get(ref)
      if (!stored) continue
      held.delete(ref)
      metas.push(stored)
    }
    if (held.size === 0) this.byKey.delete(checked.key)
    return update(
      checked.dropped,
      metas.length > 0 ? { type: 'leave', key: checked.key, metas } : undefined,
    )
  }

  /** The whole room, for the port's `sync`: O(room), so only once per (re)join. */
  state(): PresenceState {
    const state: Record<string, readonly TransportMeta[]> = Object.create(null)
    for (const [key, held] of this.byKey) state[key] = [...held.values()]
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

  private checkAll(
    key: unknown,
    entries: unknown,
  ): { key?: string; metas: TransportMeta[]; dropped: DroppedEntry[] } {
    const named = typeof key === 'string' ? key : String(key)
    if (!isValidPresenceKey(key))
      return { metas: [], dropped: [{ key: named, reason: 'an invalid presence key' }] }
    if (!Array.isArray(entries))
      return { key, metas: [], dropped: [{ key, reason: 'presences that are not a list' }] }
    const metas: TransportMeta[] = []
    const dropped: DroppedEntry[] = []
    for (const entry of entries) {
      const result = checkEntry(entry)
      if (result.ok) metas.push(result.meta)
      else dropped.push({ key, reason: result.reason })
    }
    return { key, metas, dropped }
  }
}

function update(dropped: readonly DroppedEntry[], event: PresenceEvent | undefined): MirrorUpdate {
  return event ? { event, dropped } : { dropped }
}
