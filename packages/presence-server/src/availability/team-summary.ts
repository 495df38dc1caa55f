/**
 * `summarizeTeamAvailability` (SPEC 15): a team's presence right now and typically, as data and
 * as one short sentence for a dashboard or an assistant's answer: "3 of 5 suppliers are online;
 * the caterer is busy until 15:30; the florist is usually back by 14:00". Pure: it takes what the
 * viewer may see (redacted presence, and "usually back" times only for members whose history the
 * viewer may see) and `now`. Fields of `TeamAvailability` are kept; this only adds to them.
 */
import { isCustomStatusActive } from '@wedsync/presence-core'
import {
  countStatuses,
  DEFAULT_TEAM_NOUN,
  summarizeAvailability,
  type TeamAvailability,
  type TeamMemberAvailability,
  type TeamNoun,
} from '../privacy/presence-view.js'
import type { PresenceView } from '../privacy/privacy-checker.js'
import { formatClock, localDaysBetween, zonedParts } from './zoned-time.js'

export interface AvailabilityMember {
  /** What the viewer may see of the member (redacted). */
  readonly presence: PresenceView
  readonly role?: string
  /** How the sentence names them; default "the <role>", else their user id. */
  readonly label?: string
  /** When their busy ends, if known (a calendar window); default: a busy custom status's expiry. */
  readonly busyUntil?: number
  /**
   * When they are usually back (e.g. from their history); give it only when the viewer may see
   * their history. Used only while they are neither online nor busy until a known time.
   */
  readonly usuallyBackAt?: number
}

export interface SummarizeTeamOptions {
  readonly teamId: string
  readonly now: number
  readonly members: readonly AvailabilityMember[]
  /** "suppliers". Default member/members. */
  readonly noun?: TeamNoun
  /** Zone of the times in the sentence ("back by 14:00"). Default UTC. */
  readonly timeZone?: string
  /** Most busy/usually-back clauses in the sentence. Default 3. */
  readonly maxClauses?: number
}

export interface MemberAvailability extends TeamMemberAvailability {
  /** Busy, and when that ends. */
  readonly busyUntil?: number
  /** Not online now; usually back by then (from their history). */
  readonly usuallyBackAt?: number
}

export interface TeamAvailabilitySummary extends TeamAvailability {
  readonly members: readonly MemberAvailability[]
  /** The zone of the times in `summary`. */
  readonly timeZone: string
  /** Online now. */
  readonly available: readonly string[]
  /** Busy now, with when it ends where known; soonest first. */
  readonly busy: readonly { readonly userId: string; readonly until?: number }[]
  /** Not online, with when they are usually back; soonest first. */
  readonly usuallyBack: readonly { readonly userId: string; readonly at: number }[]
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

/** "14:00" today, "09:00 tomorrow", "Monday 09:00" within the week, in `timeZone`. */
export function describeTime(at: number, now: number, timeZone: string): string {
  const clock = formatClock(at, timeZone)
  const days = localDaysBetween(now, at, timeZone)
  if (days <= 0) return clock
  if (days === 1) return `${clock} tomorrow`
  return `${WEEKDAYS[zonedParts(at, timeZone).weekday]} ${clock}`
}

function labelOf(member: AvailabilityMember): string {
  return member.label ?? (member.role ? `the ${member.role}` : member.presence.userId)
}

function busyUntilOf(member: AvailabilityMember, now: number): number | undefined {
  if (member.presence.status !== 'busy') return undefined
  if (member.busyUntil !== undefined && member.busyUntil > now) return member.busyUntil
  const custom = member.presence.customStatus
  if (isCustomStatusActive(custom, now) && custom.expiresAt !== undefined) return custom.expiresAt
  return undefined
}

export function summarizeTeamAvailability(options: SummarizeTeamOptions): TeamAvailabilitySummary {
  const { now, teamId } = options
  const timeZone = options.timeZone ?? 'UTC'
  const noun = options.noun ?? DEFAULT_TEAM_NOUN
  const maxClauses = options.maxClauses ?? 3
  const sorted = [...options.members].sort((a, b) =>
    a.presence.userId < b.presence.userId ? -1 : a.presence.userId > b.presence.userId ? 1 : 0,
  )
  const available: string[] = []
  const busy: { userId: string; until?: number; label: string }[] = []
  const back: { userId: string; at: number; label: string }[] = []
  const members = sorted.map((m): MemberAvailability => {
    const { userId, status } = m.presence
    const busyUntil = busyUntilOf(m, now)
    const backAt = status !== 'online' && busyUntil === undefined ? m.usuallyBackAt : undefined
    if (status === 'online') available.push(userId)
    if (status === 'busy')
      busy.push({
        userId,
        label: labelOf(m),
        ...(busyUntil === undefined ? {} : { until: busyUntil }),
      })
    if (backAt !== undefined) back.push({ userId, at: backAt, label: labelOf(m) })
    return {
      ...m.presence,
      ...(m.role === undefined ? {} : { role: m.role }),
      ...(busyUntil === undefined ? {} : { busyUntil }),
      ...(backAt === undefined ? {} : { usuallyBackAt: backAt }),
    }
  })
  busy.sort((a, b) => (a.until ?? Infinity) - (b.until ?? Infinity))
  back.sort((a, b) => a.at - b.at)

  const clauses = [
    ...busy
      .filter((b) => b.until !== undefined)
      .map((b) => `${b.label} is busy until ${describeTime(b.until!, now, timeZone)}`),
    ...back.map((b) => `${b.label} is usually back by ${describeTime(b.at, now, timeZone)}`),
  ]
  const counts = countStatuses(members)
  const head = summarizeAvailability(counts, members.length, noun)
  const shown = clauses.slice(0, maxClauses)
  const more = clauses.length - shown.length
  const summary = [
    head,
    ...shown,
    ...(more > 0 ? [`${more} more ${more === 1 ? 'is' : 'are'} back later`] : []),
  ].join('; ')
  return {
    teamId,
    at: now,
    total: members.length,
    counts,
    summary,
    members,
    timeZone,
    available,
    busy: busy.map(({ userId, until }) => ({ userId, ...(until === undefined ? {} : { until }) })),
    usuallyBack: back.map(({ userId, at }) => ({ userId, at })),
  }
}
