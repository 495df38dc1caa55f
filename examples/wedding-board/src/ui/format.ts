/** Words for presence values on the board. */
import type { Activity, CustomStatus } from '@wedsync/presence-core'
import type { LastSeenPhrases } from '@wedsync/presence-react'

/** "viewing" + "timeline" → "Viewing the timeline". */
export function describeActivity(activity: Activity): string {
  const action = activity.action.charAt(0).toUpperCase() + activity.action.slice(1)
  return activity.target ? `${action} the ${activity.target}` : action
}

const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' })

export function untilText(custom: CustomStatus): string | undefined {
  return custom.expiresAt === undefined ? undefined : `until ${timeOfDay.format(custom.expiresAt)}`
}

export function formatTime(epochMs: number): string {
  return timeOfDay.format(epochMs)
}

/** For people who are gone: "last seen 5 min ago" reads better than "active 5 min ago". */
export const OFFLINE_PHRASES: LastSeenPhrases = {
  justNow: 'last seen just now',
  active: (ago) => `last seen ${ago}`,
  lastSeen: (day, time) => `last seen ${day} at ${time}`,
}
