/**
 * Builders for tests of the pure model: valid session metas, transport metas and session entries
 * with sensible defaults, so each test states only what it is about.
 */
import type { SessionEntry } from '../src/aggregation.js'
import type { SessionMeta } from '../src/meta-schema.js'
import type { PresenceState, TransportMeta } from '../src/ports.js'

export const LEASE_MS = 30_000

/** A valid `v: 1` session meta; `overrides` replace the defaults field by field. */
export function sessionMeta(overrides: Partial<SessionMeta> = {}): SessionMeta {
  return { v: 1, session: 's1', status: 'online', seq: 1, lease: LEASE_MS, ...overrides }
}

/** A meta as a transport holds it. */
export function transportMeta(ref: string, meta: unknown): TransportMeta {
  return { ref, meta }
}

/** A session entry as room state holds it (observer clock). */
export function sessionEntry(
  meta: SessionMeta,
  options: { key?: string; ref?: string; heardAt?: number; leaseUntil?: number } = {},
): SessionEntry {
  const heardAt = options.heardAt ?? 0
  return {
    key: options.key ?? 'u1',
    ref: options.ref ?? `${meta.session}:${meta.seq}`,
    meta,
    heardAt,
    leaseUntil: options.leaseUntil ?? heardAt + meta.lease,
  }
}

/** A transport state from a compact description: key → list of [ref, meta]. */
export function presenceState(
  entries: Record<string, readonly (readonly [ref: string, meta: unknown])[]>,
): PresenceState {
  const state: Record<string, readonly TransportMeta[]> = {}
  for (const [key, metas] of Object.entries(entries)) {
    state[key] = metas.map(([ref, meta]) => transportMeta(ref, meta))
  }
  return state
}

/** FNV-1a over UTF-16 code units: the hash the persistent map uses, to build colliding keys. */
export function fnv1a(key: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
