/**
 * `POST /presence/notifications`: the notification router over HTTP, for clients that cannot hold
 * the router themselves (a browser sending an urgent broadcast). The caller is authenticated and
 * becomes the sender; who may notify whom is the app's rule (`mayNotify`, default: people who
 * share a team). Nothing in the body steers the route: the recipient's status is the stored one
 * (a `status` field is accepted and ignored), and ids are scoped by sender, so one sender's id
 * never touches another's notification. Sends are limited per sender, per sender → recipient and,
 * for emergencies, per sender → recipient again; a refused send never reaches the router. It
 * joins `createPresenceHandlers` as an extension: its route, and the router's `onPresenceChange`
 * as the status-transition hook (what it holds for a busy user goes out when they are free).
 */
import {
  createRateLimiter,
  idSchema,
  json,
  type PresenceExtension,
  PresenceServerError,
  type PresenceStore,
  parseInput,
  type RateLimiter,
  type RouteKit,
  readJson,
  statusSchema,
} from '@wedsync/presence-server'
import { z } from 'zod'
import type { NotificationRouter } from './notification-router.js'
import { URGENCIES, type Urgency } from './routing-rules.js'

/** What the router's hooks receive for a notification sent over HTTP. */
export interface SentPayload<P = unknown> {
  /** The authenticated caller. */
  readonly senderId: string
  /** The body's `payload`, as sent. */
  readonly payload: P
}

/** A `POST /presence/notifications` body: the router's `NotificationInput`, sent as JSON. */
export interface NotificationRequest {
  /**
   * Idempotency key within the sender's own notifications; default a random id. The router and
   * its hooks see it scoped by sender (`scopedNotificationId`); the answer carries it as sent.
   */
  readonly id?: string
  readonly recipientId: string
  readonly urgency: Urgency
  readonly payload: unknown
  /**
   * Accepted for compatibility with older clients and ignored: the router routes by the status
   * it looks up itself (its `presence`), never by a sender's claim.
   */
  readonly status?: z.output<typeof statusSchema>
}

export interface NotificationEndpointOptions {
  /** The router the endpoint hands notifications to; its hooks do the delivering. */
  readonly router: Pick<NotificationRouter<SentPayload>, 'send'> &
    Partial<Pick<NotificationRouter<SentPayload>, 'onPresenceChange'>>
  /**
   * May `senderId` send this? Default: the sender is the recipient or shares a team with them
   * (the same relationship the privacy checker's `team` visibility uses).
   */
  readonly mayNotify?: (
    senderId: string,
    request: NotificationRequest,
  ) => boolean | Promise<boolean>
  /** Sends per sender. Default: 120 per minute per user, in memory. */
  readonly rateLimiter?: RateLimiter
  /** Sends per sender → recipient, any urgency. Default: 30 per hour, in memory. */
  readonly recipientRateLimiter?: RateLimiter
  /**
   * Emergencies per sender → recipient, a budget of their own on top of the one above: each runs
   * every route, the app's fallback (SMS, a call) included. Default: 5 per 10 minutes, in memory.
   */
  readonly emergencyRateLimiter?: RateLimiter
}

/** `recipientRateLimiter`'s default budget. */
export const DEFAULT_RECIPIENT_LIMIT = { limit: 30, windowMs: 60 * 60_000 } as const
/** `emergencyRateLimiter`'s default budget. */
export const DEFAULT_EMERGENCY_LIMIT = { limit: 5, windowMs: 10 * 60_000 } as const

/**
 * The router's id for a sender's notification: `<sender id>:<id>`, with `%` and `:` in the sender
 * id escaped (`%25`, `%3A`) so that two senders can never produce the same id.
 */
export function scopedNotificationId(senderId: string, id: string): string {
  return `${senderId.replace(/%/g, '%25').replace(/:/g, '%3A')}:${id}`
}

export const notificationRequestSchema = z.strictObject({
  id: idSchema.optional(),
  recipientId: idSchema,
  urgency: z.enum(URGENCIES),
  payload: z.unknown().refine((p) => p !== undefined, 'Expected a payload'),
  status: statusSchema.optional(),
})

/** The default `mayNotify`: oneself, or someone on a shared team. */
export async function sharesTeamWith(
  store: Pick<PresenceStore, 'presenceFor'>,
  senderId: string,
  recipientId: string,
): Promise<boolean> {
  if (senderId === recipientId) return true
  const [target] = await store.presenceFor(senderId, [recipientId])
  return target?.sharesTeam === true
}

/** What the route keeps of `NotificationEndpointOptions`, with the limiters resolved. */
interface NotificationEndpoint {
  readonly router: NotificationEndpointOptions['router']
  readonly mayNotify?: NotificationEndpointOptions['mayNotify']
  readonly limiter: RateLimiter
  readonly recipientLimiter: RateLimiter
  readonly emergencyLimiter: RateLimiter
}

/**
 * `POST /presence/notifications` for `createPresenceHandlers({ extensions: [...] })`, and the
 * router's `onPresenceChange` told about every status transition the handlers record.
 */
export function notificationEndpoint(options: NotificationEndpointOptions): PresenceExtension {
  const onPresenceChange = options.router.onPresenceChange?.bind(options.router)
  return {
    routes: (kit) => {
      const limited = (limiter: RateLimiter | undefined, fallback: () => RateLimiter) =>
        kit.gate(limiter ?? fallback())
      const clock = kit.clock
      const endpoint: NotificationEndpoint = {
        router: options.router,
        ...(options.mayNotify && { mayNotify: options.mayNotify }),
        limiter: limited(options.rateLimiter, () =>
          createRateLimiter({ clock, limit: 120, prefix: 'notify:' }),
        ),
        recipientLimiter: limited(options.recipientRateLimiter, () =>
          createRateLimiter({ clock, ...DEFAULT_RECIPIENT_LIMIT, prefix: 'notify-recipient:' }),
        ),
        emergencyLimiter: limited(options.emergencyRateLimiter, () =>
          createRateLimiter({ clock, ...DEFAULT_EMERGENCY_LIMIT, prefix: 'notify-emergency:' }),
        ),
      }
      return [
        {
          method: 'POST',
          path: '/presence/notifications',
          run: (request) => postNotification(kit, endpoint, request),
        },
      ]
    },
    ...(onPresenceChange && {
      onStatusChange: ({ userId, status }) => onPresenceChange(userId, status),
    }),
  }
}

/**
 * POST /presence/notifications — routes one notification from the caller; the router's
 * DeliveryResult, whose `id` is the caller's own (as sent, or the one made for it).
 */
async function postNotification(
  kit: RouteKit,
  endpoint: NotificationEndpoint,
  request: Request,
): Promise<Response> {
  const { userId: senderId } = await kit.authenticate(request)
  const body = parseInput(
    notificationRequestSchema,
    await readJson(request, kit.maxBodyBytes),
    'notification',
  ) as NotificationRequest
  await kit.consume(endpoint.limiter, 'notification', senderId)
  const allowed = endpoint.mayNotify
    ? await endpoint.mayNotify(senderId, body)
    : await kit.stored(sharesTeamWith(kit.store, senderId, body.recipientId))
  // The same answer whether or not the recipient exists.
  if (!allowed)
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Not allowed to notify this user')
  // Per pair, after mayNotify (strangers make no buckets). The emergency budget first: the smaller
  // one, and a send it refuses then costs nothing from the pair's budget.
  const pair = scopedNotificationId(senderId, body.recipientId) // one unambiguous key per pair
  if (body.urgency === 'emergency')
    await kit.consume(endpoint.emergencyLimiter, 'notification-emergency', pair)
  await kit.consume(endpoint.recipientLimiter, 'notification-recipient', pair)
  // Every limit has passed: nothing refuses it now but the router, so a 2xx is the router's own
  // answer (delivered on the routes it lists, or durably held) and a failure of its own a 5xx.
  const id = body.id ?? globalThis.crypto.randomUUID()
  const result = await endpoint.router.send({
    id: scopedNotificationId(senderId, id),
    recipientId: body.recipientId,
    urgency: body.urgency,
    payload: { senderId, payload: body.payload },
  })
  return json({ ...result, id })
}
