/**
 * Canonical JSON: what a signature covers. A payload crosses Supabase's Elixir server, which
 * re-orders object keys and re-encodes numbers, so the bytes a sender signs can never be the bytes
 * an observer receives. Both sides therefore sign and verify the same function of the *value*: JSON
 * with every object's keys sorted (by UTF-16 code units) and JSON.stringify's rules for everything
 * else (toJSON, undefined and functions dropped). Pure and total for JSON-serializable values.
 */

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
  const source = value as Record<string, unknown>
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(source).sort()) sorted[key] = source[key]
  return sorted
}

/** JSON text of `value` with sorted object keys; throws a TypeError where JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys) ?? 'null'
}
