/**
 * The presence of one channel, as Phoenix.Tracker keeps it: key → metas, one meta per tracking
 * membership (owner), each with a unique `phx_ref`. Every change returns the one diff it causes;
 * an update is ONE diff holding the new meta (with `phx_ref_prev`) in joins and the old one in
 * leaves. The state's JSON text is cached until the next change.
 */
import type { JsonObject } from './frames.js'

export interface PresenceMeta extends JsonObject {
  readonly phx_ref: string
}

export interface PresenceDiff {
  readonly joins: Record<string, { metas: PresenceMeta[] }>
  readonly leaves: Record<string, { metas: PresenceMeta[] }>
}

interface Entry {
  readonly key: string
  readonly meta: PresenceMeta
  /** The tracked payload, to tell an identical re-track (a no-op) from an update. */
  readonly payload: JsonObject
}

export class PresenceTracker<Owner> {
  private readonly entries = new Map<Owner, Entry>()
  /** key → owners in the order they started tracking under that key. */
  private readonly keys = new Map<string, Set<Owner>>()
  private stateJson: string | undefined = '{}'

  constructor(private readonly nextRef: () => string) {}

  /** Number of metas tracked (one per tracking membership). */
  get size(): number {
    return this.entries.size
  }

  has(owner: Owner): boolean {
    return this.entries.has(owner)
  }

  /**
   * Tracks `payload` for `owner` under `key`: a join, an update (join of the new meta with
   * `phx_ref_prev` plus the leave of the old one), or undefined when the payload is unchanged.
   */
  track(owner: Owner, key: string, payload: JsonObject): PresenceDiff | undefined {
    const previous = this.entries.get(owner)
    if (previous && previous.key === key && sameJson(previous.payload, payload)) return undefined
    const ref = this.nextRef()
    const meta: PresenceMeta = previous
      ? { ...payload, phx_ref: ref, phx_ref_prev: previous.meta.phx_ref }
      : { ...payload, phx_ref: ref }
    this.stateJson = undefined
    if (previous && previous.key !== key) this.unlink(owner, previous.key)
    this.entries.set(owner, { key, meta, payload })
    let owners = this.keys.get(key)
    if (!owners) {
      owners = new Set()
      this.keys.set(key, owners)
    }
    owners.add(owner)
    return {
      joins: { [key]: { metas: [meta] } },
      leaves: previous ? { [previous.key]: { metas: [previous.meta] } } : {},
    }
  }

  /** Removes `owner`'s meta: the leave diff, or undefined when it tracked nothing. */
  untrack(owner: Owner): PresenceDiff | undefined {
    const entry = this.entries.get(owner)
    if (!entry) return undefined
    this.entries.delete(owner)
    this.unlink(owner, entry.key)
    this.stateJson = undefined
    return { joins: {}, leaves: { [entry.key]: { metas: [entry.meta] } } }
  }

  /** The whole state grouped by key, `{key: {metas: [...]}}`, as JSON text (cached). */
  json(): string {
    if (this.stateJson === undefined) this.stateJson = JSON.stringify(this.state())
    return this.stateJson
  }

  state(): Record<string, { metas: PresenceMeta[] }> {
    const state: Record<string, { metas: PresenceMeta[] }> = {}
    for (const [key, owners] of this.keys) {
      const metas: PresenceMeta[] = []
      for (const owner of owners) metas.push(this.entries.get(owner)!.meta)
      Object.defineProperty(state, key, {
        value: { metas },
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return state
  }

  private unlink(owner: Owner, key: string): void {
    const owners = this.keys.get(key)
    if (!owners) return
    owners.delete(owner)
    if (owners.size === 0) this.keys.delete(key)
  }
}

/** Deep equality of JSON values, ignoring object key order (as Elixir map equality does). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((item, i) => sameJson(item, b[i]))
  }
  const left = a as Record<string, unknown>
  const right = b as Record<string, unknown>
  const keys = Object.keys(left)
  if (keys.length !== Object.keys(right).length) return false
  return keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]))
}
