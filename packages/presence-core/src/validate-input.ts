/**
 * Checks what an app passes to the client, so that nothing the client publishes could be dropped
 * by other clients' validation. Bad input throws a PresenceError with code
 * PRESENCE_INVALID_ARGUMENT; text is sanitized rather than refused.
 */
import { literal, object, optional, string, type z } from 'zod/mini'
import { eventSchema } from './broadcast.js'
import { invalidArgument } from './errors.js'
import {
  activitySchema,
  calendarSchema,
  customSchema,
  describeIssues,
  manualStatusSchema,
  nonEmpty,
  profileSchema,
  sanitizeCustomStatus,
} from './meta-schema.js'
import type {
  Activity,
  CalendarBusy,
  CustomStatus,
  ManualStatus,
  PrivacySettings,
  Profile,
} from './types.js'

// `literal([true, false])` rather than boolean(): one zod schema type fewer in the bundle.
const privacySchema = object({
  visibility: optional(literal(['everyone', 'contacts', 'team', 'nobody'])),
  showActivity: optional(literal([true, false])),
  showLastSeen: optional(literal([true, false])),
  appearOffline: optional(literal([true, false])),
})

// Text and emoji of any length: sanitizing below cuts them to 100 graphemes and one emoji.
const customInputSchema = object({
  ...customSchema.def.shape,
  text: string(),
  emoji: optional(string()),
})

function check<T>(schema: z.ZodMiniType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw invalidArgument(
    `Invalid ${what}: ${describeIssues(result.error.issues)}`,
    result.error.issues,
  )
}

export function checkManualStatus(status: unknown): ManualStatus | null {
  return check(manualStatusSchema, status, 'setStatus argument')
}

export function checkEvent(event: unknown): string {
  return check(eventSchema, event, 'broadcast event')
}

const roomIdSchema = nonEmpty(200)

export function checkRoomId(roomId: unknown): string {
  return check(roomIdSchema, roomId, 'roomId')
}

export function checkActivity(activity: unknown): Activity {
  return check(activitySchema, activity, 'activity') as Activity
}

export function checkProfile(profile: unknown): Profile {
  return check(profileSchema, profile, 'profile') as Profile
}

export function checkPrivacy(privacy: unknown): PrivacySettings {
  return check(privacySchema, privacy, 'privacy settings') as PrivacySettings
}

export function checkCalendar(calendar: unknown): CalendarBusy {
  return check(calendarSchema, calendar, 'calendar busy window')
}

/** Sanitizes a custom status; an empty one after sanitizing clears it. */
export function checkCustomStatus(custom: unknown): CustomStatus | null {
  if (custom === null) return null
  const status = sanitizeCustomStatus(
    check(customInputSchema, custom, 'custom status') as CustomStatus,
  )
  return status.text || status.emoji ? status : null
}
