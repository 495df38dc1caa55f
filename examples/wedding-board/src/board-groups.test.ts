import type { MemberPresence, Status } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import { groupMembers, sameGroups } from './board-groups.js'
import { reachAdvice, reachGroup } from './reach.js'

const member = (userId: string, status: Status): MemberPresence => ({
  userId,
  status,
  sessions: [],
})
const TEAM = ['u-venue', 'u-photo', 'u-florist', 'u-caterer']

describe('the board groups', () => {
  it('puts the story in three groups: message now, note for soon, another route', () => {
    const groups = groupMembers(
      [
        member('u-caterer', 'offline'),
        member('u-florist', 'idle'),
        member('u-photo', 'online'),
        member('u-venue', 'busy'),
      ],
      TEAM,
    )
    expect(groups).toEqual({
      now: ['u-photo'],
      soon: ['u-venue', 'u-florist'],
      elsewhere: ['u-caterer'],
    })
  })

  it('counts team members the room never saw as offline, and shows guests after the team', () => {
    const groups = groupMembers([member('u-guest', 'online'), member('u-photo', 'away')], TEAM)
    expect(groups).toEqual({
      now: ['u-guest'],
      soon: ['u-photo'],
      elsewhere: ['u-venue', 'u-florist', 'u-caterer'],
    })
  })

  it('compares groups by their people and order', () => {
    const a = groupMembers([member('u-photo', 'online')], TEAM)
    expect(sameGroups(a, groupMembers([member('u-photo', 'online')], TEAM))).toBe(true)
    expect(sameGroups(a, groupMembers([member('u-photo', 'idle')], TEAM))).toBe(false)
    expect(sameGroups(a, groupMembers([member('u-photo', 'online')], [...TEAM].reverse()))).toBe(
      false,
    )
  })

  it('advises a way to reach each status', () => {
    expect(
      (['online', 'idle', 'away', 'busy', 'offline'] as const).map((s) => [
        reachGroup(s),
        reachAdvice(s),
      ]),
    ).toEqual([
      ['now', 'Message: read now'],
      ['soon', 'Leave a note: seen soon'],
      ['soon', 'Leave a note: back later'],
      ['soon', 'Do not disturb: message waits'],
      ['elsewhere', 'Email or call'],
    ])
  })
})
