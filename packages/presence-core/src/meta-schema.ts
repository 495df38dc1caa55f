/**
 * The session meta on the wire, versioned (`v: 1`). Everything received from other clients goes
 * through `parseSessionMeta`: a meta that fails is dropped and reported, never stored (rule 7).
 * zod/mini keeps the browser bundle small.
 */
// Named imports, not `import * as z`: a namespace import makes bundlers wrap zod in CommonJS interop.
import { literal, nullable, number, object, optional, refine, string, type z } from 'zod/mini'
import { CUSTOM_STATUS_MAX_GRAPHEMES, EMOJI_MAX_GRAPHEMES, sanitizeText } from './sanitize.js'
import type {
  Activity,
  AutomaticStatus,
  CalendarBusy,
  CustomStatus,
  ManualStatus,
  Profile,
} from './types.js'
import { sameData } from './util.js'

/** Bounds that keep one meta far below the 10 KB-per-update budget (SPEC). */
export const META_LIMITS = {
  idLength: 128,
  actionLength: 64,
  targetLength: 128,
  pageLength: 256,
  nameLength: 100,
  roleLength: 64,
  urlLength: 2048,
  textLength: 400,
  minLeaseMs: 1_000,
  maxLeaseMs: 24 * 60 * 60 * 1000,
} as const

// Bounds are checked with `refine` and a message of their own: zod/mini's built-in checks say only
// "Invalid input", and each of them pulls another part of zod into the bundle.
const text = (max: number, min = 0) =>
  string().check(
    refine((s) => s.length >= min && s.length <= max, `Expected ${min}–${max} characters`),
  )
/** A non-empty string of at most `max` characters. */
export const nonEmpty = (max: number) => text(max, 1)
export const idSchema = nonEmpty(META_LIMITS.idLength)
const integer = (min: number, max = Infinity) =>
  number().check(
    refine(
      (n) => Number.isSafeInteger(n) && n >= min && n <= max,
      `Expected an integer in [${min}, ${max}]`,
    ),
  )
const time = integer(0)
// Only http(s) avatars: a `javascript:` URL rendered into an <img> or <a> would be an injection.
const url = string().check(
  refine(
    (s) => s.length <= META_LIMITS.urlLength && /^https?:\/\//i.test(s),
    'Expected an http(s) URL',
  ),
)

export const activitySchema = object({
  action: nonEmpty(META_LIMITS.actionLength),
  target: optional(text(META_LIMITS.targetLength)),
  weddingId: optional(text(META_LIMITS.idLength)),
  page: optional(text(META_LIMITS.pageLength)),
})

export const profileSchema = object({
  name: optional(text(META_LIMITS.nameLength)),
  role: optional(text(META_LIMITS.roleLength)),
  avatarUrl: optional(url),
})

export const customSchema = object({
  text: text(META_LIMITS.textLength),
  emoji: optional(text(32)),
  expiresAt: optional(time),
})

export const calendarSchema = object({ text: text(META_LIMITS.textLength), until: time })

export const manualStatusSchema = literal(['busy', 'away', null], "Expected 'busy', 'away' or null")

export const sessionMetaSchema = object({
  v: literal(1),
  session: idSchema,
  status: literal(['online', 'idle', 'away']),
  seq: time,
  lease: integer(META_LIMITS.minLeaseMs, META_LIMITS.maxLeaseMs),
  activeAgo: optional(time),
  manual: optional(object({ status: manualStatusSchema, at: time })),
  custom: optional(object({ status: nullable(customSchema), at: time })),
  calendar: optional(calendarSchema),
  activity: optional(activitySchema),
  profile: optional(profileSchema),
})

/**
 * How far another device's wall clock may be believed to run ahead of ours. A time further ahead
 * is from a wrong clock or a sender that lies, and is never taken at its word. A day: devices
 * set by hand, or to the wrong time zone, are minutes or hours off, and a manual status set on
 * one is ordered after what it adopted only if that was believed (a minute lost the user's own
 * later changes on a device 5 minutes behind); any finite bound keeps stamps safe integers.
 */
export const MAX_CLOCK_SKEW_MS = 24 * 60 * 60_000

/** A stamped setting: `at` (sender's wall clock) orders settings across a user's sessions. */
export interface Stamped<T> {
  readonly status: T
  readonly at: number
}

/** A validated session meta, as published by one session. */
export interface SessionMeta {
  readonly v: 1
  readonly session: string
  readonly status: AutomaticStatus
  /** Grows with every publish so the transport treats each as an update. */
  readonly seq: number
  /** How long observers may count this session alive without news, in ms. */
  readonly lease: number
  /** Milliseconds since the session's last input, at the time it was sent. */
  readonly activeAgo?: number
  readonly manual?: Stamped<ManualStatus | null>
  readonly custom?: Stamped<CustomStatus | null>
  readonly calendar?: CalendarBusy
  readonly activity?: Activity
  readonly profile?: Profile
}

export type MetaParseResult =
  | { readonly ok: true; readonly meta: SessionMeta }
  | { readonly ok: false; readonly issues: string }

/** Up to three issues as `path: message`, for reports. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ')
}

/**
 * The text fields people see, with their bound in graphemes. `text` is required (custom status,
 * calendar) and stays even when it sanitizes to nothing; the others are then dropped.
 */
const SHOWN_TEXT: Readonly<Record<string, number>> = {
  text: CUSTOM_STATUS_MAX_GRAPHEMES,
  emoji: EMOJI_MAX_GRAPHEMES,
  name: META_LIMITS.nameLength,
  role: META_LIMITS.roleLength,
}

/** A validated object (custom status, calendar, profile) with the text people see sanitized. */
export function sanitizeShown<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const key in value) {
    let field: unknown = value[key]
    const max = SHOWN_TEXT[key]
    if (max && typeof field === 'string') {
      field = sanitizeText(field, max)
      if (!field && key !== 'text') continue
    }
    if (field !== undefined) out[key] = field
  }
  return out as T
}

/** A valid field as stored: the text in it that people see sanitized (custom status, calendar, profile). */
function clean(key: string, value: unknown): unknown {
  if (!value) return value
  if (key === 'custom') {
    const { status, at } = value as Stamped<CustomStatus | null>
    return status ? { status: sanitizeShown(status), at } : value
  }
  return key === 'calendar' || key === 'profile' ? sanitizeShown(value as object) : value
}

/**
 * `input` checked field by field against `previous`, a meta that passed before: a field that is
 * the same data as there is that field (valid, and sanitized to itself); any other goes through
 * its own schema. Undefined when one fails: the whole parse then says why.
 */
function parseAgainst(input: unknown, previous: Readonly<Record<string, unknown>>) {
  if (typeof input !== 'object' || !input || Array.isArray(input)) return undefined
  const shape = sessionMetaSchema.shape
  const meta: Record<string, unknown> = {}
  for (const key in shape) {
    let value = (input as Record<string, unknown>)[key]
    if (sameData(value, previous[key])) value = previous[key]
    else {
      const result = shape[key as keyof typeof shape].safeParse(value)
      if (!result.success) return undefined
      value = clean(key, result.data)
    }
    if (value !== undefined) meta[key] = value
  }
  return meta as unknown as SessionMeta
}

/**
 * Validates an untrusted meta and sanitizes the text in it that people see (custom status,
 * calendar text, profile name and role). Never throws. With `previous`, a meta that passed before
 * (the same session's last one, say), only the fields that differ from it are checked again: a
 * heartbeat changes `seq` and little else. The result is the same as without.
 */
export function parseSessionMeta(input: unknown, previous?: SessionMeta): MetaParseResult {
  const meta = previous && parseAgainst(input, previous as object as Record<string, unknown>)
  if (meta) return { ok: true, meta }
  const result = sessionMetaSchema.safeParse(input)
  if (!result.success) return { ok: false, issues: describeIssues(result.error.issues) }
  // zod's output is a fresh object of ours: its fields are sanitized in place.
  const data = result.data as Record<string, unknown>
  for (const key in data) data[key] = clean(key, data[key])
  return { ok: true, meta: data as unknown as SessionMeta }
}

/** Valid presence keys: user ids. `ids` breaks realtime-js (research §1.4); proto names are refused. */
export function isValidPresenceKey(key: unknown): key is string {
  return (
    typeof key === 'string' &&
    key.length > 0 &&
    key.length <= META_LIMITS.idLength &&
    key !== 'ids' &&
    key !== '__proto__' &&
    key !== 'constructor' &&
    key !== 'prototype'
  )
}
