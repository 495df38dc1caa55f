/**
 * From a user's transition to outbox messages: records the user's new state (what receivers will
 * have been told), turns the change into events (webhook-events.ts), and enqueues one message per
 * event for every subscription that asked for its type, passes its filters, and whose owner may
 * see the user now (`canViewPresence` over the presence store's settings and relationships).
 * Privacy is decided here, at enqueue time, so a message in the outbox is one its owner was
 * allowed to receive. A transition older than the recorded state is ignored (no event out of
 * order). Once `enqueue` resolves the events are durable in the outbox. A transition that does not
 * say which custom status is in force takes the one stored for the user at that moment.
 */
import type { Clock } from '@wedsync/presence-core'
import { canViewPresence, type PresenceStore } from '@wedsync/presence-server'
import { generateMessageId } from './signing.js'
import { matchesFilter } from './subscription.js'
import {
  type PresenceTransition,
  presenceEvents,
  transitionStatus,
  webhookPayload,
} from './webhook-events.js'
import type { NewMessage, SubscriptionRecord, WebhookStore } from './webhook-store.js'

/** The users in a room. */
export type RoomMembers = (roomId: string) => Promise<readonly string[]>

export interface WebhookFanOutOptions {
  readonly webhooks: WebhookStore
  /** Settings and relationships for privacy, and team membership for team filters. */
  readonly presence: Pick<PresenceStore, 'presenceFor' | 'teamMembers'>
  readonly clock: Clock
  /**
   * Who is in a room, for room filters. Default: the team whose id is the room id (the
   * convention `teamRoomsMayEnter` and the Supabase policies use).
   */
  readonly roomMembers?: RoomMembers
}

export interface FanOutResult {
  /** Events the transition gave (before subscriptions). */
  readonly events: number
  /** Messages enqueued. */
  readonly messages: number
  /** The transition was older than the recorded state and ignored. */
  readonly stale: boolean
}

export interface WebhookFanOut {
  enqueue(transition: PresenceTransition): Promise<FanOutResult>
}

export function createWebhookFanOut(options: WebhookFanOutOptions): WebhookFanOut {
  const { webhooks, presence, clock } = options
  const roomMembers: RoomMembers =
    options.roomMembers ??
    (async (roomId) => (await presence.teamMembers(roomId)).map((m) => m.userId))

  // One user's transitions are fanned out one after another in this process, so their messages
  // enter the outbox in the order they happened (across instances the queue order, by when each
  // happened, keeps them in order).
  const chains = new Map<string, Promise<unknown>>()
  function serialized<T>(userId: string, work: () => Promise<T>): Promise<T> {
    const previous = chains.get(userId) ?? Promise.resolve()
    const next = previous.then(work, work)
    const settled = next.then(
      () => {},
      () => {},
    )
    chains.set(userId, settled)
    void settled.then(() => {
      if (chains.get(userId) === settled) chains.delete(userId)
    })
    return next
  }

  return {
    enqueue: (given) => serialized(given.userId, () => fanOut(given)),
  }

  async function fanOut(given: PresenceTransition): Promise<FanOutResult> {
    const transition = await withCustomStatus(given)
    const { previous, stale } = await webhooks.recordSubject({
      userId: transition.userId,
      status: transitionStatus(transition),
      ...(transition.customStatus === undefined ? {} : { customStatus: transition.customStatus }),
      at: transition.at,
    })
    if (stale) return { events: 0, messages: 0, stale: true }
    const events = presenceEvents(previous, transition)
    if (events.length === 0) return { events: 0, messages: 0, stale: false }
    const subjectId = transition.userId
    const types = new Set(events.map((e) => e.type))
    const candidates = (await webhooks.candidates(subjectId)).filter((s) =>
      s.events.some((t) => types.has(t)),
    )
    const allowed = await visibleTo(candidates, subjectId)
    const now = clock.now()
    const messages: NewMessage[] = []
    for (const subscription of allowed)
      for (const event of events)
        if (subscription.events.includes(event.type))
          messages.push({
            id: generateMessageId(),
            subscriptionId: subscription.id,
            subjectId,
            type: event.type,
            payload: webhookPayload(event),
            occurredAt: event.occurredAt,
            createdAt: now,
          })
    await webhooks.enqueue(messages)
    return { events: events.length, messages: messages.length, stale: false }
  }

  /**
   * The transition with the custom status in force: its own when it says, else the stored one
   * (the handlers' transitions do not carry it; one that has expired by then counts as none).
   */
  async function withCustomStatus(transition: PresenceTransition): Promise<PresenceTransition> {
    if (transition.customStatus !== undefined) return transition
    const [self] = await presence.presenceFor(transition.userId, [transition.userId])
    const custom = self?.presence?.customStatus
    const inForce = custom && (custom.expiresAt === undefined || custom.expiresAt > transition.at)
    return { ...transition, customStatus: inForce ? custom : null }
  }

  /** The candidates whose owner may see the subject now and whose team and room filters pass. */
  async function visibleTo(
    candidates: readonly SubscriptionRecord[],
    subjectId: string,
  ): Promise<SubscriptionRecord[]> {
    const mayView = new Map<string, Promise<boolean>>()
    const teamHas = new Map<string, Promise<boolean>>()
    const roomHas = new Map<string, Promise<boolean>>()
    const once = (
      cache: Map<string, Promise<boolean>>,
      key: string,
      work: () => Promise<boolean>,
    ) => {
      let answer = cache.get(key)
      if (!answer) {
        answer = work()
        cache.set(key, answer)
      }
      return answer
    }
    const out: SubscriptionRecord[] = []
    for (const s of candidates) {
      const visible = await once(mayView, s.ownerId, async () => {
        const [target] = await presence.presenceFor(s.ownerId, [subjectId])
        return target !== undefined && canViewPresence(s.ownerId, subjectId, target)
      })
      if (!visible) continue
      const teams = new Set<string>()
      for (const teamId of s.filter.teamIds ?? [])
        if (
          await once(teamHas, teamId, async () =>
            (await presence.teamMembers(teamId)).some((m) => m.userId === subjectId),
          )
        )
          teams.add(teamId)
      const rooms = new Set<string>()
      for (const roomId of s.filter.roomIds ?? [])
        if (
          await once(roomHas, roomId, async () => (await roomMembers(roomId)).includes(subjectId))
        )
          rooms.add(roomId)
      if (matchesFilter(s.filter, subjectId, { teams, rooms })) out.push(s)
    }
    return out
  }
}
