/**
 * The NotificationStore contract: the guarantees of the port (notification-store.ts) as one
 * vitest suite, run against the memory, PGlite and Postgres stores, and against any other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { HeldNotification, NotificationStore } from './notification-store.js'

export interface NotificationStoreFixture {
  /** A fresh, empty store. */
  readonly store: NotificationStore
  /** A second store over the same data (another instance), when the implementation has one. */
  readonly sibling?: () => Promise<NotificationStore>
  /** Removes what the fixture made (after the store is closed). */
  readonly cleanup?: () => Promise<void>
}

const T0 = Date.UTC(2026, 5, 13, 9, 0)
const MIN = 60_000

function held(id: string, overrides: Partial<HeldNotification> = {}): HeldNotification {
  return {
    id,
    recipientId: 'u-florist',
    urgency: 'routine',
    reason: 'busy',
    payload: { text: `note ${id}`, n: 1, nested: { ok: true } },
    createdAt: T0,
    giveUpAt: T0 + 60 * MIN,
    ...overrides,
  }
}

export function runNotificationStoreContract(
  name: string,
  setup: () => Promise<NotificationStoreFixture>,
  options: { readonly concurrent?: boolean } = {},
): void {
  describe(`NotificationStore contract: ${name}`, () => {
    let fixture: NotificationStoreFixture
    let store: NotificationStore
    beforeEach(async () => {
      fixture = await setup()
      store = fixture.store
    })
    afterEach(async () => {
      await store.close()
      await fixture.cleanup?.()
    })

    it('holds a notification once per id and returns it as stored', async () => {
      expect(await store.hold(held('n1'))).toBe(true)
      expect(await store.hold(held('n1', { payload: 'other' }))).toBe(false)
      expect(await store.get('n1')).toEqual({ ...held('n1'), attempts: 0 })
      expect(await store.get('missing')).toBeUndefined()
    })

    it('keeps any JSON payload as given, a bare string too', async () => {
      for (const [id, payload] of [
        ['s', 'just text'],
        ['num', 7],
        ['nil', null],
      ] as const) {
        await store.hold(held(id, { payload }))
        expect((await store.get(id))?.payload).toEqual(payload)
      }
      // Same deadline: id order (nil, num, s).
      expect((await store.pending()).map((n) => n.payload)).toEqual([null, 7, 'just text'])
    })

    it('lists pending rows deadline first, per recipient', async () => {
      await store.hold(held('late', { giveUpAt: T0 + 50 * MIN }))
      await store.hold(held('early', { giveUpAt: T0 + 10 * MIN }))
      await store.hold(held('other', { recipientId: 'u-dj', giveUpAt: T0 + 5 * MIN }))
      expect((await store.pending()).map((n) => n.id)).toEqual(['other', 'early', 'late'])
      expect((await store.pending({ recipientId: 'u-florist' })).map((n) => n.id)).toEqual([
        'early',
        'late',
      ])
      expect((await store.pending({ limit: 1 })).map((n) => n.id)).toEqual(['other'])
    })

    it('lists held recipients once each, earliest deadline first, claimed or not', async () => {
      expect(await store.heldRecipients()).toEqual([])
      await store.hold(held('late', { giveUpAt: T0 + 50 * MIN }))
      await store.hold(held('early', { giveUpAt: T0 + 10 * MIN }))
      await store.hold(held('dj', { recipientId: 'u-dj', giveUpAt: T0 + 30 * MIN }))
      expect(await store.heldRecipients()).toEqual(['u-florist', 'u-dj'])
      expect(await store.heldRecipients({ limit: 1 })).toEqual(['u-florist'])
      // A claim left by a dead instance still counts as held; a released row does not.
      await store.claim({ owner: 'dead', now: T0, leaseMs: MIN, recipientId: 'u-dj' })
      const [early] = await store.claim({ owner: 'r', now: T0, leaseMs: MIN, ids: ['early'] })
      await store.release(early?.id ?? '', 'r', { at: T0, routes: ['in-app'] })
      expect(await store.heldRecipients()).toEqual(['u-dj', 'u-florist'])
    })

    it('claims with filters, exclusively while the lease lasts', async () => {
      await store.hold(held('a', { giveUpAt: T0 + 10 * MIN }))
      await store.hold(held('b', { giveUpAt: T0 + 20 * MIN }))
      await store.hold(held('c', { recipientId: 'u-dj', giveUpAt: T0 + 5 * MIN }))
      const due = await store.claim({ owner: 'x', now: T0, leaseMs: MIN, dueBy: T0 + 10 * MIN })
      expect(due.map((n) => n.id)).toEqual(['c', 'a'])
      expect(due[0]!.attempts).toBe(1)
      // Claimed rows are not claimable by anyone while the lease lasts.
      expect(await store.claim({ owner: 'y', now: T0 + 30_000, leaseMs: MIN })).toMatchObject([
        { id: 'b' },
      ])
      expect(await store.claim({ owner: 'y', now: T0 + 30_000, leaseMs: MIN })).toEqual([])
      // After the lease, another owner may take them over.
      const again = await store.claim({ owner: 'y', now: T0 + MIN, leaseMs: MIN, ids: ['a'] })
      expect(again.map((n) => [n.id, n.attempts])).toEqual([['a', 2]])
      expect(await store.release('a', 'x', { at: T0 + MIN, routes: ['in-app'] })).toBe(false)
      expect(await store.release('a', 'y', { at: T0 + MIN, routes: ['in-app'] })).toBe(true)
    })

    it('claims by recipient and by id, and honours the limit', async () => {
      await store.hold(held('a'))
      await store.hold(held('b', { recipientId: 'u-dj' }))
      await store.hold(held('c', { giveUpAt: T0 + 61 * MIN }))
      expect(
        (await store.claim({ owner: 'x', now: T0, leaseMs: MIN, recipientId: 'u-dj' })).map(
          (n) => n.id,
        ),
      ).toEqual(['b'])
      expect(
        (await store.claim({ owner: 'x', now: T0, leaseMs: MIN, ids: ['c', 'zzz'] })).map(
          (n) => n.id,
        ),
      ).toEqual(['c'])
      expect(
        (await store.claim({ owner: 'x', now: T0, leaseMs: MIN, limit: 1 })).map((n) => n.id),
      ).toEqual(['a'])
    })

    it('releases once, records the routes, and never claims a released row', async () => {
      await store.hold(held('n1'))
      await store.claim({ owner: 'x', now: T0, leaseMs: MIN })
      expect(await store.release('n1', 'x', { at: T0 + 1000, routes: ['in-app', 'push'] })).toBe(
        true,
      )
      expect(await store.release('n1', 'x', { at: T0 + 2000, routes: ['in-app'] })).toBe(false)
      expect(await store.get('n1')).toMatchObject({
        releasedAt: T0 + 1000,
        releasedBy: 'x',
        releasedRoutes: ['in-app', 'push'],
      })
      expect(await store.claim({ owner: 'y', now: T0 + 10 * MIN, leaseMs: MIN })).toEqual([])
      expect(await store.pending()).toEqual([])
      expect(await store.nextWake()).toBeUndefined()
    })

    it('refuses release without a claim', async () => {
      await store.hold(held('n1'))
      expect(await store.release('n1', 'x', { at: T0, routes: ['in-app'] })).toBe(false)
      expect(await store.release('missing', 'x', { at: T0, routes: ['in-app'] })).toBe(false)
    })

    it('unclaim gives a claim back from retryAt; only the owner can', async () => {
      await store.hold(held('n1'))
      await store.claim({ owner: 'x', now: T0, leaseMs: 10 * MIN })
      await store.unclaim('n1', 'y', T0) // not the owner: nothing changes
      expect(await store.claim({ owner: 'y', now: T0 + MIN, leaseMs: MIN })).toEqual([])
      await store.unclaim('n1', 'x', T0 + 2 * MIN)
      expect(await store.claim({ owner: 'y', now: T0 + MIN, leaseMs: MIN })).toEqual([])
      expect(
        (await store.claim({ owner: 'y', now: T0 + 2 * MIN, leaseMs: MIN })).map((n) => n.id),
      ).toEqual(['n1'])
    })

    it('defer sets a new deadline and reason and ends the claim; only the owner can', async () => {
      await store.hold(held('n1'))
      await store.claim({ owner: 'x', now: T0, leaseMs: 10 * MIN })
      expect(await store.defer('n1', 'y', { giveUpAt: T0, reason: 'quiet-hours' })).toBe(false)
      expect(
        await store.defer('n1', 'x', { giveUpAt: T0 + 600 * MIN, reason: 'quiet-hours' }),
      ).toBe(true)
      expect(await store.get('n1')).toMatchObject({
        giveUpAt: T0 + 600 * MIN,
        reason: 'quiet-hours',
        attempts: 1,
      })
      expect(await store.nextWake()).toBe(T0 + 600 * MIN)
      expect((await store.claim({ owner: 'y', now: T0, leaseMs: MIN })).map((n) => n.id)).toEqual([
        'n1',
      ])
    })

    it('nextWake is the earliest deadline, pushed back by a live claim', async () => {
      expect(await store.nextWake()).toBeUndefined()
      await store.hold(held('a', { giveUpAt: T0 + 10 * MIN }))
      await store.hold(held('b', { giveUpAt: T0 + 20 * MIN }))
      expect(await store.nextWake()).toBe(T0 + 10 * MIN)
      await store.claim({ owner: 'x', now: T0, leaseMs: 15 * MIN, ids: ['a'] })
      expect(await store.nextWake()).toBe(T0 + 15 * MIN)
    })

    it('prunes released rows before a time, and only those', async () => {
      await store.hold(held('old'))
      await store.hold(held('new'))
      await store.hold(held('pending'))
      await store.claim({ owner: 'x', now: T0, leaseMs: MIN, ids: ['old', 'new'] })
      await store.release('old', 'x', { at: T0 + 1, routes: ['fallback'] })
      await store.release('new', 'x', { at: T0 + 100, routes: ['fallback'] })
      expect(await store.pruneReleased(T0 + 50)).toBe(1)
      expect(await store.get('old')).toBeUndefined()
      expect(await store.get('new')).toBeDefined()
      expect(await store.get('pending')).toBeDefined()
    })

    // Only where a second instance over the same data exists (not PGlite: one connection).
    if (options.concurrent)
      it('two instances claiming at once never get the same row', async () => {
        const other = await fixture.sibling!()
        try {
          for (let i = 0; i < 40; i++) await store.hold(held(`n${String(i).padStart(2, '0')}`))
          const claims = await Promise.all(
            Array.from({ length: 8 }, (_, k) =>
              (k % 2 ? other : store).claim({ owner: `o${k}`, now: T0, leaseMs: MIN, limit: 7 }),
            ),
          )
          const ids = claims.flat().map((n) => n.id)
          expect(new Set(ids).size).toBe(ids.length)
          expect(ids.length).toBe(40)
        } finally {
          await other.close()
        }
      })
  })
}
