import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  automaticStatus,
  DEFAULT_STATUS_POLICY,
  effectiveStatus,
  type InputState,
  isCalendarBusy,
  isCustomStatusActive,
  mostPresent,
  nextAutomaticChangeAt,
  type StatusPolicy,
} from './status-policy.js'
import type { AutomaticStatus, CalendarBusy, ManualStatus, Status } from './types.js'

const MIN = 60_000
const policy = DEFAULT_STATUS_POLICY
const visible = (lastInputAt: number): InputState => ({ lastInputAt, hiddenSince: null })
const hidden = (lastInputAt: number, hiddenSince: number): InputState => ({
  lastInputAt,
  hiddenSince,
})

describe('DEFAULT_STATUS_POLICY', () => {
  it('is idle after 5 minutes, away after 30, hidden idle after 1', () => {
    expect(policy).toEqual({ idleAfterMs: 5 * MIN, awayAfterMs: 30 * MIN, hiddenIdleAfterMs: MIN })
  })
})

describe('automaticStatus', () => {
  it.each<[string, InputState, number, AutomaticStatus]>([
    ['input just now', visible(0), 0, 'online'],
    ['just under 5 minutes', visible(0), 5 * MIN - 1, 'online'],
    ['exactly 5 minutes', visible(0), 5 * MIN, 'idle'],
    ['just under 30 minutes', visible(0), 30 * MIN - 1, 'idle'],
    ['exactly 30 minutes', visible(0), 30 * MIN, 'away'],
    ['hours later', visible(0), 300 * MIN, 'away'],
    ['input in the future (clock moved back)', visible(10 * MIN), 0, 'online'],
    ['hidden just under 1 minute', hidden(0, 0), MIN - 1, 'online'],
    ['hidden exactly 1 minute', hidden(0, 0), MIN, 'idle'],
    ['hidden for long and no input for 30 minutes', hidden(0, 0), 30 * MIN, 'away'],
    ['hidden recently after old input', hidden(0, 29 * MIN), 29 * MIN, 'idle'],
    ['hidden for 1 minute after recent input', hidden(2 * MIN, 2 * MIN), 3 * MIN, 'idle'],
  ])('%s', (_name, input, now, expected) => {
    expect(automaticStatus(input, now, policy)).toBe(expected)
  })

  it('follows a custom policy', () => {
    const fast: StatusPolicy = { idleAfterMs: 1_000, awayAfterMs: 2_000, hiddenIdleAfterMs: 500 }
    expect(automaticStatus(visible(0), 999, fast)).toBe('online')
    expect(automaticStatus(visible(0), 1_000, fast)).toBe('idle')
    expect(automaticStatus(visible(0), 2_000, fast)).toBe('away')
    expect(automaticStatus(hidden(0, 0), 500, fast)).toBe('idle')
  })
})

describe('nextAutomaticChangeAt', () => {
  it.each<[string, InputState, number, number | undefined]>([
    ['online → idle at 5 minutes', visible(0), 0, 5 * MIN],
    ['idle → away at 30 minutes', visible(0), 5 * MIN, 30 * MIN],
    ['away never changes by itself', visible(0), 30 * MIN, undefined],
    ['hidden → idle after 1 minute', hidden(0, 0), 0, MIN],
    ['hidden idle: next is away, not the input idle time', hidden(0, 0), MIN, 30 * MIN],
    ['hidden late: input idle comes first', hidden(0, 4.5 * MIN), 4.5 * MIN, 5 * MIN],
    ['input in the future: idle counts from it', visible(10 * MIN), 0, 15 * MIN],
  ])('%s', (_name, input, now, expected) => {
    expect(nextAutomaticChangeAt(input, now, policy)).toBe(expected)
  })

  it('names exactly the next instant the status changes without new input', () => {
    const time = fc.integer({ min: 0, max: 100 * MIN })
    const arbPolicy = fc
      .record({
        idleAfterMs: fc.integer({ min: 1, max: 20 * MIN }),
        extra: fc.integer({ min: 0, max: 40 * MIN }),
        hiddenIdleAfterMs: fc.integer({ min: 0, max: 20 * MIN }),
      })
      .map(
        ({ idleAfterMs, extra, hiddenIdleAfterMs }): StatusPolicy => ({
          idleAfterMs,
          awayAfterMs: idleAfterMs + extra,
          hiddenIdleAfterMs,
        }),
      )
    const input = fc.record({ lastInputAt: time, hiddenSince: fc.option(time, { nil: null }) })
    fc.assert(
      fc.property(
        input,
        time,
        arbPolicy,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (i, now, p, f) => {
          const current = automaticStatus(i, now, p)
          const next = nextAutomaticChangeAt(i, now, p)
          if (next === undefined) {
            expect(automaticStatus(i, now + 1_000 * MIN, p)).toBe(current)
            return
          }
          expect(next).toBeGreaterThan(now)
          expect(automaticStatus(i, next, p)).not.toBe(current)
          expect(automaticStatus(i, next - 1, p)).toBe(current)
          const between = now + Math.floor(f * (next - now - 1))
          expect(automaticStatus(i, between, p)).toBe(current)
        },
      ),
      { numRuns: 2_000 },
    )
  })
})

describe('isCustomStatusActive', () => {
  it.each([
    ['null', null, 0, false],
    ['undefined', undefined, 0, false],
    ['empty text and no emoji', { text: '' }, 0, false],
    ['empty text and empty emoji', { text: '', emoji: '' }, 0, false],
    ['text without expiry', { text: 'At a venue' }, 1e12, true],
    ['emoji only', { text: '', emoji: '💒' }, 0, true],
    ['before expiry', { text: 'x', expiresAt: 1_000 }, 999, true],
    ['at expiry', { text: 'x', expiresAt: 1_000 }, 1_000, false],
    ['after expiry', { text: 'x', expiresAt: 1_000 }, 5_000, false],
  ])('%s', (_name, custom, now, expected) => {
    expect(isCustomStatusActive(custom, now)).toBe(expected)
  })
})

describe('isCalendarBusy', () => {
  it.each<[string, CalendarBusy | null | undefined, number, boolean]>([
    ['none', undefined, 0, false],
    ['null', null, 0, false],
    ['before the end', { text: 'Tasting', until: 1_000 }, 999, true],
    ['at the end', { text: 'Tasting', until: 1_000 }, 1_000, false],
    ['after the end', { text: 'Tasting', until: 1_000 }, 2_000, false],
  ])('%s', (_name, calendar, now, expected) => {
    expect(isCalendarBusy(calendar, now)).toBe(expected)
  })
})

describe('effectiveStatus', () => {
  const busyUntil = (until: number): CalendarBusy => ({ text: 'Tasting', until })
  it.each<
    [string, AutomaticStatus, ManualStatus | null | undefined, CalendarBusy | undefined, Status]
  >([
    ['automatic online', 'online', undefined, undefined, 'online'],
    ['automatic idle', 'idle', null, undefined, 'idle'],
    ['automatic away', 'away', undefined, undefined, 'away'],
    ['manual busy over online', 'online', 'busy', undefined, 'busy'],
    ['manual away over online', 'online', 'away', undefined, 'away'],
    ['manual away over calendar busy', 'online', 'away', busyUntil(100), 'away'],
    ['calendar busy over online', 'online', undefined, busyUntil(100), 'busy'],
    ['calendar busy over away', 'away', null, busyUntil(100), 'busy'],
    ['ended calendar is ignored', 'idle', undefined, busyUntil(50), 'idle'],
  ])('%s', (_name, automatic, manual, calendar, expected) => {
    expect(effectiveStatus(automatic, manual, calendar, 50)).toBe(expected)
  })
})

describe('mostPresent', () => {
  it.each<[AutomaticStatus, AutomaticStatus, AutomaticStatus]>([
    ['online', 'idle', 'online'],
    ['online', 'away', 'online'],
    ['idle', 'away', 'idle'],
    ['away', 'away', 'away'],
  ])('%s vs %s → %s (either order)', (a, b, expected) => {
    expect(mostPresent(a, b)).toBe(expected)
    expect(mostPresent(b, a)).toBe(expected)
  })
})
