/**
 * The crash scenarios of the notification router as one vitest suite, run against any pair of
 * stores (memory, Postgres): what a SIGKILL leaves in the store (released rows, rows still
 * claimed by the dead instance until their lease ends, a status written with no routing hook
 * run), and what a new instance does with it. Each held id reaches the hooks once, in order.
 * Test-only, like the contract suites; the fake clock drives every lease.
 */
import type { Status } from '@wedsync/presence-core'
import type { PresenceStore } from '@wedsync/presence-server'
import { createFakeClock } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it } from 'vitest'
import {
  createNotificationRouter,
  type NotificationRouter,
  presenceFromStore,
} from '../src/notifications/notification-router.js'
import type { NotificationStore } from '../src/notifications/notification-store.js'

export interface CrashScenarioFixture {
  /** One more instance's store over the same data (fresh data per setup). */
  readonly notifications: () => Promise<NotificationStore>
  /** The presence every instance reads and writes (shared data). */
  readonly presence: PresenceStore
  readonly cleanup?: () => Promise<void>
}

const CLAIM_LEASE_MS = 60_000
/** Presence lease long enough that the recipient stays online while claim leases run out. */
const PRESENCE_LEASE_MS = 10 * 60_000

export function runNotificationCrashScenario(
  name: string,
  setup: () => Promise<CrashScenarioFixture>,
): void {
  describe(`notification router after a crash: ${name}`, () => {
    let fixture: CrashScenarioFixture
    const open: NotificationStore[] = []
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close()
      await fixture.cleanup?.()
    })

    async function world() {
      fixture = await setup()
      const clock = createFakeClock(Date.UTC(2026, 5, 13, 9, 0))
      const delivered: string[] = []
      const presence = presenceFromStore(fixture.presence, { clock, leaseMs: PRESENCE_LEASE_MS })
      /** One server process: its own store connection and router. */
      async function instance(
        id: string,
        inApp: (notificationId: string) => unknown = (n) => delivered.push(n),
      ) {
        const store = await fixture.notifications()
        open.push(store)
        const router: NotificationRouter = createNotificationRouter({
          store,
          hooks: { inApp: (n) => inApp(n.id) },
          presence,
          clock,
          scheduler: clock,
          instanceId: id,
          leaseMs: CLAIM_LEASE_MS,
          pollMs: false,
        })
        return { store, router }
      }
      const setStatus = (status: Status) =>
        fixture.presence.recordStatus({ userId: 'u-florist', status, at: clock.now() })
      const ids = Array.from({ length: 20 }, (_, i) => `note-${String(i + 1).padStart(2, '0')}`)
      return { clock, delivered, instance, setStatus, ids }
    }

    it('a SIGKILL after 3 of 20 releases: the next instance delivers the 17 once each, in order', async () => {
      const w = await world()
      await w.setStatus('busy')
      // Router A: every release after the third never returns (the process is gone mid-release).
      let calls = 0
      let killed: () => void = () => {}
      const died = new Promise<void>((resolve) => {
        killed = resolve
      })
      const a = await w.instance('a', (id) => {
        if (++calls <= 3) return w.delivered.push(id)
        killed()
        return new Promise(() => {})
      })
      for (const id of w.ids) {
        expect(
          (await a.router.send({ id, recipientId: 'u-florist', urgency: 'routine', payload: id }))
            .held,
        ).toBe(true)
        await w.clock.advance(1_000)
      }
      await w.setStatus('online')
      void a.router.onPresenceChange('u-florist', 'online')
      // A claims its batch and releases three (marked released); it dies entering the fourth hook.
      await died
      expect(w.delivered).toEqual(w.ids.slice(0, 3))
      // A is dropped without stop or close: its claims on the other 17 stay in the store.
      expect(await a.store.heldRecipients()).toEqual(['u-florist'])

      // The recipient's status is written again (another instance, say); no routing hook runs.
      await w.setStatus('online')
      const b = await w.instance('b')
      await b.router.start()
      // A's claims still hold: nothing goes twice while they might still be working.
      expect(w.delivered).toEqual(w.ids.slice(0, 3))
      await w.clock.advance(CLAIM_LEASE_MS)
      await w.setStatus('online') // a heartbeat, still with no hook
      await b.router.releaseDue() // what the poll runs
      expect(w.delivered).toEqual(w.ids)
      expect(await b.store.heldRecipients()).toEqual([])
      // Nothing more: not on a later poll, a status change, nor past the deadline.
      await b.router.releaseDue()
      await b.router.onPresenceChange('u-florist', 'online')
      await w.clock.advance(2 * 3_600_000)
      await b.router.releaseDue()
      expect(w.delivered).toEqual(w.ids)
      b.router.stop()
    })

    it('a status written with no routing hook run is caught up on start', async () => {
      const w = await world()
      await w.setStatus('busy')
      const a = await w.instance('a')
      for (const id of w.ids.slice(0, 5))
        await a.router.send({ id, recipientId: 'u-florist', urgency: 'routine', payload: id })
      // The status update is persisted; the process dies before onPresenceChange runs.
      await w.setStatus('online')
      const b = await w.instance('b')
      await b.router.start()
      expect(w.delivered).toEqual(w.ids.slice(0, 5))
      b.router.stop()
    })

    it('two instances polling together deliver each notification exactly once', async () => {
      const w = await world()
      await w.setStatus('busy')
      const a = await w.instance('a')
      const b = await w.instance('b')
      for (const id of w.ids)
        await a.router.send({ id, recipientId: 'u-florist', urgency: 'routine', payload: id })
      await w.setStatus('online')
      const results = (await Promise.all([a.router.releaseDue(), b.router.releaseDue()])).flat()
      expect(results.map((r) => r.id).sort()).toEqual(w.ids)
      expect([...w.delivered].sort()).toEqual(w.ids)
    })
  })
}
