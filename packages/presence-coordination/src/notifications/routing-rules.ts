/**
 * Presence-aware notification routing (SPEC 14), pure: from the recipient's status, the urgency,
 * optional quiet hours and `now`, which routes a notification takes now, or until when it waits.
 * The routes are the app's own (in-app, push, and a fallback such as email or SMS); this module
 * only decides, and never sends anything. No peer routes on presence (research/peers.md §1b), and
 * users ask for exactly this: "deliver live or send a push" (peers.md §3, powersync-service #524).
 */
import type { Status } from '@wedsync/presence-core'
import {
  checkTimeZone,
  MS,
  parseInput,
  statusSchema,
  wallTimeToEpoch,
  zonedParts,
} from '@wedsync/presence-server'
import { z } from 'zod'

/** `emergency` goes out at once on every route; `routine` waits for a good moment. */
export type Urgency = 'emergency' | 'routine'
export const URGENCIES = ['emergency', 'routine'] as const satisfies readonly Urgency[]

/** In the app now; a push to the recipient's devices; the app's fallback (email, SMS, …). */
export type DeliveryRoute = 'in-app' | 'push' | 'fallback'

/** Local hours when routine notifications do not interrupt: `22:00`–`07:00` wraps midnight. */
export interface QuietHours {
  /** `HH:MM`, 24-hour, local time. */
  readonly start: string
  /** `HH:MM`; equal to `start` means no quiet hours. */
  readonly end: string
  /** IANA time zone of the recipient, e.g. `Europe/London`. */
  readonly timeZone: string
}

/** Default longest wait while the recipient is busy (SPEC 14: at most an hour). */
export const DEFAULT_MAX_HOLD_MS = MS.hour

export interface RouteInput {
  readonly urgency: Urgency
  /** The recipient's status now (as the server resolves it: lease applied). */
  readonly status: Status
  readonly now: number
  readonly quietHours?: QuietHours | null
  /** Longest wait while busy. Default 1 hour. */
  readonly maxHoldMs?: number
  /** For a notification already held: the give-up deadline it was given then (never extended). */
  readonly giveUpAt?: number
}

export type RoutingReason =
  | 'emergency'
  | 'online'
  | 'idle'
  | 'away'
  | 'busy'
  | 'offline'
  | 'quiet-hours'
  | 'hold-expired'

export type RoutingDecision =
  | {
      readonly action: 'deliver'
      /** In order: in-app first, the fallback last. Never empty. */
      readonly routes: readonly DeliveryRoute[]
      readonly reason: RoutingReason
    }
  | {
      /** Wait until the recipient is available, or until `giveUpAt`, whichever comes first. */
      readonly action: 'hold'
      readonly giveUpAt: number
      readonly reason: 'busy' | 'quiet-hours'
    }

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/

export const quietHoursSchema = z.strictObject({
  start: z.string().regex(HH_MM, 'Expected HH:MM'),
  end: z.string().regex(HH_MM, 'Expected HH:MM'),
  timeZone: z.string().refine((tz) => {
    try {
      checkTimeZone(tz)
      return true
    } catch {
      return false
    }
  }, 'Expected an IANA time zone'),
})

const epochMs = z.number().refine(Number.isFinite, 'Expected a time in epoch milliseconds')

const routeInputSchema = z.object({
  urgency: z.enum(URGENCIES),
  status: statusSchema,
  now: epochMs,
  quietHours: quietHoursSchema.nullable().optional(),
  maxHoldMs: z
    .number()
    .refine((n) => Number.isFinite(n) && n >= 0, 'Expected a duration ≥ 0 ms')
    .optional(),
  giveUpAt: epochMs.optional(),
})

const EVERY_ROUTE: readonly DeliveryRoute[] = ['in-app', 'push', 'fallback']
const IN_APP: readonly DeliveryRoute[] = ['in-app']
const IN_APP_AND_PUSH: readonly DeliveryRoute[] = ['in-app', 'push']
const FALLBACK: readonly DeliveryRoute[] = ['fallback']

/** Where a notification goes for a recipient with this status, when it may not wait. */
function byStatus(status: Status, reason?: RoutingReason): RoutingDecision {
  switch (status) {
    case 'online':
      return { action: 'deliver', routes: IN_APP, reason: reason ?? 'online' }
    case 'idle':
    case 'away':
    case 'busy':
      // They have the app but are not looking at it: it shows in-app and their devices buzz.
      return { action: 'deliver', routes: IN_APP_AND_PUSH, reason: reason ?? status }
    case 'offline':
      return { action: 'deliver', routes: FALLBACK, reason: reason ?? 'offline' }
  }
}

/**
 * The rules, in order:
 * 1. an emergency is delivered at once on every route, whatever the status (busy is
 *    do-not-disturb, and an emergency ignores it) and whatever the hour;
 * 2. in quiet hours a routine notification goes in-app to someone online (it interrupts nobody
 *    who is using the app) and otherwise waits until the quiet hours end;
 * 3. a held notification whose give-up deadline has passed waits no longer: it goes by status,
 *    with a push for anyone not online (busy included);
 * 4. a busy recipient: wait until they are available, at most `maxHoldMs` (default 1 hour);
 * 5. online: in-app; idle or away: in-app and push; offline: the app's fallback.
 * Throws PRESENCE_PAYLOAD_INVALID on malformed input.
 */
export function routeNotification(input: RouteInput): RoutingDecision {
  const { urgency, status, now, quietHours, maxHoldMs, giveUpAt } = parseInput(
    routeInputSchema,
    input,
    'routing input',
  )
  if (urgency === 'emergency')
    return { action: 'deliver', routes: EVERY_ROUTE, reason: 'emergency' }
  if (quietHours) {
    const quietUntil = quietHoursEnd(quietHours, now)
    if (quietUntil !== undefined) {
      if (status === 'online') return { action: 'deliver', routes: IN_APP, reason: 'quiet-hours' }
      return { action: 'hold', giveUpAt: quietUntil, reason: 'quiet-hours' }
    }
  }
  if (giveUpAt !== undefined && now >= giveUpAt) return byStatus(status, 'hold-expired')
  if (status === 'busy')
    return {
      action: 'hold',
      giveUpAt: Math.min(giveUpAt ?? Infinity, now + (maxHoldMs ?? DEFAULT_MAX_HOLD_MS)),
      reason: 'busy',
    }
  return byStatus(status)
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number)
  return h! * 60 + m!
}

/**
 * When the quiet hours that contain `now` end (epoch ms), or undefined when `now` is outside
 * them. Local wall times: on a daylight-saving day the quiet hours are an hour longer or shorter.
 */
export function quietHoursEnd(quiet: QuietHours, now: number): number | undefined {
  const start = minutesOf(quiet.start)
  const end = minutesOf(quiet.end)
  if (start === end) return undefined
  const local = zonedParts(now, quiet.timeZone)
  const minute = local.hour * 60 + local.minute
  const inside = start < end ? minute >= start && minute < end : minute >= start || minute < end
  if (!inside) return undefined
  // The end is today (local) unless the quiet hours wrap midnight and started today.
  const dayOffset = start > end && minute >= start ? 1 : 0
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + dayOffset))
  return wallTimeToEpoch(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: Math.floor(end / 60),
      minute: end % 60,
    },
    quiet.timeZone,
  )
}
