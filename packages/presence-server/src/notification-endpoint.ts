/**
 * `POST /presence/notifications`: the notification router over HTTP, for clients that cannot hold
 * the router themselves (a browser sending an urgent broadcast). The caller is authenticated and
 * becomes the sender; who may notify whom is the app's rule (`mayNotify`, default: people who
 * share a team); sends have their own rate limit. The hooks get the caller's payload wrapped with
 * the sender's id (`SentPayload`), so an email can say whom it is from without trusting the body.
 */
import { z } from 'zod'
import { PresenceServerError } from './errors.js'
import { json, readJson } from './http.js'
import type { NotificationRouter } from './notification-router.js'
import { URGENCIES, type Urgency } from './notification-routing.js'
import type { RateLimiter } from './rate-limiter.js'
import { consume, type RouteContext, stored } from './routes.js'
import { idSchema, parseInput, statusSchema } from './schemas.js'
import type { PresenceStore } from './store.js'

/** What the router's hooks receive for a notification sent over HTTP. */
export interface SentPayload<P = unknown> {
  /** The authenticated caller. */
  readonly senderId: string
  /** The body's `payload`, as sent. */
  readonly payload: P
}

/** A `POST /presence/notifications` body: the router's `NotificationInput`, sent as JSON. */
export interface NotificationRequest {
  /** Idempotency key; default a random id. */
  readonly id?: string
  readonly recipientId: string
  readonly urgency: Urgency
  readonly payload: unknown
  /** The recipient's status as the sender sees it (a room snapshot); default: the store's. */
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

/** POST /presence/notifications — routes one notification from the caller; the DeliveryResult. */
export async function postNotification(ctx: RouteContext, request: Request): Promise<Response> {
  const endpoint = ctx.notifications
  if (!endpoint) throw new PresenceServerError('PRESENCE_NOT_FOUND')
  const { userId: senderId } = await ctx.authenticate(request)
  const body = parseInput(
    notificationRequestSchema,
    await readJson(request, ctx.maxBodyBytes),
    'notification',
  ) as NotificationRequest
  await consume(ctx, endpoint.limiter, 'notification', senderId)
  const allowed = endpoint.mayNotify
    ? await endpoint.mayNotify(senderId, body)
    : await stored(sharesTeamWith(ctx.store, senderId, body.recipientId))
  // The same answer whether or not the recipient exists.
  if (!allowed)
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Not allowed to notify this user')
  const result = await endpoint.router.send({
    ...(body.id === undefined ? {} : { id: body.id }),
    recipientId: body.recipientId,
    urgency: body.urgency,
    payload: { senderId, payload: body.payload },
    ...(body.status === undefined ? {} : { status: body.status }),
  })
  return json(result)
}

/** What the handlers keep of `NotificationEndpointOptions`, with the limiter resolved. */
export interface NotificationEndpoint {
  readonly router: NotificationEndpointOptions['router']
  readonly mayNotify?: NotificationEndpointOptions['mayNotify']
  readonly limiter: RateLimiter
}
