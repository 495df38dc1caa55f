import { PresenceError } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import {
  type ChannelSignal,
  type ChannelState,
  DEFAULT_REJOIN_POLICY,
  INITIAL_CHANNEL_STATE,
  isRateLimitNotice,
  isTokenNotice,
  nextChannelState,
  rejoinDelay,
  type Transition,
} from './channel-status.js'

const SECOND = 1_000
const RATE_LIMITED = {
  extension: 'system',
  status: 'error',
  message: 'Client presence rate limit exceeded',
  channel: 'presence:w1',
}

/** Feeds signals in order at the given times; returns every transition. */
function run(
  steps: readonly (readonly [number, ChannelSignal])[],
  from: ChannelState = INITIAL_CHANNEL_STATE,
  random = 0,
): Transition[] {
  let state = from
  return steps.map(([now, signal]) => {
    const transition = nextChannelState(state, signal, now, random)
    state = transition.state
    return transition
  })
}

/** A join refused by the server, as realtime-js reports it: the reply is the cause. */
function refusal(reason: string): Error {
  return new Error(reason, { cause: { reason } })
}

describe('status mapping', () => {
  it('SUBSCRIBED is joined; a lost socket afterwards is reconnecting until SUBSCRIBED again', () => {
    const lost = new Error('socket closed: 1006', { cause: { code: 1006 } })
    const [joined, error, again] = run([
      [0, { type: 'SUBSCRIBED' }],
      [5 * SECOND, { type: 'CHANNEL_ERROR', error: lost }],
      [6 * SECOND, { type: 'SUBSCRIBED' }],
    ])
    expect(joined!.status).toEqual({ status: 'joined' })
    expect(error!.status).toEqual({
      status: 'reconnecting',
      detail: { reason: 'socket closed: 1006', error: lost },
    })
    expect(error!.rejoinAfterMs).toBeUndefined() // realtime-js rejoins this one itself
    expect(again!.status).toEqual({ status: 'joined' })
    expect(again!.state.joinedAt).toBe(6 * SECOND)
  })

  it('trouble before the first join is still connecting; a refused join is an error', () => {
    const [timedOut, refused, socket] = run([
      [0, { type: 'TIMED_OUT' }],
      [1, { type: 'CHANNEL_ERROR', error: refusal('Unauthorized: You do not have permissions') }],
      [2, { type: 'CHANNEL_ERROR', error: new Error('socket closed: 1006') }],
    ])
    expect(timedOut!.status).toEqual({
      status: 'connecting',
      detail: { reason: 'the join timed out' },
    })
    expect(refused!.status?.status).toBe('error')
    expect(refused!.status?.detail?.reason).toBe('Unauthorized: You do not have permissions')
    expect(socket!.status?.status).toBe('connecting')
  })

  it('a CHANNEL_ERROR with no error still says something', () => {
    const [error] = run([[0, { type: 'CHANNEL_ERROR' }]])
    expect(error!.status).toEqual({ status: 'connecting', detail: { reason: 'channel error' } })
  })

  it('reports system errors and ignores informational system messages', () => {
    const [info, error] = run([
      [
        0,
        { type: 'system', payload: { extension: 'postgres_changes', status: 'ok', message: 'x' } },
      ],
      [1, { type: 'system', payload: RATE_LIMITED }],
    ])
    expect(info!.report).toBeUndefined()
    expect(info!.status).toBeUndefined()
    expect(error!.report).toBeInstanceOf(PresenceError)
    expect(error!.report?.message).toBe('Client presence rate limit exceeded')
    expect(error!.state.notice).toBe('Client presence rate limit exceeded')
    const reportOf = (payload: unknown) => run([[0, { type: 'system', payload }]])[0]!.report
    expect(reportOf(null)).toBeUndefined()
    expect(reportOf('text')).toBeUndefined()
    expect(reportOf({ extension: 'system', status: 'error' })?.message).toBe('system error')
  })

  it('a close by the app is closed, and nothing moves a closed channel again', () => {
    const [closed, after] = run([
      [0, { type: 'close' }],
      [1, { type: 'SUBSCRIBED' }],
    ])
    expect(closed!.status).toEqual({ status: 'closed' })
    expect(after!.status).toBeUndefined()
    expect(after!.state.phase).toBe('closed')
  })
})

describe('rejoin after the server closed the channel', () => {
  it('waits out the presence window after a rate-limit close, then doubles, up to the cap', () => {
    const transitions = run([
      [0, { type: 'SUBSCRIBED' }],
      [1 * SECOND, { type: 'system', payload: RATE_LIMITED }],
      [1 * SECOND, { type: 'CLOSED' }],
      [32 * SECOND, { type: 'SUBSCRIBED' }],
      [33 * SECOND, { type: 'system', payload: RATE_LIMITED }],
      [33 * SECOND, { type: 'CLOSED' }],
    ])
    const closes = transitions.filter((t) => t.rejoinAfterMs !== undefined)
    expect(closes.map((t) => t.rejoinAfterMs)).toEqual([30 * SECOND, 60 * SECOND])
    const first = closes[0]!
    expect(first.status?.status).toBe('reconnecting')
    expect(first.status?.detail?.reason).toBe(
      'Client presence rate limit exceeded; rejoining in 30000 ms',
    )
    expect((first.status!.detail!.error as PresenceError).details).toEqual({
      rejoinInMs: 30 * SECOND,
      rateLimited: true,
    })
    // The notice explained one close; the next one starts without it.
    expect(first.state.notice).toBeUndefined()
    const delays = Array.from({ length: 12 }, (_, i) => rejoinDelay(i + 1, true, 0))
    expect(delays.at(-1)).toBe(DEFAULT_REJOIN_POLICY.rateLimitedMaxMs)
    expect(delays.every((d, i) => i === 0 || d >= delays[i - 1]!)).toBe(true)
  })

  it('other closes back off with full jitter under a ceiling doubling from one second; a membership that lasted resets it', () => {
    const steps = [
      [0, { type: 'SUBSCRIBED' }],
      [1 * SECOND, { type: 'CLOSED' }],
      [3 * SECOND, { type: 'SUBSCRIBED' }],
      [4 * SECOND, { type: 'CLOSED' }],
      [7 * SECOND, { type: 'SUBSCRIBED' }],
      [7 * SECOND + DEFAULT_REJOIN_POLICY.stableAfterMs, { type: 'CLOSED' }],
    ] as const
    const waits = (random: number) =>
      run(steps, INITIAL_CHANNEL_STATE, random).flatMap((t) => t.rejoinAfterMs ?? [])
    expect(waits(0.5)).toEqual([500, 1_000, 500])
    expect(waits(0.999_999)).toEqual([1_000, 2_000, 1_000])
    expect(waits(0)).toEqual([0, 0, 0])
    expect(run(steps, INITIAL_CHANNEL_STATE, 0.5)[1]!.status?.detail?.reason).toBe(
      'the server closed the channel; rejoining in 500 ms',
    )
  })

  it('a close before the first join counts too (connecting, not reconnecting)', () => {
    const [close] = run([[0, { type: 'CLOSED' }]], INITIAL_CHANNEL_STATE, 0.5)
    expect(close!.status?.status).toBe('connecting')
    expect(close!.rejoinAfterMs).toBe(500)
  })

  it('stretches rate-limited waits by the jitter, never shortening them; spreads the others over [0, ceiling]', () => {
    expect(rejoinDelay(1, true, 0)).toBe(30_000)
    expect(rejoinDelay(1, true, 0.999)).toBe(Math.round(30_000 * (1 + 0.2 * 0.999)))
    expect(rejoinDelay(1, false, 0.5)).toBe(500)
    expect(rejoinDelay(20, false, 0.999_999)).toBe(DEFAULT_REJOIN_POLICY.maxMs)
    expect(rejoinDelay(2, false, 0.5, { ...DEFAULT_REJOIN_POLICY, baseMs: 50 })).toBe(50)
    // A crowd closed at once: uniform over the ceiling, not bunched within ±20% of it.
    const crowd = Array.from({ length: 1_000 }, (_, i) => rejoinDelay(1, false, i / 1_000))
    expect(crowd.filter((wait) => wait < 250).length).toBe(250)
  })

  it('recognizes Supabase rate-limit notices', () => {
    expect(isRateLimitNotice('Client presence rate limit exceeded')).toBe(true)
    expect(isRateLimitNotice('Too many presence messages per second')).toBe(true)
    expect(isRateLimitNotice('Too many messages per second')).toBe(true)
    expect(isRateLimitNotice('Token has expired 3 seconds ago')).toBe(false)
    expect(isRateLimitNotice(undefined)).toBe(false)
  })
})

describe('tokens', () => {
  const EXPIRED = {
    extension: 'system',
    status: 'error',
    message: 'Token has expired 0 seconds ago',
    channel: 'presence:w1',
  }

  it('a join refused for its token asks for a fresh one; other refusals and errors do not', () => {
    const [expired, policy, socket] = run([
      [
        0,
        {
          type: 'CHANNEL_ERROR',
          error: refusal('InvalidJWTToken: Token has expired 12 seconds ago'),
        },
      ],
      [1, { type: 'CHANNEL_ERROR', error: refusal('Unauthorized: You do not have permissions') }],
      [2, { type: 'CHANNEL_ERROR', error: new Error('socket closed: 1006') }],
    ])
    expect(expired!.status?.status).toBe('error')
    expect(expired!.refreshToken).toBe(true)
    expect(expired!.rejoinAfterMs).toBeUndefined() // realtime-js retries the join itself
    expect(policy!.refreshToken).toBeUndefined()
    expect(socket!.refreshToken).toBeUndefined()
  })

  it('a close after the expired-token notice asks for one before the new channel; a rate-limit close does not', () => {
    const [, , tokenClose] = run([
      [0, { type: 'SUBSCRIBED' }],
      [1, { type: 'system', payload: EXPIRED }],
      [2, { type: 'CLOSED' }],
    ])
    expect(tokenClose!.rejoinAfterMs).toBeDefined()
    expect(tokenClose!.refreshToken).toBe(true)
    const [, , limitClose] = run([
      [0, { type: 'SUBSCRIBED' }],
      [1, { type: 'system', payload: RATE_LIMITED }],
      [2, { type: 'CLOSED' }],
    ])
    expect(limitClose!.refreshToken).toBeUndefined()
  })

  it("recognizes Supabase's token errors", () => {
    for (const message of [
      'InvalidJWTToken: Token has expired 12 seconds ago',
      'Token has expired 0 seconds ago',
      'MalformedJWT: The token provided is not a valid JWT',
      'JwtSignatureError: Failed to validate JWT signature',
      ':signature_error',
    ])
      expect(isTokenNotice(message)).toBe(true)
    expect(isTokenNotice('Unauthorized: You do not have permissions')).toBe(false)
    expect(isTokenNotice('Client presence rate limit exceeded')).toBe(false)
    expect(isTokenNotice(undefined)).toBe(false)
  })
})
