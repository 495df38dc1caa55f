/**
 * Checks what an app passes to the client, so that nothing the client publishes could be dropped
 * by other clients' validation. Bad input throws a PresenceError with code
 * PRESENCE_INVALID_ARGUMENT; text is sanitized rather than refused.
 */
import { literal, object, optional, string, type z } from 'zod/mini'
import { invalidArgument } from './errors.js'
import {
  activitySchema,
  customSchema,
  describeIssues,
  nonEmpty,
  sanitizeShown,
} from './meta-schema.js'
import type { Activity, CustomStatus, PrivacySettings } from './types.js'

// `literal([true, false])` rather than boolean(): one zod schema type fewer in the bundle.
const flag = optional(literal([true, false]))
const privacySchema = object({
  visibility: optional(literal(['everyone', 'contacts', 'team', 'nobody'])),
  showActivity: flag,
  showLastSeen: flag,
  appearOffline: flag,
})

// Text and emoji of any length: sanitizing below cuts them to 100 graphemes and one emoji.
const customInputSchema = object({
  ...customSchema.def.shape,
  text: string(),
  emoji: optional(string()),
})

export const roomIdSchema = nonEmpty(200)

/** `value` as `schema` parses it; a PRESENCE_INVALID_ARGUMENT error naming `what` when it fails. */
export function check<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw invalidArgument(
    `Invalid ${what}: ${describeIssues(result.error.issues)}`,
    result.error.issues,
  )
}

export function checkActivity(activity: unknown): Activity {
  return check(activitySchema, activity, 'activity') as Activity
}

export function checkPrivacy(privacy: unknown): PrivacySettings {
  return check(privacySchema, privacy, 'privacy settings') as PrivacySettings
}

/** Sanitizes a custom status; an empty one after sanitizing clears it. */
export function checkCustomStatus(custom: unknown): CustomStatus | null {
  if (custom === null) return null
  const status = sanitizeShown(check(customInputSchema, custom, 'custom status') as CustomStatus)
  return status.text || status.emoji ? status : null
}
