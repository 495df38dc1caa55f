/**
 * The webhooks extension for `createPresenceHandlers({ extensions })`: the subscription API under
 * `/presence/webhooks`, and the status-transition hook that fills the outbox. Every route is the
 * authenticated caller's own: a subscription belongs to the user who made it, another user's
 * answers 404 exactly like a missing one. The seam serves GET, POST and PUT only, so deleting,
 * pausing, resuming and replaying are POSTs to sub-resources (`…/{id}/delete`, …). A team or room
 * filter names only teams and rooms the owner belongs to (events are also privacy-checked one by
 * one, so a filter can only narrow). The secret is made here and shown once, in the 201.
 *
 *   POST /presence/webhooks                  create → 201 { subscription, secret }
 *   GET  /presence/webhooks                  list   → { subscriptions }
 *   GET  /presence/webhooks/{id}             read   → { subscription }
 *   PUT  /presence/webhooks/{id}             change url, events, filter, description
 *   POST /presence/webhooks/{id}/delete      delete (with its queued messages)
 *   POST /presence/webhooks/{id}/pause       pause  (events keep queueing)
 *   POST /presence/webhooks/{id}/resume      resume (queued messages go out, in order)
 *   POST /presence/webhooks/{id}/replay      { ids } or { from, to }: send delivered events again
 *   GET  /presence/webhooks/{id}/messages    its messages (oldest first) and their delivery state
 */
import { systemClock } from '@wedsync/presence-core'
import {
  canViewPresence,
  createRateLimiter,
  json,
  type PresenceExtension,
  PresenceServerError,
  type PresenceStore,
  parseInput,
  type RateLimiter,
  type RouteKit,
  readJson,
} from '@wedsync/presence-server'
import { generateSubscriptionId, generateWebhookSecret } from './signing.js'
import {
  createSubscriptionSchema,
  replayRequestSchema,
  updateSubscriptionSchema,
  WEBHOOK_EVENTS,
  type WebhookFilter,
  type WebhookSubscription,
} from './subscription.js'
import type { WebhookUrlPolicy } from './url-policy.js'
import type { PresenceTransition } from './webhook-events.js'
import { createWebhookFanOut, type FanOutResult, type RoomMembers } from './webhook-fan-out.js'
import type { NewMessage, SubscriptionRecord, WebhookStore } from './webhook-store.js'

export interface WebhookEndpointOptions {
  readonly store: WebhookStore
  /** Told after each enqueue and resume, so delivery starts at once (the worker's `kick`). */
  readonly worker?: { kick(): void }
  /** Which receiver URLs are accepted. Default: http(s), no local or private-network hosts. */
  readonly urlPolicy?: WebhookUrlPolicy
  /** Default 10. */
  readonly maxSubscriptionsPerUser?: number
  /** Who is in a room, for room filters. Default: the team whose id is the room id. */
  readonly roomMembers?: RoomMembers
  /**
   * Where privacy and team membership come from. Default: the handlers' store (the kit's); give
   * it to call `enqueue` before the handlers are made.
   */
  readonly presence?: Pick<PresenceStore, 'presenceFor' | 'teamMembers'>
  /** Subscription writes per user. Default: 30 per minute, in memory. */
  readonly rateLimiter?: RateLimiter
}

export interface WebhookExtension extends PresenceExtension {
  /**
   * Puts a transition's events in the outbox; for transitions that do not come through the
   * handlers (the session sweeper's `onStatusChange`). The handlers' own are hooked already.
   */
  enqueue(transition: PresenceTransition): Promise<FanOutResult>
}

export const DEFAULT_MAX_SUBSCRIPTIONS = 10
/** Most messages one replay sends. */
export const MAX_REPLAY = 1_000

/** A subscription as the API shows it: the stored one without its secret. */
export function publicSubscription(record: SubscriptionRecord): WebhookSubscription {
  const { secret: _, ...rest } = record
  return rest
}

const ID = /^wh_[0-9a-f]{32}$/

function idRoute(suffix: string) {
  const pattern = new RegExp(`^/presence/webhooks/([^/]+)${suffix ? `/${suffix}` : ''}$`)
  return (path: string) => {
    const m = pattern.exec(path)
    return m ? [m[1]!] : undefined
  }
}

export function webhookEndpoint(options: WebhookEndpointOptions): WebhookExtension {
  const { store } = options
  const createSchema = createSubscriptionSchema(options.urlPolicy)
  const updateSchema = updateSubscriptionSchema(options.urlPolicy)
  const maxPerUser = options.maxSubscriptionsPerUser ?? DEFAULT_MAX_SUBSCRIPTIONS
  let fanOut: ReturnType<typeof createWebhookFanOut> | undefined
  let presence = options.presence
  const kickWorker = () => options.worker?.kick()

  function fanOutFor(kit?: RouteKit) {
    if (!fanOut) {
      presence ??= kit?.store
      if (!presence)
        throw new Error('webhookEndpoint: give `presence`, or mount it in createPresenceHandlers')
      fanOut = createWebhookFanOut({
        webhooks: store,
        presence,
        clock: kit?.clock ?? systemClock,
        ...(options.roomMembers && { roomMembers: options.roomMembers }),
      })
    }
    return fanOut
  }

  async function enqueue(transition: PresenceTransition): Promise<FanOutResult> {
    const result = await fanOutFor().enqueue(transition)
    if (result.messages > 0) kickWorker()
    return result
  }

  return {
    enqueue,
    onStatusChange: (transition) => enqueue(transition),
    routes: (kit) => {
      fanOutFor(kit)
      const limiter = kit.gate(
        options.rateLimiter ??
          createRateLimiter({ clock: kit.clock, limit: 30, prefix: 'webhooks:' }),
      )
      const roomMembers =
        options.roomMembers ??
        (async (roomId: string) => (await kit.store.teamMembers(roomId)).map((m) => m.userId))

      /** The caller's own subscription, or 404 (the same for someone else's). */
      async function own(request: Request, rawId: string) {
        const { userId } = await kit.authenticate(request)
        const id = safeDecode(rawId)
        const record = ID.test(id) ? await kit.stored(store.getSubscription(id)) : undefined
        if (!record || record.ownerId !== userId)
          throw new PresenceServerError('PRESENCE_NOT_FOUND', 'No such webhook subscription')
        return { userId, record }
      }

      async function checkFilter(userId: string, filter: WebhookFilter | undefined) {
        for (const teamId of filter?.teamIds ?? []) {
          const members = await kit.stored(kit.store.teamMembers(teamId))
          if (!members.some((m) => m.userId === userId))
            throw new PresenceServerError('PRESENCE_FORBIDDEN', `Not a member of team ${teamId}`)
        }
        for (const roomId of filter?.roomIds ?? [])
          if (!(await kit.stored(Promise.resolve(roomMembers(roomId)))).includes(userId))
            throw new PresenceServerError('PRESENCE_FORBIDDEN', `Not a member of room ${roomId}`)
      }

      const write = async (request: Request) => {
        const { userId } = await kit.authenticate(request)
        await kit.consume(limiter, 'webhooks', userId)
        return userId
      }

      return [
        {
          method: 'POST',
          path: '/presence/webhooks',
          run: async (request) => {
            const userId = await write(request)
            const body = parseInput(
              createSchema,
              await readJson(request, kit.maxBodyBytes),
              'webhook subscription',
            )
            await checkFilter(userId, body.filter)
            if ((await kit.stored(store.countSubscriptions(userId))) >= maxPerUser)
              throw new PresenceServerError(
                'PRESENCE_PAYLOAD_INVALID',
                `At most ${maxPerUser} webhook subscriptions per user`,
              )
            const now = kit.clock.now()
            const record: SubscriptionRecord = {
              id: generateSubscriptionId(),
              ownerId: userId,
              url: body.url,
              events: body.events ?? [...WEBHOOK_EVENTS],
              filter: body.filter ?? {},
              ...(body.description === undefined ? {} : { description: body.description }),
              secret: generateWebhookSecret(),
              createdAt: now,
              updatedAt: now,
            }
            await kit.stored(store.createSubscription(record))
            return json({ subscription: publicSubscription(record), secret: record.secret }, 201)
          },
        },
        {
          method: 'GET',
          path: '/presence/webhooks',
          run: async (request) => {
            const { userId } = await kit.authenticate(request)
            const records = await kit.stored(store.listSubscriptions(userId))
            return json({ subscriptions: records.map(publicSubscription) })
          },
        },
        {
          method: 'GET',
          path: '/presence/webhooks/{id}',
          match: idRoute(''),
          run: async (request, [id]) => {
            const { record } = await own(request, id!)
            return json({ subscription: publicSubscription(record) })
          },
        },
        {
          method: 'PUT',
          path: '/presence/webhooks/{id}',
          match: idRoute(''),
          run: async (request, [id]) => {
            const { userId, record } = await own(request, id!)
            await kit.consume(limiter, 'webhooks', userId)
            const body = parseInput(
              updateSchema,
              await readJson(request, kit.maxBodyBytes),
              'webhook subscription',
            )
            await checkFilter(userId, body.filter)
            const updated = await kit.stored(
              store.updateSubscription(record.id, body, kit.clock.now()),
            )
            if (!updated) throw new PresenceServerError('PRESENCE_NOT_FOUND')
            return json({ subscription: publicSubscription(updated) })
          },
        },
        {
          method: 'POST',
          path: '/presence/webhooks/{id}/delete',
          match: idRoute('delete'),
          run: async (request, [id]) => {
            const { userId, record } = await own(request, id!)
            await kit.consume(limiter, 'webhooks', userId)
            await kit.stored(store.deleteSubscription(record.id))
            return json({ deleted: true, id: record.id })
          },
        },
        {
          method: 'POST',
          path: '/presence/webhooks/{id}/pause',
          match: idRoute('pause'),
          run: async (request, [id]) => {
            const { userId, record } = await own(request, id!)
            await kit.consume(limiter, 'webhooks', userId)
            await kit.stored(store.pause(record.id, { at: kit.clock.now(), reason: 'owner' }))
            return json({
              subscription: publicSubscription((await store.getSubscription(record.id))!),
            })
          },
        },
        {
          method: 'POST',
          path: '/presence/webhooks/{id}/resume',
          match: idRoute('resume'),
          run: async (request, [id]) => {
            const { userId, record } = await own(request, id!)
            await kit.consume(limiter, 'webhooks', userId)
            await kit.stored(store.resume(record.id, kit.clock.now()))
            kickWorker()
            return json({
              subscription: publicSubscription((await store.getSubscription(record.id))!),
            })
          },
        },
        {
          method: 'POST',
          path: '/presence/webhooks/{id}/replay',
          match: idRoute('replay'),
          run: async (request, [id]) => {
            const { userId, record } = await own(request, id!)
            await kit.consume(limiter, 'webhooks', userId)
            const body = parseInput(
              replayRequestSchema,
              await readJson(request, kit.maxBodyBytes),
              'webhook replay',
            )
            const now = kit.clock.now()
            const query =
              'ids' in body
                ? { ids: body.ids, limit: MAX_REPLAY * 4 }
                : { from: body.from, to: body.to ?? now + 1, limit: MAX_REPLAY * 4 }
            const found = await kit.stored(store.messages(record.id, query))
            // Originals only (a replay of a replay is the same event), delivered ones only (an
            // undelivered one is on its way anyway), once each.
            const seen = new Set<string>()
            const originals = found.filter(
              (m) =>
                m.replayOf === undefined &&
                m.deliveredAt !== undefined &&
                !seen.has(m.id) &&
                seen.add(m.id),
            )
            if (originals.length > MAX_REPLAY)
              throw new PresenceServerError(
                'PRESENCE_PAYLOAD_INVALID',
                `A replay sends at most ${MAX_REPLAY} events; narrow the range`,
              )
            // Privacy again, now: the owner may have lost sight of a user since.
            const visible = new Map<string, boolean>()
            for (const subject of new Set(originals.map((m) => m.subjectId))) {
              const [target] = await kit.stored(kit.store.presenceFor(userId, [subject]))
              visible.set(subject, target !== undefined && canViewPresence(userId, subject, target))
            }
            const replays: NewMessage[] = originals
              .filter((m) => visible.get(m.subjectId))
              .map((m) => ({
                id: m.id,
                subscriptionId: m.subscriptionId,
                subjectId: m.subjectId,
                type: m.type,
                payload: m.payload,
                occurredAt: m.occurredAt,
                createdAt: now,
                replayOf: m.id,
              }))
            await kit.stored(store.enqueue(replays))
            if (replays.length > 0) kickWorker()
            return json({ replayed: replays.length, ids: replays.map((m) => m.id) })
          },
        },
        {
          method: 'GET',
          path: '/presence/webhooks/{id}/messages',
          match: idRoute('messages'),
          run: async (request, [id]) => {
            const { record } = await own(request, id!)
            const limit = Math.min(
              Math.max(Number(new URL(request.url).searchParams.get('limit')) || 100, 1),
              MAX_REPLAY,
            )
            const messages = await kit.stored(store.messages(record.id, { limit }))
            return json({
              messages: messages.map((m) => ({
                id: m.id,
                type: m.type,
                userId: m.subjectId,
                occurredAt: m.occurredAt,
                attempts: m.attempts,
                ...(m.deliveredAt === undefined ? {} : { deliveredAt: m.deliveredAt }),
                ...(m.lastError === undefined ? {} : { lastError: m.lastError }),
                ...(m.replayOf === undefined ? {} : { replay: true }),
              })),
            })
          },
        },
      ]
    },
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return ''
  }
}
