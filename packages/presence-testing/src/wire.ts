/**
 * What a payload looks like after crossing the wire: JSON text. Senders and receivers never share
 * objects, and values JSON cannot carry (Dates, Maps, functions) arrive the way a real socket
 * would deliver them. `canonicalJson` compares payloads by content, not by key order.
 */

/** JSON text of `value`; `undefined` stays `undefined` (an absent payload). Throws a TypeError. */
export function toWire(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch (cause) {
    throw new TypeError('payload must be JSON-serializable', { cause })
  }
}

/** A fresh copy of what `toWire` produced, as a receiver gets it. */
export function fromWire(wire: string | undefined): unknown {
  return wire === undefined ? undefined : (JSON.parse(wire) as unknown)
}

/** True for `{…}` payloads: Supabase refuses to track anything else ("must be a map"). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const proto: unknown = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** JSON text with object keys sorted, so `{a, b}` and `{b, a}` compare equal (as Elixir maps do). */
export function canonicalJson(wire: string | undefined): string {
  return JSON.stringify(sortKeys(fromWire(wire))) ?? 'undefined'
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (typeof value !== 'object' || value === null) return value
  const source = value as Record<string, unknown>
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(source).sort()) sorted[key] = sortKeys(source[key])
  return sorted
}
