import type { MemberPresence, RoomSnapshot } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import { lastSeenText, renderBoard } from './board.js'

const NOW = Date.UTC(2026, 5, 12, 9, 5)
const member = (m: Partial<MemberPresence>): MemberPresence => ({
  userId: 'u',
  status: 'online',
  sessions: [],
  ...m,
})

describe('last seen in words', () => {
  it.each([
    [member({ status: 'idle', lastActiveAt: NOW - 5 * 60_000 }), 'active 5 min ago'],
    [member({ status: 'online', lastActiveAt: NOW - 10_000 }), ''],
    [member({ status: 'idle', lastActiveAt: NOW - 10_000 }), 'active just now'],
    [
      member({ status: 'offline', lastActiveAt: Date.UTC(2026, 5, 11, 18, 40) }),
      'last seen yesterday 18:40',
    ],
    [
      member({ status: 'offline', lastActiveAt: Date.UTC(2026, 5, 12, 7, 30) }),
      'last seen today 07:30',
    ],
    [
      member({ status: 'offline', lastActiveAt: Date.UTC(2026, 5, 8, 9, 12) }),
      'last seen Monday 09:12',
    ],
    [member({ status: 'offline' }), ''],
  ])('%#: %s', (m, text) => {
    expect(lastSeenText(m, NOW)).toBe(text)
  })
})

describe('the board', () => {
  it('lists everyone but the viewer with status in words, and counts them', () => {
    const members = [
      member({ userId: 'me' }),
      member({
        userId: 'u-photo',
        profile: { name: 'Priya', role: 'photographer' },
        activity: { action: 'viewing', target: 'timeline' },
      }),
      member({
        userId: 'u-florist',
        status: 'idle',
        lastActiveAt: NOW - 5 * 60_000,
        customStatus: { text: 'At a venue', emoji: '🌸' },
      }),
    ]
    const snapshot = {
      toArray: () => members,
      values: () => members.values(),
    } as unknown as RoomSnapshot
    const board = renderBoard(snapshot, NOW, 'me')
    expect(board).toContain('Priya (photographer)')
    expect(board).toMatch(/ONLINE\s+viewing the timeline/)
    expect(board).toMatch(/IDLE\s+🌸 “At a venue” · active 5 min ago/)
    expect(board).not.toContain('me (')
    expect(board).toContain('1 online · 1 idle · 0 away · 0 busy · 0 offline')
  })
})
