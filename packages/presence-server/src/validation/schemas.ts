/**
 * Zod schemas for every request body and query the handlers accept. Objects are strict (unknown
 * fields are refused), strings are bounded, and text people see goes through the sanitizer.
 * A failure becomes PRESENCE_PAYLOAD_INVALID with up to five `path: message` issues.
 */
import {
  type Activity,
  type CustomStatus,
  isValidPresenceKey,
  META_LIMITS,
  type Status,
} from '@wedsync/presence-core'
import { z } from 'zod'
import { PresenceServerError } from '../errors.js'
import {
  CUSTOM_STATUS_LIMITS,
  sanitizeCustomStatus,
  sanitizeEmoji,
  sanitizeStatusText,
} from './custom-status.js'

export const VISIBILITIES = ['everyone', 'contacts', 'team', 'nobody'] as const
/** Who may see a user's presence: anyone, their contacts, people who share a team, nobody. */
export type Visibility = (typeof VISIBILITIES)[number]

/** A user's privacy settings (SPEC 7). */
export interface PresenceSettings {
  readonly visibility: Visibility
  readonly showLastSeen: boolean
  readonly showActivity: boolean
  readonly appearOffline: boolean
}

export const DEFAULT_PRESENCE_SETTINGS: PresenceSettings = Object.freeze({
  visibility: 'everyone',
  showLastSeen: true,
  showActivity: true,
  appearOffline: false,
})

const MAX_ROOM_ID_LENGTH = 200

// biome-ignore lint/suspicious/noControlCharactersInRegex: ids must not carry control characters
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/** A user or team id: 1–128 characters, no control characters, not a reserved key. */
export const idSchema = z
  .string()
  .refine(
    (id) => isValidPresenceKey(id) && !CONTROL.test(id),
    `Expected an id of 1–${META_LIMITS.idLength} characters`,
  )

/** A room id: 1–200 characters (presence-core's bound on room ids), no control characters. */
export const roomIdSchema = z
  .string()
  .refine(
    (id) => id.length >= 1 && id.length <= MAX_ROOM_ID_LENGTH && !CONTROL.test(id),
    `Expected a room id of 1–${MAX_ROOM_ID_LENGTH} characters`,
  )

/**
 * Longest notification id the router takes. POST /presence/notifications scopes a caller's id
 * (an id, at most 128 characters) by its sender, `<sender id>:<id>`, with `%` and `:` in the sender
 * id escaped as `%25` and `%3A`: three characters for each of the sender id's, one separator, the
 * caller's id.
 */
export const MAX_NOTIFICATION_ID_LENGTH = 3 * META_LIMITS.idLength + 1 + META_LIMITS.idLength

/** A notification id: 1–513 characters (room for a sender-scoped id), no control characters. */
export const notificationIdSchema = z
  .string()
  .refine(
    (id) => id.length >= 1 && id.length <= MAX_NOTIFICATION_ID_LENGTH && !CONTROL.test(id),
    `Expected a notification id of 1–${MAX_NOTIFICATION_ID_LENGTH} characters`,
  )

const bounded = (max: number, min = 0) =>
  z.string().refine((s) => s.length >= min && s.length <= max, `Expected ${min}–${max} characters`)

const epochMs = z
  .number()
  .refine((n) => Number.isSafeInteger(n) && n >= 0, 'Expected a time in epoch milliseconds')

export const statusSchema = z.enum(['online', 'idle', 'away', 'busy', 'offline'] satisfies Status[])

export const activitySchema = z
  .strictObject({
    action: bounded(META_LIMITS.actionLength, 1),
    target: bounded(META_LIMITS.targetLength).optional(),
    weddingId: bounded(META_LIMITS.idLength).optional(),
    page: bounded(META_LIMITS.pageLength).optional(),
  })
  .transform((a): Activity => withoutUndefined(a) as Activity)

/** A custom status as sent; the output is the sanitized status (`sanitizeCustomStatus`). */
export const customStatusSchema = z
  .strictObject({
    text: bounded(CUSTOM_STATUS_LIMITS.inputLength),
    emoji: z
      .string()
      .refine((e) => e.length <= 64 && sanitizeEmoji(e) !== undefined, 'Expected one emoji')
      .optional(),
    expiresAt: epochMs.optional(),
  })
  .transform((input, ctx): CustomStatus => {
    const clean = sanitizeCustomStatus(input)
    if (clean) return clean
    ctx.addIssue({ code: 'custom', message: 'A custom status needs visible text or an emoji' })
    return z.NEVER
  })

const stampedAt = epochMs

/**
 * A session's inputs to aggregation, as it publishes them in rooms (presence-core's meta: `status`
 * there is `automatic` here). Stamps are the client's wall clock, as in rooms; the route bounds
 * them (a stamp far in the future would win every later change).
 */
export const sessionInputsSchema = z
  .strictObject({
    automatic: z.enum(['online', 'idle', 'away']),
    manual: z
      .strictObject({ status: z.enum(['busy', 'away']).nullable(), at: stampedAt })
      .optional(),
    custom: z.strictObject({ status: customStatusSchema.nullable(), at: stampedAt }).optional(),
    calendar: z
      .strictObject({
        text: bounded(META_LIMITS.textLength).transform(sanitizeStatusText),
        until: epochMs,
      })
      .optional(),
    activeAgo: epochMs.optional(),
  })
  .transform((inputs) => withoutUndefined(inputs) as SessionInputsBody)

/** A validated `session` of a status report. */
export interface SessionInputsBody {
  readonly automatic: 'online' | 'idle' | 'away'
  readonly manual?: { readonly status: 'busy' | 'away' | null; readonly at: number }
  readonly custom?: { readonly status: CustomStatus | null; readonly at: number }
  readonly calendar?: { readonly text: string; readonly until: number }
  readonly activeAgo?: number
}

/**
 * `POST /presence/status`. `customStatus`/`activity`: absent keeps the session's one, null clears
 * it. `sessionId`: the reporting session (absent: the user's one implicit session); `session`: its
 * inputs, as it publishes them in rooms (then `status` only says whether it shows at all).
 */
export const statusUpdateSchema = z.strictObject({
  status: statusSchema,
  customStatus: customStatusSchema.nullable().optional(),
  activity: activitySchema.nullable().optional(),
  /** Optional; when present it must be the caller's own id. */
  userId: idSchema.optional(),
  sessionId: idSchema.optional(),
  session: sessionInputsSchema.optional(),
})

/** `POST /presence/heartbeat`: an empty body, `{}`, the caller's own id, and the session's id. */
export const heartbeatSchema = z.strictObject({
  userId: idSchema.optional(),
  sessionId: idSchema.optional(),
})

/** `POST /presence/leave`: the session that leaves (absent: the implicit session). */
export const leaveSchema = z.strictObject({ sessionId: idSchema.optional() })

export const settingsSchema = z.strictObject({
  visibility: z.enum(VISIBILITIES),
  showLastSeen: z.boolean(),
  showActivity: z.boolean(),
  appearOffline: z.boolean(),
})

/** `PUT /presence/settings`: any non-empty subset of the settings. */
export const settingsUpdateSchema = settingsSchema
  .partial()
  .refine((s) => Object.keys(s).length > 0, 'Expected at least one setting')

export type SettingsUpdate = Partial<PresenceSettings>

export interface StatusUpdate {
  readonly status: Status
  /** Absent: keep the session's one; null: clear it. */
  readonly customStatus?: CustomStatus | null
  readonly activity?: Activity | null
  readonly userId?: string
  /** The reporting session; absent: the user's implicit session (one for all such clients). */
  readonly sessionId?: string
  /** The session's inputs (as published in rooms); the server aggregates them with the others. */
  readonly session?: SessionInputsBody
}

/** `GET /presence/last-seen?userIds=a,b` (also `?userIds=a&userIds=b`); ids are de-duplicated. */
export function lastSeenQuerySchema(maxUserIds: number) {
  return z
    .array(idSchema)
    .min(1, 'Expected at least one user id')
    .max(maxUserIds, `Expected at most ${maxUserIds} user ids`)
}

/** A `POST /presence/users` body: `{ userIds }`, 1 to `maxUserIds` of them. */
export function bulkReadSchema(maxUserIds: number) {
  return z.strictObject({ userIds: lastSeenQuerySchema(maxUserIds) })
}

/** The most an id can take in a JSON list: 128 characters of up to 4 UTF-8 bytes, and quotes. */
export const MAX_ID_JSON_BYTES = 128 * 4 + 2

type Issue = { readonly path: readonly PropertyKey[]; readonly message: string }

/** Up to five issues as `path: message`. */
export function describeIssues(issues: readonly Issue[]): string[] {
  return issues.slice(0, 5).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
}

/** The parsed value, or a PRESENCE_PAYLOAD_INVALID error listing what is wrong. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issues = describeIssues(result.error.issues)
  throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', `Invalid ${what}`, { details: issues })
}

/** Drops undefined properties (exactOptionalPropertyTypes: optional means absent). */
export function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v
  return out as T
}
