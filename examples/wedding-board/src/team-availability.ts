/**
 * Team availability as the board shows it: the presence API's sentence as it comes, and on each
 * row "Busy until 15:30", "Usually back by 13:30" or — for someone this wedding's room does not
 * see but the server does — "Online elsewhere in WedSync", plus the server's last seen for people
 * the room never saw. A row's note is shown only while the row's live status agrees with it (the
 * room is fresher than the server's last answer), and a time is never shown once it has passed.
 * Pure.
 */
import type { Status } from '@wedsync/presence-core'
import { describeTime } from '@wedsync/presence-server'
import type { TeamAvailabilitySummary } from '@wedsync/presence-server/client'
import { STATUS_LABEL } from './reach.js'

/** What the server said of one member: their status for the viewer, and the times it knows. */
export interface ServerView {
  readonly status: Status
  /** Last seen, from the server's store (absent when they hide it, or were never seen). */
  readonly lastSeenAt?: number
  readonly busyUntil?: number
  readonly usuallyBackAt?: number
}

export type AvailabilityNote =
  | { readonly kind: 'busy-until'; readonly at: number }
  | { readonly kind: 'usually-back'; readonly at: number }
  | { readonly kind: 'elsewhere'; readonly status: Exclude<Status, 'offline'> }

/** Each member's view from the summary, by user id. */
export function serverViews(summary: TeamAvailabilitySummary): ReadonlyMap<string, ServerView> {
  return new Map(
    summary.members.map((m) => [
      m.userId,
      {
        status: m.status,
        ...(m.lastSeenAt !== undefined && { lastSeenAt: m.lastSeenAt }),
        ...(m.busyUntil !== undefined && { busyUntil: m.busyUntil }),
        ...(m.usuallyBackAt !== undefined && { usuallyBackAt: m.usuallyBackAt }),
      },
    ]),
  )
}

/** The note for a member whose live status (in this wedding's room) is `status`, at `now`. */
export function noteFor(
  view: ServerView | undefined,
  status: Status,
  now: number,
): AvailabilityNote | undefined {
  if (!view) return undefined
  // Not in this room, but in the app: on another wedding, say.
  if (status === 'offline' && view.status !== 'offline')
    return { kind: 'elsewhere', status: view.status }
  if (status === 'busy' && view.busyUntil !== undefined && view.busyUntil > now)
    return { kind: 'busy-until', at: view.busyUntil }
  if (status !== 'online' && view.usuallyBackAt !== undefined && view.usuallyBackAt > now)
    return { kind: 'usually-back', at: view.usuallyBackAt }
  return undefined
}

/** "Busy until 15:30", "Usually back by 09:00 tomorrow", "Online elsewhere in WedSync". */
export function noteText(note: AvailabilityNote, now: number, timeZone: string): string {
  if (note.kind === 'elsewhere') return `${STATUS_LABEL[note.status]} elsewhere in WedSync`
  const when = describeTime(note.at, now, timeZone)
  return note.kind === 'busy-until' ? `Busy until ${when}` : `Usually back by ${when}`
}
