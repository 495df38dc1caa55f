/**
 * Verified presence between devices whose clocks are minutes off the issuer's (the fake clock is
 * the issuer's): every session signs and judges times on the issuer's clock as estimated from its
 * own credentials (issuer-clock.ts). Honest sessions 5 minutes behind or ahead see each other,
 * take manual statuses and expire on their lease like any other, report nothing — and the replay
 * bounds still hold, on the issuer's time.
 */

import type { FakeClock } from '@wedsync/presence-testing'
import { createDeferred } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { createVerifiedWorld, dropReasons, ROOM } from '../../test/verified-world.js'
import { estimateOffset, FIRST_WAIT_MS } from './issuer-clock.js'

const MINUTE = 60_000
const PUBLIC = { roomId: ROOM, private: false }
const T = Date.UTC(2026, 5, 12, 9, 0)

/** Client options for a device whose clock is `offsetMs` off the issuer's. */
const device = (clock: FakeClock, offsetMs: number) => ({
  clock: { now: () => clock.now() + offsetMs },
  scheduler: clock,
})

describe('estimateOffset', () => {
  it('is the middle of iat’s second against the middle of the round trip', () => {
    // Signed in the second T (issuer), asked for at T − 5 min and answered 400 ms later (device).
    expect(estimateOffset(T, T - 5 * MINUTE, T - 5 * MINUTE + 400)).toBe(5 * MINUTE + 300)
    expect(estimateOffset(T, T + 5 * MINUTE, T + 5 * MINUTE)).toBe(-5 * MINUTE + 500)
  })

  it('leaves a device within 2 s of the issuer on its own clock', () => {
    expect(estimateOffset(T, T, T)).toBe(0)
    expect(estimateOffset(T, T + 2_000, T + 2_400)).toBe(0)
    expect(estimateOffset(T, T + 3_000, T + 3_000)).toBe(-2_500)
  })
})

describe('verified devices whose clocks are 5 minutes off', () => {
  it('see each other, with the right last active and a manual busy, and report nothing', async () => {
    const { member, until, clock } = await createVerifiedWorld({ start: T })
    const venue = member('u-venue', device(clock, -5 * MINUTE))
    const photo = member('u-photo', device(clock, 5 * MINUTE))
    const board = venue.client.enter(ROOM)
    const photoRoom = photo.client.enter(ROOM)
    await until(
      () =>
        board.member('u-photo')?.status === 'online' &&
        photoRoom.member('u-venue')?.status === 'online',
      'each other',
    )
    // Last active is on each observer's own clock: now, for both.
    expect(board.member('u-photo')?.lastActiveAt).toBe(T - 5 * MINUTE)
    expect(photoRoom.member('u-venue')?.lastActiveAt).toBe(T + 5 * MINUTE)
    photo.client.setStatus('busy')
    await clock.advance(200)
    await until(() => board.member('u-photo')?.status === 'busy', 'the busy')
    expect(venue.errors).toEqual([])
    expect(photo.errors).toEqual([])
  })

  it('a device that falls silent is shown offline at the end of its lease, not sooner', async () => {
    const { member, until, clock, hub } = await createVerifiedWorld({ start: T })
    const venue = member('u-venue', device(clock, -5 * MINUTE))
    const photo = member('u-photo', device(clock, 5 * MINUTE))
    const board = venue.client.enter(ROOM)
    photo.client.enter(ROOM)
    await until(() => board.member('u-photo')?.status === 'online', 'the photographer')
    const heardAt = clock.now()
    hub.disconnect(photo.label, { silent: true })
    await clock.set(heardAt + 30_000 - 1)
    expect(board.member('u-photo')?.status).toBe('online')
    await clock.advance(1)
    expect(board.member('u-photo')?.status).toBe('offline')
    expect(venue.errors).toEqual([])
  })

  it('what arrives before the first credential waits for it, instead of being dropped', async () => {
    const { member, until, issuer, clock } = await createVerifiedWorld({ start: T })
    const photo = member('u-photo')
    const photoRoom = photo.client.enter(ROOM)
    await until(() => photoRoom.member('u-photo')?.status === 'online', 'the photographer tracked')
    const gate = createDeferred()
    const venue = member('u-venue', {
      ...device(clock, -5 * MINUTE),
      trust: {
        credentials: async (request) => {
          await gate.promise
          return issuer.issue(request)
        },
      },
    })
    const board = venue.client.enter(ROOM)
    await until(() => board.connection === 'joined', 'the board joined')
    // The sync holds the photographer: judged on a clock 5 minutes behind, it would be refused.
    expect(board.member('u-photo')).toBeUndefined()
    gate.resolve()
    await until(() => board.member('u-photo')?.status === 'online', 'the photographer')
    expect(venue.errors).toEqual([])
  })

  it('a credential that never comes holds what is heard for FIRST_WAIT_MS at most', async () => {
    const { member, until, clock } = await createVerifiedWorld({ start: T })
    const photo = member('u-photo')
    const photoRoom = photo.client.enter(ROOM)
    await until(() => photoRoom.member('u-photo')?.status === 'online', 'the photographer tracked')
    const venue = member('u-venue', { trust: { credentials: () => new Promise(() => {}) } })
    const board = venue.client.enter(ROOM)
    await until(() => board.connection === 'joined', 'the board joined')
    await clock.advance(FIRST_WAIT_MS - 1)
    expect(board.member('u-photo')).toBeUndefined()
    await clock.advance(1)
    // Then on the device's own clock (here a correct one): it sees, though it cannot publish.
    await until(() => board.member('u-photo')?.status === 'online', 'the photographer')
  })
})

describe('the replay bounds hold on the issuer’s time', () => {
  const meta = (session: string, seq: number) => ({
    v: 1,
    session,
    status: 'online',
    seq,
    lease: 30_000,
  })

  it('a device 5 minutes behind still refuses times ahead of the issuer’s, or windows passed', async () => {
    const { member, until, raw, signer, clock, settle } = await createVerifiedWorld({ start: T })
    const venue = member('u-venue', device(clock, -5 * MINUTE))
    const board = venue.client.enter(ROOM)
    await until(() => board.member('u-venue')?.status === 'online', 'the board')
    const mallory = await signer('u-mallory')
    const presence = { kind: 'presence', key: 'u-mallory' } as const
    const now = clock.now()
    const signed = (seq: number, times: { at: number; until?: number }) =>
      mallory.sign(PUBLIC, presence, meta(mallory.sessionId, seq), times)
    // More than the skew (30 s) ahead of the issuer, as a device 5 min ahead that did not
    // correct would sign; and a window that ended more than the skew ago.
    await settle(raw('m1', 'u-mallory').track(await signed(now, { at: now + 31_000 })))
    await settle(raw('m2', 'u-mallory').track(await signed(now + 1, { at: now + 5 * MINUTE })))
    await settle(
      raw('m3', 'u-mallory').track(
        await signed(now + 2, { at: now - 61_000, until: now - 31_000 }),
      ),
    )
    await until(() => dropReasons(venue.errors).length === 3, 'three drops')
    expect(dropReasons(venue.errors)).toEqual([
      'from-the-future',
      'from-the-future',
      'window-passed',
    ])
    expect(board.member('u-mallory')).toBeUndefined()
  })

  it('a recorded meta of a device 5 minutes ahead counts no longer than its window', async () => {
    const { member, until, raw, clock, settle } = await createVerifiedWorld({ start: T })
    const venue = member('u-venue', device(clock, -5 * MINUTE))
    const board = venue.client.enter(ROOM)
    const tap = raw('tap', 'u-tap')
    let recorded: { proof: { until: number } } | undefined
    tap.onPresence((e) => {
      if (e.type === 'join' && e.key === 'u-photo') recorded ??= e.metas[0]?.meta as never
    })
    const photo = member('u-photo', device(clock, 5 * MINUTE))
    photo.client.enter(ROOM)
    await until(() => board.member('u-photo')?.status === 'online' && recorded, 'the photographer')
    // Signed on the issuer's time as the photographer estimates it, not its own clock.
    expect(Math.abs(recorded!.proof.until - (clock.now() + 30_000))).toBeLessThanOrEqual(1_000)
    photo.client.destroy()
    await until(() => board.member('u-photo')?.status === 'offline', 'the photographer leaving')
    const replay = raw('mallory', 'u-photo')
    await clock.set(recorded!.proof.until + 30_000)
    await settle(replay.track(recorded))
    await until(() => dropReasons(venue.errors).includes('window-passed'), 'the late replay')
    expect(board.member('u-photo')?.status).toBe('offline')
  })
})
