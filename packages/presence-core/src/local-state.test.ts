import { describe, expect, it } from 'vitest'
import type { SessionEntry } from './aggregation.js'
import {
  createLocalState,
  nextLocalChangeAt,
  reduceLocal,
  selfPresence,
  settingsFromOtherSessions,
} from './local-state.js'
import { type SessionMeta, MAX_CLOCK_SKEW_MS as SKEW, sessionMetaSchema } from './meta-schema.js'
import { toSessionMeta } from './published-view.js'
import { DEFAULT_STATUS_POLICY as POLICY } from './status-policy.js'

const ids = { userId: 'u', sessionId: 's' }
const ctx = { sessionId: 's', seq: 7, leaseMs: 30_000 }
const MIN = 60_000

describe('local state machine', () => {
  it('derives status from input, visibility, manual status and calendar', () => {
    let s = createLocalState(0)
    expect(selfPresence(s, 0, POLICY, ids).status).toBe('online')
    expect(selfPresence(s, 5 * MIN, POLICY, ids).status).toBe('idle')
    s = reduceLocal(s, { type: 'input' }, 5 * MIN)
    expect(selfPresence(s, 5 * MIN, POLICY, ids).status).toBe('online')
    s = reduceLocal(
      s,
      { type: 'set-calendar', calendar: { text: 'Ceremony', until: 20 * MIN } },
      5 * MIN,
    )
    expect(selfPresence(s, 6 * MIN, POLICY, ids).status).toBe('busy')
    expect(selfPresence(s, 21 * MIN, POLICY, ids).status).toBe('idle')
    s = reduceLocal(s, { type: 'set-manual', status: 'away' }, 6 * MIN)
    expect(selfPresence(s, 7 * MIN, POLICY, ids)).toMatchObject({
      status: 'away',
      automaticStatus: 'online',
      manualStatus: 'away',
    })
    s = reduceLocal(s, { type: 'set-manual', status: null }, 7 * MIN)
    expect(selfPresence(s, 7 * MIN, POLICY, ids).status).toBe('busy')
    s = reduceLocal(s, { type: 'set-calendar', calendar: null }, 7 * MIN)
    expect(s.calendar).toBeUndefined()
    s = reduceLocal(s, { type: 'visibility', hidden: true }, 8 * MIN)
    expect(selfPresence(s, 9 * MIN, POLICY, ids)).toMatchObject({ status: 'idle', hidden: true })
    expect(reduceLocal(s, { type: 'visibility', hidden: true }, 9 * MIN)).toBe(s)
    s = reduceLocal(s, { type: 'visibility', hidden: false }, 10 * MIN)
    expect(selfPresence(s, 10 * MIN, POLICY, ids)).toMatchObject({
      status: 'online',
      hidden: false,
    })
    expect(reduceLocal(s, { type: 'network', online: false }, 10 * MIN).online).toBe(false)
    expect(reduceLocal(s, { type: 'tick' }, 11 * MIN)).toBe(s)
  })

  it('stamps settings strictly increasing, so a later setting always wins', () => {
    let s = createLocalState(100)
    s = reduceLocal(s, { type: 'set-manual', status: 'busy' }, 100)
    s = reduceLocal(s, { type: 'set-manual', status: null }, 100)
    expect(s.manual).toEqual({ status: null, at: 101 })
  })

  it('adopts only settings newer than its own', () => {
    let s = reduceLocal(createLocalState(0), { type: 'set-manual', status: 'busy' }, 50)
    expect(reduceLocal(s, { type: 'adopt', manual: { status: 'away', at: 40 } }, 60)).toBe(s)
    s = reduceLocal(
      s,
      {
        type: 'adopt',
        manual: { status: 'away', at: 60 },
        custom: { status: { text: 'hi' }, at: 60 },
      },
      60,
    )
    expect(s.manual?.status).toBe('away')
    expect(s.custom?.status?.text).toBe('hi')
  })

  describe('adopted stamps cannot come from the future', () => {
    const NOW = Date.UTC(2026, 5, 12, 9, 0)
    const adopt = (at: number, status: 'busy' | 'away' = 'busy', base = createLocalState(NOW)) =>
      reduceLocal(base, { type: 'adopt', manual: { status, at } }, NOW)

    it('takes a stamp up to now + skew as it is, and one beyond as now + skew', () => {
      expect(adopt(NOW + SKEW - 1).manual).toEqual({ status: 'busy', at: NOW + SKEW - 1 })
      expect(adopt(NOW + SKEW).manual).toEqual({ status: 'busy', at: NOW + SKEW })
      expect(adopt(NOW + SKEW + 1).manual).toEqual({ status: 'busy', at: NOW + SKEW })
      expect(adopt(Number.MAX_SAFE_INTEGER).manual).toEqual({ status: 'busy', at: NOW + SKEW })
      const custom = reduceLocal(
        createLocalState(NOW),
        { type: 'adopt', custom: { status: { text: 'hi' }, at: Number.MAX_SAFE_INTEGER } },
        NOW,
      ).custom
      expect(custom).toEqual({ status: { text: 'hi' }, at: NOW + SKEW })
    })

    it('our own next change stamps after it and stays a valid, safe stamp', () => {
      const adopted = adopt(Number.MAX_SAFE_INTEGER)
      const mine = reduceLocal(adopted, { type: 'set-manual', status: null }, NOW + 1)
      expect(mine.manual).toEqual({ status: null, at: NOW + SKEW + 1 })
      expect(Number.isSafeInteger(mine.manual!.at)).toBe(true)
      const meta = toSessionMeta(mine, NOW + 1, POLICY, ctx)
      expect(sessionMetaSchema.safeParse(meta).success).toBe(true)
      // Without the clamp it would have been MAX_SAFE_INTEGER + 1, which no observer accepts.
      expect(
        sessionMetaSchema.safeParse({ ...meta, manual: { status: null, at: 2 ** 53 } }).success,
      ).toBe(false)
    })

    it('a future setting already held is no news: no re-stamp as time moves on', () => {
      const held = adopt(Number.MAX_SAFE_INTEGER)
      const later = NOW + 10_000
      const again = {
        type: 'adopt',
        manual: { status: 'busy', at: Number.MAX_SAFE_INTEGER },
      } as const
      expect(reduceLocal(held, again, later)).toBe(held)
      // A different setting from the future is news, clamped to the bound of its own time.
      const away = reduceLocal(held, { ...again, manual: { status: 'away', at: 2 ** 52 } }, later)
      expect(away.manual).toEqual({ status: 'away', at: later + SKEW })
    })

    it('a stamp we set past the bound ourselves is not overtaken by a clamped one', () => {
      let s = adopt(Number.MAX_SAFE_INTEGER)
      s = reduceLocal(s, { type: 'set-manual', status: null }, NOW) // at NOW + SKEW + 1
      expect(adopt(Number.MAX_SAFE_INTEGER, 'away', s)).toBe(s)
    })
  })

  it('finds the newest settings among a user’s other sessions', () => {
    const entry = (session: string, meta: Partial<SessionMeta>): SessionEntry => ({
      key: 'u',
      ref: session,
      heardAt: 0,
      leaseUntil: 1,
      meta: { v: 1, session, status: 'online', seq: 1, lease: 30_000, ...meta },
    })
    const found = settingsFromOtherSessions(
      [
        entry('s', { manual: { status: 'away', at: 99 } }),
        entry('a', { manual: { status: 'busy', at: 10 }, custom: { status: null, at: 5 } }),
        entry('b', { manual: { status: null, at: 20 } }),
      ],
      's',
    )
    expect(found).toEqual({ manual: { status: null, at: 20 }, custom: { status: null, at: 5 } })
  })

  it('plans the next change: idle, away, custom expiry, calendar end', () => {
    let s = createLocalState(0)
    expect(nextLocalChangeAt(s, 0, POLICY)).toBe(5 * MIN)
    expect(nextLocalChangeAt(s, 5 * MIN, POLICY)).toBe(30 * MIN)
    expect(nextLocalChangeAt(s, 30 * MIN, POLICY)).toBeUndefined()
    s = reduceLocal(s, { type: 'set-custom', custom: { text: 'x', expiresAt: 2 * MIN } }, 0)
    expect(nextLocalChangeAt(s, 0, POLICY)).toBe(2 * MIN)
    s = reduceLocal(s, { type: 'set-calendar', calendar: { text: 'c', until: MIN } }, 0)
    expect(nextLocalChangeAt(s, 0, POLICY)).toBe(MIN)
  })
})
