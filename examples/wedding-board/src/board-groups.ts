/**
 * The board's three groups (online now / around / offline) from a room's members and the wedding's
 * team. Team members the room has never seen count as offline; people in the room who are not on
 * the team (a guest planner, say) are shown too, after the team.
 */
import type { MemberPresence, Status } from '@wedsync/presence-core'
import { type ReachGroup, reachGroup } from './reach.js'

export type BoardGroups = Readonly<Record<ReachGroup, readonly string[]>>

export function groupMembers(
  members: readonly MemberPresence[],
  team: readonly string[],
): BoardGroups {
  const status = new Map<string, Status>(members.map((m) => [m.userId, m.status]))
  const order = [...team, ...members.map((m) => m.userId).filter((id) => !team.includes(id))]
  const groups: Record<ReachGroup, string[]> = { now: [], soon: [], elsewhere: [] }
  for (const userId of order) groups[reachGroup(status.get(userId) ?? 'offline')].push(userId)
  return groups
}

const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i])

/** Equal when every group holds the same people in the same order: the board keeps its layout. */
export function sameGroups(a: BoardGroups, b: BoardGroups): boolean {
  return sameIds(a.now, b.now) && sameIds(a.soon, b.soon) && sameIds(a.elsewhere, b.elsewhere)
}
