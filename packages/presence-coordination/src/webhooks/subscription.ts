/**
 * Webhook subscriptions: what one is (owner, receiver URL, events, filters, pause state), the
 * event types, and the request bodies that create, change and replay them, as zod schemas built
 * for one URL policy. Invariants: every list is bounded and de-duplicated; a URL passes the SSRF
 * policy (url-policy.ts); unknown keys and unknown event types are refused (400 with details).
 * The secret is not part of a subscription as read: it is shown once, when made (signing.ts).
 */
import { idSchema, roomIdSchema } from '@wedsync/presence-server'
import { z } from 'zod'
import { checkWebhookUrl, type WebhookUrlPolicy } from './url-policy.js'

/** The events a subscription may ask for (the `type` of each payload). */
export const WEBHOOK_EVENTS = [
  'presence.online',
  'presence.offline',
  'presence.status_changed',
  'presence.custom_status_changed',
] as const
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number]

/** Most ids in one filter list, and most ids in one replay. */
export const MAX_FILTER_IDS = 100
export const MAX_DESCRIPTION_LENGTH = 200

/**
 * Which users' events a subscription receives, on top of privacy. Each list given must match
 * (a user in one of the teams AND in one of the rooms AND one of the users); absent lists match
 * everyone the owner may see.
 */
export interface WebhookFilter {
  readonly teamIds?: readonly string[]
  readonly roomIds?: readonly string[]
  readonly userIds?: readonly string[]
}

export type PauseReason = 'failing' | 'owner'

/** A subscription as the API returns it (never with its secret). Times are epoch ms. */
export interface WebhookSubscription {
  readonly id: string
  /** The authenticated user who made it: events are what this user may see. */
  readonly ownerId: string
  readonly url: string
  readonly events: readonly WebhookEventType[]
  readonly filter: WebhookFilter
  readonly description?: string
  readonly createdAt: number
  readonly updatedAt: number
  /** Set while paused: no delivery runs, events still queue (nothing is lost). */
  readonly pausedAt?: number
  readonly pausedReason?: PauseReason
  /** Why the last failed attempt failed (status code or error), while paused for failing. */
  readonly lastError?: string
}

const idList = (schema: z.ZodType<string>) =>
  z
    .array(schema)
    .min(1, 'Expected at least one id')
    .max(MAX_FILTER_IDS, `Expected at most ${MAX_FILTER_IDS} ids`)
    .transform((ids) => [...new Set(ids)])

/** Drops absent keys (exactOptionalPropertyTypes: optional means absent, not undefined). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = v
  return out as { [K in keyof T]: Exclude<T[K], undefined> }
}

export const webhookFilterSchema = z
  .strictObject({
    teamIds: idList(idSchema).optional(),
    roomIds: idList(roomIdSchema).optional(),
    userIds: idList(idSchema).optional(),
  })
  .transform((filter): WebhookFilter => defined(filter))

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS, { error: `Expected one of ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, 'Expected at least one event')
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => WEBHOOK_EVENTS.filter((e) => events.includes(e)))

const descriptionSchema = z
  .string()
  .max(MAX_DESCRIPTION_LENGTH, `Expected at most ${MAX_DESCRIPTION_LENGTH} characters`)

function urlSchema(policy: WebhookUrlPolicy) {
  return z.string().superRefine((url, ctx) => {
    const problem = checkWebhookUrl(url, policy)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
}

/** `POST /presence/webhooks`. */
export function createSubscriptionSchema(policy: WebhookUrlPolicy = {}) {
  return z
    .strictObject({
      url: urlSchema(policy),
      /** Default: every event. */
      events: eventsSchema.optional(),
      filter: webhookFilterSchema.optional(),
      description: descriptionSchema.optional(),
    })
    .transform(defined)
}

/** `PUT /presence/webhooks/{id}`: any of the fields, at least one. `filter` replaces the old. */
export function updateSubscriptionSchema(policy: WebhookUrlPolicy = {}) {
  return z
    .strictObject({
      url: urlSchema(policy).optional(),
      events: eventsSchema.optional(),
      filter: webhookFilterSchema.optional(),
      description: descriptionSchema.optional(),
    })
    .refine((body) => Object.keys(body).length > 0, 'Expected at least one field to change')
    .transform(defined)
}

/** `POST /presence/webhooks/{id}/replay`: some event ids, or a time range [from, to). */
export const replayRequestSchema = z.union([
  z.strictObject({
    ids: z.array(z.string().min(1).max(100)).min(1).max(MAX_FILTER_IDS),
  }),
  z
    .strictObject({
      from: z.number().int().nonnegative(),
      /** Default: now. */
      to: z.number().int().nonnegative().optional(),
    })
    .refine((r) => r.to === undefined || r.to > r.from, 'Expected `to` after `from`'),
])
export type ReplayRequest = z.output<typeof replayRequestSchema>

/** Whether `subjectId`'s event passes the filter, given the subject's teams and rooms. */
export function matchesFilter(
  filter: WebhookFilter,
  subjectId: string,
  memberOf: { readonly teams: ReadonlySet<string>; readonly rooms: ReadonlySet<string> },
): boolean {
  if (filter.userIds && !filter.userIds.includes(subjectId)) return false
  if (filter.teamIds && !filter.teamIds.some((t) => memberOf.teams.has(t))) return false
  if (filter.roomIds && !filter.roomIds.some((r) => memberOf.rooms.has(r))) return false
  return true
}
