/**
 * From a user's status transition to webhook events: pure. A transition is compared with the last
 * state the outbox recorded for that user (what receivers were last told), so events describe
 * what changed for the user, not for a device: offline → anything is `presence.online`, anything
 * → offline is `presence.offline`, a change between two other statuses is
 * `presence.status_changed`, and a different custom status (text or emoji) is
 * `presence.custom_status_changed`. One transition may give two events (status, then custom
 * status); an unchanged state gives none. The payload is the Standard Webhooks shape
 * `{ type, timestamp, data }`.
 */
import type { CustomStatus, Status } from '@wedsync/presence-core'
import type { WebhookEventType } from './subscription.js'

/**
 * A user's transition as the server reports it: the handlers' `StatusTransition`
 * (`{ userId, status, at, statusChanged, customStatus }`), or a stored `StatusEvent`
 * (`{ userId, from, to, at }`, e.g. from the session sweeper), optionally with the custom status
 * in force after it (null: none; absent: not known, keep the last one).
 */
export type PresenceTransition =
  | {
      readonly userId: string
      readonly status: Status
      readonly at: number
      readonly from?: Status | null
      readonly customStatus?: CustomStatus | null
    }
  | {
      readonly userId: string
      readonly to: Status
      readonly from: Status | null
      readonly at: number
      readonly customStatus?: CustomStatus | null
    }

/** What the outbox last recorded of a user. */
export interface SubjectState {
  readonly userId: string
  readonly status: Status
  /** Null: no custom status. */
  readonly customStatus: CustomStatus | null
  readonly at: number
}

/** The `data` of every presence event. */
export interface PresenceEventData {
  readonly userId: string
  readonly status: Status
  /** The status before; `offline` when the user was never seen. */
  readonly previousStatus: Status
  /** The custom status now, when there is one. */
  readonly customStatus?: CustomStatus
  readonly previousCustomStatus?: CustomStatus
}

/** A webhook's body (Standard Webhooks: type, ISO timestamp of the event, data). */
export interface WebhookPayload {
  readonly type: WebhookEventType
  readonly timestamp: string
  readonly data: PresenceEventData
}

export interface PresenceEvent {
  readonly type: WebhookEventType
  readonly userId: string
  readonly occurredAt: number
  readonly data: PresenceEventData
}

/** The transition's new status, whichever shape it came in. */
export function transitionStatus(transition: PresenceTransition): Status {
  return 'status' in transition ? transition.status : transition.to
}

/** The state after the transition: the custom status is kept when the transition does not say. */
export function nextSubjectState(
  previous: SubjectState | undefined,
  transition: PresenceTransition,
): SubjectState {
  return {
    userId: transition.userId,
    status: transitionStatus(transition),
    customStatus:
      transition.customStatus === undefined
        ? (previous?.customStatus ?? null)
        : transition.customStatus,
    at: transition.at,
  }
}

const sameCustomStatus = (a: CustomStatus | null, b: CustomStatus | null) =>
  (a?.text ?? null) === (b?.text ?? null) && (a?.emoji ?? null) === (b?.emoji ?? null)

/**
 * The events between two states of one user. `previous` absent: the user was never recorded;
 * the transition's `from` (when it has one) stands for the status before, else offline.
 */
export function presenceEvents(
  previous: SubjectState | undefined,
  transition: PresenceTransition,
): PresenceEvent[] {
  const next = nextSubjectState(previous, transition)
  const before: Status = previous?.status ?? transition.from ?? 'offline'
  const beforeCustom = previous?.customStatus ?? null
  const data: PresenceEventData = {
    userId: next.userId,
    status: next.status,
    previousStatus: before,
    ...(next.customStatus ? { customStatus: next.customStatus } : {}),
    ...(beforeCustom ? { previousCustomStatus: beforeCustom } : {}),
  }
  const event = (type: WebhookEventType): PresenceEvent => ({
    type,
    userId: next.userId,
    occurredAt: next.at,
    data,
  })
  const events: PresenceEvent[] = []
  if (before !== next.status) {
    if (before === 'offline') events.push(event('presence.online'))
    else if (next.status === 'offline') events.push(event('presence.offline'))
    else events.push(event('presence.status_changed'))
  }
  if (!sameCustomStatus(beforeCustom, next.customStatus))
    events.push(event('presence.custom_status_changed'))
  return events
}

/** The body sent for an event. */
export function webhookPayload(event: PresenceEvent): WebhookPayload {
  return {
    type: event.type,
    timestamp: new Date(event.occurredAt).toISOString(),
    data: event.data,
  }
}
