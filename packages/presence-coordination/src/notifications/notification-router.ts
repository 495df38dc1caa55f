/**
 * `createNotificationRouter`: the shell around `routeNotification`. It asks who the recipient is
 * now (presence), delivers through the app's hooks, and holds what must wait in a
 * NotificationStore, releasing it when the recipient comes back (`onPresenceChange`, which the app
 * calls), when its deadline passes (the router's own timer, plus a poll for deadlines other
 * instances set), and on start and every poll for any recipient the presence says is available
 * now (catch-up after a crash or a missed `onPresenceChange`). Claim → hooks → mark released: two
 * instances never run the hooks for one id at once. A process that dies between the hooks and the
 * mark leaves a claim whose lease runs out, and the notification goes out again (at least once);
 * hooks get a stable `id` to drop such a repeat.
 */
import {
  type Clock,
  type Scheduler,
  type Status,
  systemClock,
  systemScheduler,
} from '@wedsync/presence-core'
import type { PresenceStore } from '@wedsync/presence-server'
import {
  DEFAULT_LEASE_MS,
  idSchema,
  notificationIdSchema,
  PresenceServerError,
  parseInput,
  resolvePresence,
  statusSchema,
} from '@wedsync/presence-server'
import { z } from 'zod'
import type { NotificationRecord, NotificationStore } from './notification-store.js'
import {
  type DeliveryRoute,
  type QuietHours,
  type RoutingDecision,
  routeNotification,
  URGENCIES,
  type Urgency,
} from './routing-rules.js'

/** A notification as the hooks receive it. */
export interface Notification<P = unknown> {
  /** Stable across retries and restarts: hooks use it to drop a repeat. */
  readonly id: string
  readonly recipientId: string
  readonly urgency: Urgency
  readonly payload: P
  readonly createdAt: number
}

export interface DeliveryContext {
  readonly routes: readonly DeliveryRoute[]
  readonly reason: RoutingDecision['reason']
  /** Set when the notification was held first: how long it waited, in ms. */
  readonly heldForMs?: number
}

type Hook<P> = (notification: Notification<P>, context: DeliveryContext) => unknown

/** The app's delivery routes. The router calls them; it never sends anything itself. */
export interface NotificationHooks<P = unknown> {
  /** Show it in the app (a realtime message, an inbox row). */
  readonly inApp?: Hook<P>
  /** A push notification to the recipient's devices. */
  readonly push?: Hook<P>
  /** Email, SMS, a phone call: whatever the app uses for people who are not in the app. */
  readonly fallback?: Hook<P>
}

export interface RecipientPreferences {
  readonly quietHours?: QuietHours | null
  /** Longest wait while busy, for this recipient. */
  readonly maxHoldMs?: number
}

export interface NotificationRouterOptions<P = unknown> {
  readonly store: NotificationStore
  readonly hooks: NotificationHooks<P>
  /** The recipient's status now (lease applied); see `presenceFromStore`. */
  readonly presence: (userId: string) => Status | Promise<Status>
  readonly preferences?: (
    userId: string,
  ) => RecipientPreferences | undefined | Promise<RecipientPreferences | undefined>
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Longest wait while busy. Default 1 hour. */
  readonly maxHoldMs?: number
  /** This instance's name in claims. Default: a random id. */
  readonly instanceId?: string
  /** How long a claim is exclusive: longer than the hooks take. Default 60 s. */
  readonly leaseMs?: number
  /** After a release whose every route failed, try again this much later. Default 30 s. */
  readonly retryMs?: number
  /**
   * Also look this often for due notifications (other instances' holds) and for recipients who are
   * available now (missed status changes, a crash mid-release; that look-up runs on start and at
   * most once per interval). Default 30 s.
   */
  readonly pollMs?: number | false
  /** Hears about failed hooks and store errors; the router keeps running. */
  readonly onError?: (error: unknown, notification?: Notification<P>) => void
}

export interface NotificationInput<P = unknown> {
  /**
   * Default: a random id. A second send with the same id while it is held changes nothing.
   * At most `MAX_NOTIFICATION_ID_LENGTH` (513) characters: room for a sender-scoped id.
   */
  readonly id?: string
  readonly recipientId: string
  readonly urgency: Urgency
  /** JSON the hooks get back, also after a restart. */
  readonly payload: P
  /** The recipient's status as the caller knows it (a room snapshot); default: `presence()`. */
  readonly status?: Status
}

export interface DeliveryResult {
  readonly id: string
  readonly recipientId: string
  readonly decision: RoutingDecision
  /** Routes whose hook ran without throwing. */
  readonly delivered: readonly DeliveryRoute[]
  readonly failed: readonly DeliveryRoute[]
  /** Routes the decision named but the app gave no hook for. */
  readonly skipped: readonly DeliveryRoute[]
  /** Held in the store, to go out later. */
  readonly held: boolean
}

export interface NotificationRouter<P = unknown> {
  /** Routes one notification: delivers it now, or holds it durably. */
  send(input: NotificationInput<P>): Promise<DeliveryResult>
  /** Tell the router a user's status changed: their held notifications that may go, go. */
  onPresenceChange(
    userId: string,
    presence: Status | { readonly status: Status },
  ): Promise<DeliveryResult[]>
  /**
   * Releases every held notification whose deadline has passed, and those whose recipient is
   * available now by `presence` (`start` calls this; the timer does on each poll, and between polls
   * releases only what is due).
   */
  releaseDue(): Promise<DeliveryResult[]>
  /** Starts the timer: releases what is already due and wakes for the next deadline. */
  start(): Promise<void>
  /** Stops the timer (held notifications stay in the store). */
  stop(): void
}

const MAX_PAYLOAD_BYTES = 64 * 1024

const inputSchema = z.object({
  id: notificationIdSchema.optional(),
  recipientId: idSchema,
  urgency: z.enum(URGENCIES),
  payload: z.unknown(),
  status: statusSchema.optional(),
})

function randomId(): string {
  return globalThis.crypto.randomUUID()
}

/** The payload as it will be stored, or PRESENCE_PAYLOAD_INVALID. */
function checkPayload<P>(payload: P): P {
  let text: string | undefined
  try {
    text = JSON.stringify(payload)
  } catch {
    text = undefined
  }
  if (text === undefined)
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'payload must be JSON')
  if (new TextEncoder().encode(text).byteLength > MAX_PAYLOAD_BYTES)
    throw new PresenceServerError(
      'PRESENCE_PAYLOAD_TOO_LARGE',
      `payload larger than ${MAX_PAYLOAD_BYTES} bytes`,
    )
  return JSON.parse(text) as P
}

export function createNotificationRouter<P = unknown>(
  options: NotificationRouterOptions<P>,
): NotificationRouter<P> {
  const { store, hooks } = options
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  const owner = options.instanceId ?? `router-${randomId()}`
  const leaseMs = options.leaseMs ?? 60_000
  const retryMs = options.retryMs ?? 30_000
  const pollMs = options.pollMs ?? 30_000
  const report = (error: unknown, n?: Notification<P>) => {
    try {
      options.onError?.(error, n)
    } catch {
      // A failing error listener must not stop the router.
    }
  }

  async function decide(
    recipientId: string,
    urgency: Urgency,
    status: Status,
    giveUpAt?: number,
  ): Promise<RoutingDecision> {
    const prefs = (await options.preferences?.(recipientId)) ?? {}
    const maxHoldMs = prefs.maxHoldMs ?? options.maxHoldMs
    return routeNotification({
      urgency,
      status,
      now: clock.now(),
      ...(prefs.quietHours ? { quietHours: prefs.quietHours } : {}),
      ...(maxHoldMs === undefined ? {} : { maxHoldMs }),
      ...(giveUpAt === undefined ? {} : { giveUpAt }),
    })
  }

  async function deliver(
    notification: Notification<P>,
    decision: Extract<RoutingDecision, { action: 'deliver' }>,
    heldSince?: number,
  ): Promise<Omit<DeliveryResult, 'held'>> {
    const context: DeliveryContext = {
      routes: decision.routes,
      reason: decision.reason,
      ...(heldSince === undefined ? {} : { heldForMs: clock.now() - heldSince }),
    }
    const delivered: DeliveryRoute[] = []
    const failed: DeliveryRoute[] = []
    const skipped: DeliveryRoute[] = []
    const table: Record<DeliveryRoute, Hook<P> | undefined> = {
      'in-app': hooks.inApp,
      push: hooks.push,
      fallback: hooks.fallback,
    }
    await Promise.all(
      decision.routes.map(async (route) => {
        const hook = table[route]
        if (!hook) return skipped.push(route)
        try {
          await hook(notification, context)
          delivered.push(route)
        } catch (error) {
          failed.push(route)
          report(error, notification)
        }
      }),
    )
    const order = (list: DeliveryRoute[]) => decision.routes.filter((r) => list.includes(r))
    return {
      id: notification.id,
      recipientId: notification.recipientId,
      decision,
      delivered: order(delivered),
      failed: order(failed),
      skipped: order(skipped),
    }
  }

  const toNotification = (r: NotificationRecord): Notification<P> => ({
    id: r.id,
    recipientId: r.recipientId,
    urgency: r.urgency,
    payload: r.payload as P,
    createdAt: r.createdAt,
  })

  /** Claimed rows: deliver the ones that may go now, put the rest back with their deadline. */
  async function releaseClaimed(
    claimed: readonly NotificationRecord[],
    statusOf: (userId: string) => Status | Promise<Status>,
  ): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = []
    for (const record of claimed) {
      const notification = toNotification(record)
      try {
        const status = await statusOf(record.recipientId)
        const decision = await decide(record.recipientId, record.urgency, status, record.giveUpAt)
        if (decision.action === 'hold') {
          await store.defer(record.id, owner, {
            giveUpAt: decision.giveUpAt,
            reason: decision.reason,
          })
          continue
        }
        const result = await deliver(notification, decision, record.createdAt)
        // Every route failed: give it back to be tried again rather than lose it.
        if (result.delivered.length === 0 && result.failed.length > 0)
          await store.unclaim(record.id, owner, clock.now() + retryMs)
        else await store.release(record.id, owner, { at: clock.now(), routes: result.delivered })
        results.push({ ...result, held: false })
      } catch (error) {
        report(error, notification)
        await store.unclaim(record.id, owner, clock.now() + retryMs).catch(report)
      }
    }
    return results
  }

  /** When the timer's next wake also runs the catch-up (`releaseAvailable`). */
  let nextCatchUp = Number.NEGATIVE_INFINITY

  /** What is due; with `catchUp`, also what may go to recipients available now. */
  async function release(catchUp: boolean): Promise<DeliveryResult[]> {
    // The next poll is set first, so a release that fails still moves the cadence on.
    if (catchUp) nextCatchUp = pollMs === false ? Infinity : clock.now() + pollMs
    const results: DeliveryResult[] = []
    for (;;) {
      const now = clock.now()
      const claimed = await store.claim({ owner, now, leaseMs, dueBy: now })
      if (claimed.length === 0) break
      results.push(...(await releaseClaimed(claimed, options.presence)))
    }
    if (catchUp) results.push(...(await releaseAvailable()))
    scheduleWake()
    return results
  }

  /**
   * Catch-up from the store: every recipient with something held is looked up now, and what may
   * go, goes. This covers a status change whose `onPresenceChange` never ran (the process died
   * after the status write) and a release cut short by a crash (its claims free up when their
   * lease runs out, and the next poll takes them). Release still goes claim → hooks → mark.
   */
  async function releaseAvailable(): Promise<DeliveryResult[]> {
    const results: DeliveryResult[] = []
    for (const userId of await store.heldRecipients({ limit: 1_000 })) {
      try {
        results.push(...(await releaseFor(userId, await options.presence(userId))))
      } catch (error) {
        report(error)
      }
    }
    return results
  }

  async function releaseFor(
    userId: string,
    status: Status,
    only?: string,
  ): Promise<DeliveryResult[]> {
    const pending = await store.pending({ recipientId: userId, limit: 1_000 })
    const ready: string[] = []
    for (const record of pending) {
      if (only !== undefined && record.id !== only) continue
      const decision = await decide(userId, record.urgency, status, record.giveUpAt)
      if (decision.action === 'deliver') ready.push(record.id)
    }
    if (ready.length === 0) return []
    const claimed = await store.claim({
      owner,
      now: clock.now(),
      leaseMs,
      recipientId: userId,
      ids: ready,
      limit: ready.length,
    })
    return releaseClaimed(claimed, () => status)
  }

  // ── the timer ──────────────────────────────────────────────────────────────
  let running = false
  let cancelWake: (() => void) | undefined
  let wakeAt: number | undefined

  function wakeAtOrBefore(at: number): void {
    if (!running) return
    if (wakeAt !== undefined && wakeAt <= at) return
    cancelWake?.()
    wakeAt = at
    cancelWake = scheduler.schedule(Math.max(0, at - clock.now()), () => {
      cancelWake = wakeAt = undefined
      // The catch-up looks up every held recipient: the timer runs it at most once per poll
      // interval, not on every deadline wake, so many distinct deadlines cannot multiply its cost.
      release(clock.now() >= nextCatchUp).catch((error: unknown) => {
        report(error)
        scheduleWake()
      })
    })
  }

  function scheduleWake(): void {
    if (!running) return
    // The poll keeps its own cadence (set by the last catch-up), however many deadline wakes fall
    // in between; Infinity without a poll.
    const poll = nextCatchUp
    store.nextWake().then(
      (next) => {
        const at = Math.min(next ?? Infinity, poll)
        if (at !== Infinity) wakeAtOrBefore(at)
      },
      (error: unknown) => {
        report(error)
        if (poll !== Infinity) wakeAtOrBefore(poll)
      },
    )
  }

  return {
    async send(input) {
      const parsed = parseInput(inputSchema, input, 'notification')
      const payload = checkPayload(input.payload)
      const notification: Notification<P> = {
        id: parsed.id ?? randomId(),
        recipientId: parsed.recipientId,
        urgency: parsed.urgency,
        payload,
        createdAt: clock.now(),
      }
      const status = parsed.status ?? (await options.presence(notification.recipientId))
      const decision = await decide(notification.recipientId, notification.urgency, status)
      if (decision.action === 'deliver')
        return { ...(await deliver(notification, decision)), held: false }
      await store.hold({
        ...notification,
        payload: payload as unknown,
        reason: decision.reason,
        giveUpAt: decision.giveUpAt,
      })
      const result: DeliveryResult = {
        id: notification.id,
        recipientId: notification.recipientId,
        decision,
        delivered: [],
        failed: [],
        skipped: [],
        held: true,
      }
      wakeAtOrBefore(decision.giveUpAt)
      // The recipient may have come back between the presence lookup and the hold, and the app's
      // onPresenceChange may have run in between: look once more so the hold cannot be missed.
      // (A status the caller gave is its own view, not compared with another source.)
      if (parsed.status !== undefined) return result
      const now = await options.presence(notification.recipientId)
      if (now === status) return result
      const [released] = await releaseFor(notification.recipientId, now, notification.id)
      return released ?? result
    },

    async onPresenceChange(userId, presence) {
      const status = parseInput(
        statusSchema,
        typeof presence === 'string' ? presence : presence?.status,
        'status',
      )
      return releaseFor(parseInput(idSchema, userId, 'user id'), status)
    },

    releaseDue: () => release(true),

    async start() {
      if (running) return
      running = true
      await release(true)
    },

    stop() {
      running = false
      cancelWake?.()
      cancelWake = wakeAt = undefined
    },
  }
}

/**
 * The router's `presence` from a PresenceStore: the stored status with the lease applied (no
 * heartbeat for `leaseMs` reads as offline). A user who chose to appear offline is routed as
 * offline: they asked not to be treated as present, so they get the fallback, not a live ping.
 */
export function presenceFromStore(
  store: PresenceStore,
  options: { readonly clock?: Clock; readonly leaseMs?: number } = {},
): (userId: string) => Promise<Status> {
  const clock = options.clock ?? systemClock
  return async (userId) => {
    const [target] = await store.presenceFor(userId, [userId])
    if (!target || target.settings.appearOffline) return 'offline'
    return resolvePresence(
      userId,
      target.presence,
      clock.now(),
      options.leaseMs ?? DEFAULT_LEASE_MS,
    ).status
  }
}
