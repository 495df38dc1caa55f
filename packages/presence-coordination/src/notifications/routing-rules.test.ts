import type { Status } from '@wedsync/presence-core'
import { isPresenceServerError } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import {
  type QuietHours,
  quietHoursEnd,
  type RouteInput,
  type RoutingDecision,
  routeNotification,
} from './routing-rules.js'

const NOW = Date.UTC(2026, 5, 13, 12, 0) // Saturday 13 June 2026, 13:00 in London (BST)
const HOUR = 3_600_000
const LONDON_NIGHT: QuietHours = { start: '22:00', end: '07:00', timeZone: 'Europe/London' }

const deliver = (routes: string[], reason: string): RoutingDecision =>
  ({ action: 'deliver', routes, reason }) as RoutingDecision
const hold = (giveUpAt: number, reason: 'busy' | 'quiet-hours'): RoutingDecision => ({
  action: 'hold',
  giveUpAt,
  reason,
})

describe('routeNotification: every rule', () => {
  const statuses: Status[] = ['online', 'idle', 'away', 'busy', 'offline']
  const cases: [string, Omit<RouteInput, 'now'> & { now?: number }, RoutingDecision][] = [
    // Rule 1: an emergency goes everywhere at once, do-not-disturb or not.
    ...statuses.map((status): [string, RouteInput, RoutingDecision] => [
      `emergency, ${status}`,
      { urgency: 'emergency', status, now: NOW },
      deliver(['in-app', 'push', 'fallback'], 'emergency'),
    ]),
    [
      'emergency in quiet hours, busy',
      {
        urgency: 'emergency',
        status: 'busy',
        now: Date.UTC(2026, 5, 13, 23, 0),
        quietHours: LONDON_NIGHT,
      },
      deliver(['in-app', 'push', 'fallback'], 'emergency'),
    ],
    // Rule 5: routine by status.
    ['routine, online', { urgency: 'routine', status: 'online' }, deliver(['in-app'], 'online')],
    ['routine, idle', { urgency: 'routine', status: 'idle' }, deliver(['in-app', 'push'], 'idle')],
    ['routine, away', { urgency: 'routine', status: 'away' }, deliver(['in-app', 'push'], 'away')],
    [
      'routine, offline',
      { urgency: 'routine', status: 'offline' },
      deliver(['fallback'], 'offline'),
    ],
    // Rule 4: busy waits, an hour by default, or as configured.
    ['routine, busy', { urgency: 'routine', status: 'busy' }, hold(NOW + HOUR, 'busy')],
    [
      'routine, busy, maxHoldMs 10 min',
      { urgency: 'routine', status: 'busy', maxHoldMs: 600_000 },
      hold(NOW + 600_000, 'busy'),
    ],
    [
      'routine, busy again while held: the first deadline stays',
      { urgency: 'routine', status: 'busy', giveUpAt: NOW + 60_000 },
      hold(NOW + 60_000, 'busy'),
    ],
    // Rule 3: a held notification past its deadline goes by status, with a push.
    [
      'held, deadline passed, still busy',
      { urgency: 'routine', status: 'busy', giveUpAt: NOW },
      deliver(['in-app', 'push'], 'hold-expired'),
    ],
    [
      'held, deadline passed, offline',
      { urgency: 'routine', status: 'offline', giveUpAt: NOW - 1 },
      deliver(['fallback'], 'hold-expired'),
    ],
    [
      'held, deadline passed, online',
      { urgency: 'routine', status: 'online', giveUpAt: NOW - 1 },
      deliver(['in-app'], 'hold-expired'),
    ],
    [
      'held, deadline not passed, online now',
      { urgency: 'routine', status: 'online', giveUpAt: NOW + 1 },
      deliver(['in-app'], 'online'),
    ],
    // Rule 2: quiet hours (22:00–07:00 London = 21:00–06:00 UTC in June).
    ...(['idle', 'away', 'busy', 'offline'] as Status[]).map(
      (status): [string, RouteInput, RoutingDecision] => [
        `quiet hours, ${status}: wait until 07:00 local`,
        {
          urgency: 'routine',
          status,
          now: Date.UTC(2026, 5, 13, 23, 30),
          quietHours: LONDON_NIGHT,
        },
        hold(Date.UTC(2026, 5, 14, 6, 0), 'quiet-hours'),
      ],
    ),
    [
      'quiet hours after midnight: ends the same local morning',
      {
        urgency: 'routine',
        status: 'offline',
        now: Date.UTC(2026, 5, 14, 2, 0),
        quietHours: LONDON_NIGHT,
      },
      hold(Date.UTC(2026, 5, 14, 6, 0), 'quiet-hours'),
    ],
    [
      'quiet hours, online: in-app interrupts nobody',
      {
        urgency: 'routine',
        status: 'online',
        now: Date.UTC(2026, 5, 13, 23, 30),
        quietHours: LONDON_NIGHT,
      },
      deliver(['in-app'], 'quiet-hours'),
    ],
    [
      'quiet hours outlast a busy deadline',
      {
        urgency: 'routine',
        status: 'busy',
        now: Date.UTC(2026, 5, 13, 23, 30),
        quietHours: LONDON_NIGHT,
        giveUpAt: Date.UTC(2026, 5, 13, 23, 0),
      },
      hold(Date.UTC(2026, 5, 14, 6, 0), 'quiet-hours'),
    ],
    [
      'outside quiet hours: the usual rules',
      { urgency: 'routine', status: 'away', quietHours: LONDON_NIGHT },
      deliver(['in-app', 'push'], 'away'),
    ],
    [
      'quiet hours within one day (13:00–14:00 siesta)',
      {
        urgency: 'routine',
        status: 'idle',
        quietHours: { start: '13:00', end: '14:00', timeZone: 'Europe/London' },
      },
      hold(NOW + HOUR, 'quiet-hours'),
    ],
    [
      'equal start and end: no quiet hours',
      {
        urgency: 'routine',
        status: 'offline',
        quietHours: { start: '13:00', end: '13:00', timeZone: 'Europe/London' },
      },
      deliver(['fallback'], 'offline'),
    ],
    [
      'quiet hours: null means none',
      { urgency: 'routine', status: 'offline', quietHours: null },
      deliver(['fallback'], 'offline'),
    ],
  ]

  it.each(cases)('%s', (_name, input, expected) => {
    expect(routeNotification({ now: NOW, ...input })).toEqual(expected)
  })
})

describe('quietHoursEnd', () => {
  it('follows local wall time across a daylight-saving change', () => {
    // New York springs forward on 8 March 2026: 22:00–07:00 that night is 8 hours long.
    const quiet: QuietHours = { start: '22:00', end: '07:00', timeZone: 'America/New_York' }
    const at = Date.UTC(2026, 2, 8, 3, 30) // 22:30 EST on 7 March
    expect(quietHoursEnd(quiet, at)).toBe(Date.UTC(2026, 2, 8, 11, 0)) // 07:00 EDT
  })

  it('is undefined outside the quiet hours, and at the end minute itself', () => {
    expect(quietHoursEnd(LONDON_NIGHT, NOW)).toBeUndefined()
    expect(quietHoursEnd(LONDON_NIGHT, Date.UTC(2026, 5, 14, 6, 0))).toBeUndefined()
    expect(quietHoursEnd(LONDON_NIGHT, Date.UTC(2026, 5, 14, 5, 59))).toBe(
      Date.UTC(2026, 5, 14, 6, 0),
    )
  })
})

describe('routeNotification: malformed input is a typed error', () => {
  const bad: [string, unknown][] = [
    ['unknown urgency', { urgency: 'whenever', status: 'online', now: NOW }],
    ['unknown status', { urgency: 'routine', status: 'asleep', now: NOW }],
    ['no now', { urgency: 'routine', status: 'online' }],
    ['NaN now', { urgency: 'routine', status: 'online', now: Number.NaN }],
    ['negative hold', { urgency: 'routine', status: 'busy', now: NOW, maxHoldMs: -1 }],
    [
      'bad quiet hours',
      {
        urgency: 'routine',
        status: 'busy',
        now: NOW,
        quietHours: { start: '25:00', end: '07:00', timeZone: 'UTC' },
      },
    ],
    [
      'unknown time zone',
      {
        urgency: 'routine',
        status: 'busy',
        now: NOW,
        quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' },
      },
    ],
  ]
  it.each(bad)('%s', (_name, input) => {
    let caught: unknown
    try {
      routeNotification(input as RouteInput)
    } catch (error) {
      caught = error
    }
    expect(isPresenceServerError(caught) && caught.code).toBe('PRESENCE_PAYLOAD_INVALID')
  })
})
