/**
 * `broadcastUrgent`: core's broadcast with receipts (SPEC 13) wired to the notification router
 * (SPEC 14), in one call. Everyone who confirmed got it live; everyone else — online without a
 * receipt, idle, away, busy, offline, or on the team but not in the room — is handed to the
 * router, which takes each of them another way (push, the app's fallback). The story's rain
 * call: "the ceremony moves to 4 PM" reaches who is there, and the coordinator sees at once who
 * has to be reached another way, and that they are being.
 */
import type { BroadcastReport, PresenceRoom, Status } from '@wedsync/presence-core'
import type { DeliveryResult, NotificationRouter } from './notification-router.js'
import type { Urgency } from './routing-rules.js'

export interface UrgentBroadcastOptions<P> {
  /** The app's event name (what `room.onBroadcast(event, …)` listens to). */
  readonly event: string
  readonly payload: P
  /** How long to wait for receipts. Default: the core's (2 s). */
  readonly timeoutMs?: number
  /**
   * Everyone who must hear it (the wedding's team). Members of it the room does not know are
   * routed too. Default: only the members the room knows.
   */
  readonly team?: readonly string[]
  /** The sender's own user id, left out of `team`. */
  readonly sender?: string
  /** Urgency of the routed notifications. Default `emergency`: every route, at once. */
  readonly urgency?: Urgency
}

/** Why someone was routed instead of reached live. */
export type RoutedBecause = 'no-receipt' | 'not-present' | 'not-in-room'

export interface RoutedRecipient {
  readonly userId: string
  readonly because: RoutedBecause
  /** Their status at send time as the room saw it (absent for `not-in-room`). */
  readonly status?: Status
  /** What the router did; absent when routing failed (then `error` says why). */
  readonly result?: DeliveryResult
  readonly error?: unknown
}

export interface UrgentBroadcastResult {
  /** The core's report: who confirmed, with latencies. */
  readonly report: BroadcastReport
  /** Confirmed receipt: reached live. */
  readonly delivered: readonly string[]
  /** Everyone else, each with what the router did. */
  readonly routed: readonly RoutedRecipient[]
}

/** The notification a routed recipient gets: the broadcast, to show or send on. */
export interface UrgentNotificationPayload<P> {
  readonly broadcastId: string
  readonly event: string
  readonly payload: P
  readonly sentAt: number
}

/**
 * Sends `event` to the room with receipts, then routes everyone who did not confirm through
 * `router` (one notification each, id `<broadcast id>:<user id>`, so a retry is idempotent).
 * Resolves when every routed notification is delivered or held; routing failures are reported
 * per recipient, never thrown. Rejects only when the broadcast itself fails.
 */
export async function broadcastUrgent<P>(
  room: Pick<PresenceRoom, 'broadcast'>,
  router: Pick<NotificationRouter<UrgentNotificationPayload<P>>, 'send'>,
  options: UrgentBroadcastOptions<P>,
): Promise<UrgentBroadcastResult> {
  const report = await room.broadcast(options.event, options.payload, {
    receipts: true,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  })
  const known = new Set(report.recipients.map((r) => r.userId))
  const toRoute: Omit<RoutedRecipient, 'result' | 'error'>[] = []
  for (const r of report.recipients) {
    if (r.outcome === 'delivered') continue
    // Online but silent: they may not have the app in front of them; route like an idle member.
    if (r.outcome === 'no-receipt') toRoute.push({ userId: r.userId, because: r.outcome })
    else toRoute.push({ userId: r.userId, because: r.outcome, status: r.status })
  }
  if (options.sender !== undefined) known.add(options.sender)
  for (const userId of new Set(options.team ?? []))
    if (!known.has(userId)) toRoute.push({ userId, because: 'not-in-room' })

  const payload: UrgentNotificationPayload<P> = {
    broadcastId: report.id,
    event: report.event,
    payload: options.payload,
    sentAt: report.sentAt,
  }
  const routed = await Promise.all(
    toRoute.map(async (recipient): Promise<RoutedRecipient> => {
      try {
        const status: Status | undefined =
          recipient.because === 'no-receipt' ? 'idle' : recipient.status
        const result = await router.send({
          id: `${report.id}:${recipient.userId}`,
          recipientId: recipient.userId,
          urgency: options.urgency ?? 'emergency',
          payload,
          ...(status === undefined ? {} : { status }),
        })
        return { ...recipient, result }
      } catch (error) {
        return { ...recipient, error }
      }
    }),
  )
  return { report, delivered: report.delivered, routed }
}
