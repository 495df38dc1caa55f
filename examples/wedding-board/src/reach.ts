/**
 * How to reach someone, from their status: the SPEC story's three choices made visible. Online →
 * message now; idle, away or busy → leave a note they will see soon (busy: it waits until they are
 * free); offline → another route (email, phone).
 */
import type { Status } from '@wedsync/presence-core'

export type ReachGroup = 'now' | 'soon' | 'elsewhere'

export const STATUS_LABEL: Readonly<Record<Status, string>> = {
  online: 'Online',
  idle: 'Idle',
  away: 'Away',
  busy: 'Busy',
  offline: 'Offline',
}

export const REACH_GROUPS: readonly {
  readonly group: ReachGroup
  readonly title: string
  readonly hint: string
}[] = [
  { group: 'now', title: 'Online now', hint: 'Messages are read right away' },
  { group: 'soon', title: 'Around', hint: 'Leave a note: they will see it soon' },
  { group: 'elsewhere', title: 'Offline', hint: 'Reach them by email or phone' },
]

export function reachGroup(status: Status): ReachGroup {
  if (status === 'online') return 'now'
  if (status === 'offline') return 'elsewhere'
  return 'soon'
}

/** The one-line advice on a supplier's row. */
export function reachAdvice(status: Status): string {
  switch (status) {
    case 'online':
      return 'Message: read now'
    case 'busy':
      return 'Do not disturb: message waits'
    case 'idle':
      return 'Leave a note: seen soon'
    case 'away':
      return 'Leave a note: back later'
    case 'offline':
      return 'Email or call'
  }
}
