import type { TeamAvailabilitySummary } from '@wedsync/presence-server/client'
import { describe, expect, it } from 'vitest'
import { noteFor, noteText, serverViews } from './team-availability.js'

const NOW = Date.UTC(2026, 5, 13, 9, 0) // 10:00 in London
const H = 3_600_000

const summary = {
  teamId: 'wedding-123',
  at: NOW,
  total: 4,
  counts: { online: 2, idle: 0, away: 0, busy: 1, offline: 1 },
  summary: '2 of 4 suppliers are online; the florist is busy until 11:30',
  timeZone: 'Europe/London',
  available: ['u-dj', 'u-photo'],
  busy: [{ userId: 'u-florist', until: NOW + 1.5 * H }],
  usuallyBack: [{ userId: 'u-caterer', at: NOW + 3.5 * H }],
  members: [
    {
      userId: 'u-caterer',
      status: 'offline',
      role: 'caterer',
      lastSeenAt: NOW - 15 * H,
      usuallyBackAt: NOW + 3.5 * H,
    },
    { userId: 'u-dj', status: 'online' },
    { userId: 'u-florist', status: 'busy', busyUntil: NOW + 1.5 * H },
    { userId: 'u-photo', status: 'online' },
  ],
} satisfies TeamAvailabilitySummary

describe('team availability on the rows', () => {
  const views = serverViews(summary)

  it('keeps what the server said of each member', () => {
    expect(views.get('u-florist')).toEqual({ status: 'busy', busyUntil: NOW + 1.5 * H })
    expect(views.get('u-caterer')).toEqual({
      status: 'offline',
      lastSeenAt: NOW - 15 * H,
      usuallyBackAt: NOW + 3.5 * H,
    })
  })

  it('shows busy-until and usually-back-by only while the live status agrees and the time is ahead', () => {
    expect(noteFor(views.get('u-florist'), 'busy', NOW)).toEqual({
      kind: 'busy-until',
      at: NOW + 1.5 * H,
    })
    expect(noteFor(views.get('u-florist'), 'online', NOW)).toBeUndefined()
    expect(noteFor(views.get('u-florist'), 'busy', NOW + 2 * H)).toBeUndefined()
    expect(noteFor(views.get('u-caterer'), 'offline', NOW)).toEqual({
      kind: 'usually-back',
      at: NOW + 3.5 * H,
    })
    expect(noteFor(views.get('u-caterer'), 'online', NOW)).toBeUndefined()
    expect(noteFor(undefined, 'busy', NOW)).toBeUndefined()
  })

  it('says so when the room does not see someone the app does', () => {
    expect(noteFor(views.get('u-dj'), 'offline', NOW)).toEqual({
      kind: 'elsewhere',
      status: 'online',
    })
    expect(noteFor(views.get('u-dj'), 'online', NOW)).toBeUndefined()
  })

  it('says it in the zone of the board', () => {
    const text = (note: Parameters<typeof noteText>[0]) => noteText(note, NOW, 'Europe/London')
    expect(text({ kind: 'busy-until', at: NOW + 1.5 * H })).toBe('Busy until 11:30')
    expect(text({ kind: 'usually-back', at: NOW + 3.5 * H })).toBe('Usually back by 13:30')
    expect(text({ kind: 'usually-back', at: NOW + 24 * H })).toBe('Usually back by 10:00 tomorrow')
    expect(text({ kind: 'elsewhere', status: 'busy' })).toBe('Busy elsewhere in WedSync')
  })
})
