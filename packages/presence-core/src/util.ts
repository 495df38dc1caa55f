/**
 * Small helpers shared by the pure modules: optional fields, plain-data equality, id order and
 * "the next instant".
 */

/** One frozen empty list for every "none" the pure modules hand out: no caller can add to it. */
export const NONE: readonly never[] = Object.freeze([])

/** `T` with its possibly-undefined properties made optional, and never undefined. */
export type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>
}

/** A copy of `obj` without its undefined properties: an optional field is absent, never undefined. */
export function defined<const T extends object>(obj: T): Defined<T> {
  const out: Record<string, unknown> = {}
  // for…in, not Object.entries: no array per call (this runs on every change a room applies).
  for (const key in obj) if (obj[key] !== undefined) out[key] = obj[key]
  return out as Defined<T>
}

/**
 * Whether `a` is the same plain data as `b`: equal primitives, or objects (arrays only with arrays)
 * with the same keys whose values are the same data.
 */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  let keys = 0
  for (const key in a) {
    if (!sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false
    keys++
  }
  for (const _ in b) keys--
  return keys === 0
}

/** Whether two lists hold the same items (by identity) in the same order. */
export function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

/** Orders ids by UTF-16 code units, the same everywhere (never locale-dependent). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The earliest of `times` that is after `now`, if any. */
export function earliestAfter(
  now: number,
  times: readonly (number | undefined)[],
): number | undefined {
  let next: number | undefined
  for (const at of times)
    if (at !== undefined && at > now && (next === undefined || at < next)) next = at
  return next
}
