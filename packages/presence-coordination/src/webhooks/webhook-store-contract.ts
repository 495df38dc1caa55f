/**
 * The WebhookStore contract: the guarantees of the port (webhook-store.ts) as one vitest suite,
 * run against the memory, PGlite and Postgres stores, and against any other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { WebhookEventType } from './subscription.js'
import type { NewMessage, SubscriptionRecord, WebhookStore } from './webhook-store.js'

export interface WebhookStoreFixture {
  /** A fresh, empty store. */
  readonly store: WebhookStore
  /** A second store over the same data (another instance), when the implementation has one. */
  readonly sibling?: () => Promise<WebhookStore>
  /** Removes what the fixture made (after the store is closed). */
  readonly cleanup?: () => Promise<void>
}

const T0 = Date.UTC(2026, 5, 13, 9, 0)
const SEC = 1_000

function subscription(id: string, overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    id,
    ownerId: 'u-planner',
    url: `https://hooks.example.com/${id}`,
    events: ['presence.online', 'presence.offline'],
    filter: {},
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  }
}

let n = 0
function message(subscriptionId: string, subjectId: string, overrides: Partial<NewMessage> = {}) {
  const type: WebhookEventType = overrides.type ?? 'presence.online'
  const occurredAt = overrides.occurredAt ?? T0
  return {
    id: `msg_${++n}`,
    subscriptionId,
    subjectId,
    type,
    payload: {
      type,
      timestamp: new Date(occurredAt).toISOString(),
      data: { userId: subjectId, status: 'online', previousStatus: 'offline' },
    },
    occurredAt,
    createdAt: T0,
    ...overrides,
  } satisfies NewMessage
}

export function runWebhookStoreContract(
  name: string,
  setup: () => Promise<WebhookStoreFixture>,
  options: { readonly concurrent?: boolean } = {},
): void {
  describe(`WebhookStore contract: ${name}`, () => {
    let fixture: WebhookStoreFixture
    let store: WebhookStore
    beforeEach(async () => {
      fixture = await setup()
      store = fixture.store
    })
    afterEach(async () => {
      await store.close()
      await fixture.cleanup?.()
    })

    it('keeps subscriptions per owner, oldest first, and updates and deletes them', async () => {
      await store.createSubscription(
        subscription('wh_b', { createdAt: T0 + 1, updatedAt: T0 + 1, description: 'CRM' }),
      )
      await store.createSubscription(
        subscription('wh_a', { filter: { teamIds: ['t1'], userIds: ['u-dj', 'u-photo'] } }),
      )
      await store.createSubscription(subscription('wh_c', { ownerId: 'u-other' }))
      expect((await store.listSubscriptions('u-planner')).map((s) => s.id)).toEqual([
        'wh_a',
        'wh_b',
      ])
      expect(await store.countSubscriptions('u-planner')).toBe(2)
      expect(await store.getSubscription('wh_a')).toEqual(
        subscription('wh_a', { filter: { teamIds: ['t1'], userIds: ['u-dj', 'u-photo'] } }),
      )
      expect(await store.getSubscription('missing')).toBeUndefined()

      const updated = await store.updateSubscription(
        'wh_a',
        { url: 'https://hooks.example.com/new', events: ['presence.offline'], filter: {} },
        T0 + 5,
      )
      expect(updated).toMatchObject({
        url: 'https://hooks.example.com/new',
        events: ['presence.offline'],
        filter: {},
        updatedAt: T0 + 5,
      })
      expect((await store.updateSubscription('wh_b', { description: 'x' }, T0 + 6))?.url).toBe(
        'https://hooks.example.com/wh_b',
      )
      expect(await store.updateSubscription('missing', { description: 'x' }, T0)).toBeUndefined()
      expect(await store.deleteSubscription('wh_a')).toBe(true)
      expect(await store.deleteSubscription('wh_a')).toBe(false)
      expect((await store.listSubscriptions('u-planner')).map((s) => s.id)).toEqual(['wh_b'])
    })

    it('lists candidates by user filter, paused ones too', async () => {
      await store.createSubscription(subscription('wh_all'))
      await store.createSubscription(subscription('wh_dj', { filter: { userIds: ['u-dj'] } }))
      await store.createSubscription(subscription('wh_team', { filter: { teamIds: ['t1'] } }))
      await store.pause('wh_all', { at: T0, reason: 'owner' })
      expect((await store.candidates('u-dj')).map((s) => s.id)).toEqual([
        'wh_all',
        'wh_dj',
        'wh_team',
      ])
      expect((await store.candidates('u-photo')).map((s) => s.id)).toEqual(['wh_all', 'wh_team'])
    })

    it('records subject states, keeps the custom status when not given, ignores older ones', async () => {
      expect(await store.recordSubject({ userId: 'u1', status: 'online', at: T0 })).toEqual({
        stale: false,
      })
      const busy = { text: 'At a venue', emoji: '🏛️' }
      expect(
        await store.recordSubject({
          userId: 'u1',
          status: 'busy',
          customStatus: busy,
          at: T0 + SEC,
        }),
      ).toEqual({
        previous: { userId: 'u1', status: 'online', customStatus: null, at: T0 },
        stale: false,
      })
      expect(await store.recordSubject({ userId: 'u1', status: 'idle', at: T0 + 2 * SEC })).toEqual(
        {
          previous: { userId: 'u1', status: 'busy', customStatus: busy, at: T0 + SEC },
          stale: false,
        },
      )
      // Older than what is stored: nothing changes.
      expect(await store.recordSubject({ userId: 'u1', status: 'offline', at: T0 })).toMatchObject({
        previous: { status: 'idle', customStatus: busy },
        stale: true,
      })
      expect(
        await store.recordSubject({
          userId: 'u1',
          status: 'online',
          customStatus: null,
          at: T0 + 3 * SEC,
        }),
      ).toMatchObject({ previous: { status: 'idle', customStatus: busy }, stale: false })
      expect(
        await store.recordSubject({ userId: 'u1', status: 'online', at: T0 + 4 * SEC }),
      ).toMatchObject({ previous: { status: 'online', customStatus: null } })
    })

    it('lists recorded subjects in pages by user id', async () => {
      expect(await store.listSubjects({ limit: 10 })).toEqual([])
      for (const userId of ['u3', 'u1', 'u2'])
        await store.recordSubject({ userId, status: 'online', at: T0 })
      const busy = { text: 'At a venue', emoji: '🏛️' }
      await store.recordSubject({ userId: 'u2', status: 'busy', customStatus: busy, at: T0 + SEC })
      const first = await store.listSubjects({ limit: 2 })
      expect(first).toEqual([
        { userId: 'u1', status: 'online', customStatus: null, at: T0 },
        { userId: 'u2', status: 'busy', customStatus: busy, at: T0 + SEC },
      ])
      expect(await store.listSubjects({ after: 'u2', limit: 2 })).toEqual([
        { userId: 'u3', status: 'online', customStatus: null, at: T0 },
      ])
      expect(await store.listSubjects({ after: 'u3', limit: 2 })).toEqual([])
    })

    it('claims only the oldest undelivered message of each (subscription, user) queue', async () => {
      await store.createSubscription(subscription('wh_a'))
      await store.createSubscription(subscription('wh_b'))
      const m = [
        message('wh_a', 'u1', { id: 'm1' }),
        message('wh_a', 'u1', { id: 'm2', type: 'presence.offline' }),
        message('wh_a', 'u2', { id: 'm3' }),
        message('wh_b', 'u1', { id: 'm4' }),
      ]
      await store.enqueue(m)
      const first = await store.claim({ owner: 'x', now: T0, leaseMs: 30 * SEC })
      expect(first.map((c) => c.id)).toEqual(['m1', 'm3', 'm4'])
      expect(first[0]).toMatchObject({
        attempts: 1,
        url: 'https://hooks.example.com/wh_a',
        secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        payload: m[0]!.payload,
        occurredAt: T0,
      })
      // m2 waits for m1 even once m1's claim is gone, until m1 is delivered.
      expect(await store.claim({ owner: 'y', now: T0, leaseMs: 30 * SEC })).toEqual([])
      const seq1 = first[0]!.seq
      expect(
        await store.failed(seq1, 'x', { nextAttemptAt: T0 + 10 * SEC, error: 'HTTP 503' }),
      ).toBe(true)
      expect(await store.claim({ owner: 'y', now: T0 + SEC, leaseMs: 30 * SEC })).toEqual([])
      expect(await store.nextDue()).toBe(T0 + 10 * SEC)
      const retry = await store.claim({ owner: 'y', now: T0 + 10 * SEC, leaseMs: 30 * SEC })
      expect(retry.map((c) => [c.id, c.attempts, c.lastError])).toEqual([['m1', 2, 'HTTP 503']])
      expect(await store.delivered(seq1, 'x', T0 + 11 * SEC)).toBe(false) // not x's claim now
      expect(await store.delivered(seq1, 'y', T0 + 11 * SEC)).toBe(true)
      expect(await store.delivered(seq1, 'y', T0 + 12 * SEC)).toBe(false)
      expect(
        (await store.claim({ owner: 'y', now: T0 + 11 * SEC, leaseMs: SEC })).map((c) => c.id),
      ).toEqual(['m2'])
    })

    it('orders a queue by when its events happened, whatever order they were enqueued in', async () => {
      await store.createSubscription(subscription('wh_a'))
      await store.enqueue([message('wh_a', 'u1', { id: 'later', occurredAt: T0 + 10 * SEC })])
      await store.enqueue([
        message('wh_a', 'u1', { id: 'earlier', occurredAt: T0 }),
        message('wh_a', 'u1', { id: 'same-time-second', occurredAt: T0 }),
      ])
      const order: string[] = []
      for (let i = 0; i < 4; i++) {
        const claimed = await store.claim({ owner: 'x', now: T0 + 20 * SEC, leaseMs: SEC })
        expect(claimed.length).toBeLessThanOrEqual(1)
        for (const c of claimed) {
          order.push(c.id)
          await store.delivered(c.seq, 'x', T0 + 20 * SEC)
        }
      }
      expect(order).toEqual(['earlier', 'same-time-second', 'later'])
    })

    it('takes over a claim whose lease ran out, and honours the limit', async () => {
      await store.createSubscription(subscription('wh_a'))
      await store.enqueue([
        message('wh_a', 'u1', { id: 'm1' }),
        message('wh_a', 'u2', { id: 'm2' }),
      ])
      expect(
        (await store.claim({ owner: 'dead', now: T0, leaseMs: 30 * SEC, limit: 1 })).map(
          (c) => c.id,
        ),
      ).toEqual(['m1'])
      expect(await store.nextDue()).toBe(T0)
      expect(
        (await store.claim({ owner: 'x', now: T0 + 29 * SEC, leaseMs: 30 * SEC })).map((c) => c.id),
      ).toEqual(['m2'])
      const again = await store.claim({ owner: 'x', now: T0 + 30 * SEC, leaseMs: 30 * SEC })
      expect(again.map((c) => [c.id, c.attempts])).toEqual([['m1', 2]])
      expect(await store.delivered(again[0]!.seq, 'dead', T0 + 31 * SEC)).toBe(false)
      expect(await store.delivered(again[0]!.seq, 'x', T0 + 31 * SEC)).toBe(true)
    })

    it('a paused subscription queues but is not claimed; resuming makes its messages due', async () => {
      await store.createSubscription(subscription('wh_a'))
      await store.enqueue([message('wh_a', 'u1', { id: 'm1' })])
      const [m1] = await store.claim({ owner: 'x', now: T0, leaseMs: SEC })
      await store.failed(m1!.seq, 'x', { nextAttemptAt: T0 + 3600 * SEC, error: 'HTTP 500' })
      expect(
        await store.pause('wh_a', { at: T0 + SEC, reason: 'failing', error: 'HTTP 500' }),
      ).toBe(true)
      expect(await store.getSubscription('wh_a')).toMatchObject({
        pausedAt: T0 + SEC,
        pausedReason: 'failing',
        lastError: 'HTTP 500',
      })
      await store.enqueue([message('wh_a', 'u2', { id: 'm2' })])
      expect(await store.claim({ owner: 'x', now: T0 + 7200 * SEC, leaseMs: SEC })).toEqual([])
      expect(await store.nextDue()).toBeUndefined()
      expect(await store.stats()).toMatchObject({
        activeSubscriptions: 0,
        pausedSubscriptions: 1,
        pending: 2,
        oldestPendingAt: T0,
      })
      expect(await store.resume('wh_a', T0 + 2 * SEC)).toBe(true)
      const sub = await store.getSubscription('wh_a')
      expect(sub?.pausedAt).toBeUndefined()
      expect(sub?.lastError).toBeUndefined()
      const resumed = await store.claim({ owner: 'x', now: T0 + 2 * SEC, leaseMs: SEC })
      expect(resumed.map((c) => [c.id, c.attempts])).toEqual([
        ['m1', 1],
        ['m2', 1],
      ])
      expect(await store.resume('missing', T0)).toBe(false)
    })

    it('lists messages by id and time range, prunes delivered ones, deletes with the subscription', async () => {
      await store.createSubscription(subscription('wh_a'))
      await store.enqueue([
        message('wh_a', 'u1', { id: 'm1', occurredAt: T0 }),
        message('wh_a', 'u1', { id: 'm2', occurredAt: T0 + 10 * SEC }),
        message('wh_a', 'u2', { id: 'm3', occurredAt: T0 + 20 * SEC, replayOf: 'm0' }),
      ])
      expect((await store.messages('wh_a')).map((m) => m.id)).toEqual(['m1', 'm2', 'm3'])
      expect((await store.messages('wh_a', { ids: ['m3', 'm1'] })).map((m) => m.id)).toEqual([
        'm1',
        'm3',
      ])
      expect(
        (await store.messages('wh_a', { from: T0 + 10 * SEC, to: T0 + 20 * SEC })).map((m) => m.id),
      ).toEqual(['m2'])
      expect((await store.messages('wh_a', { ids: ['m3'] }))[0]?.replayOf).toBe('m0')
      const claimed = await store.claim({ owner: 'x', now: T0, leaseMs: SEC })
      for (const c of claimed) await store.delivered(c.seq, 'x', T0 + SEC)
      expect((await store.messages('wh_a', { ids: ['m1'] }))[0]).toMatchObject({
        deliveredAt: T0 + SEC,
      })
      expect(await store.pruneDelivered(T0 + 2 * SEC)).toBe(2)
      expect((await store.messages('wh_a')).map((m) => m.id)).toEqual(['m2'])
      await store.deleteSubscription('wh_a')
      expect(await store.messages('wh_a')).toEqual([])
      expect((await store.stats()).pending).toBe(0)
    })

    // Only where two instances can race (PGlite runs one statement at a time): not run is not skipped.
    if (options.concurrent)
      it('concurrent claims never hand out one message twice', async () => {
        const other = (await fixture.sibling?.()) ?? store
        await store.createSubscription(subscription('wh_a'))
        await store.enqueue(Array.from({ length: 40 }, (_, i) => message('wh_a', `u${i}`)))
        const [a, b] = await Promise.all([
          store.claim({ owner: 'a', now: T0, leaseMs: 30 * SEC, limit: 25 }),
          other.claim({ owner: 'b', now: T0, leaseMs: 30 * SEC, limit: 25 }),
        ])
        const ids = [...a!, ...b!].map((c) => c.id)
        expect(new Set(ids).size).toBe(ids.length)
        expect(ids).toHaveLength(40)
        // One user's two transitions recorded at once: each sees the state the other left.
        const results = await Promise.all([
          store.recordSubject({ userId: 'race', status: 'online', at: T0 }),
          other.recordSubject({ userId: 'race', status: 'online', at: T0 }),
        ])
        expect(results.filter((r) => r.previous === undefined)).toHaveLength(1)
        if (other !== store) await other.close()
      })
  })
}
