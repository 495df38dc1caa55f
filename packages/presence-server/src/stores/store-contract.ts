/**
 * `runPresenceStoreContract`: the guarantees of the PresenceStore port (presence-store.ts), as one vitest
 * suite that every implementation runs — memory, Postgres and PGlite here, and any store an app
 * brings. Each test gets a fresh store from `setup` and releases it with `cleanup`.
 */
import type { Status } from '@wedsync/presence-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_PRESENCE_SETTINGS } from '../validation/schemas.js'
import type { PresenceStore, SessionInputs, StatusChange } from './presence-store.js'
import { SESSION_GRACE_MS } from './session-aggregate.js'

export interface StoreContractSetup {
  /** A fresh, empty store (a new schema, a new instance…). */
  readonly store: PresenceStore
  /** Releases it (drops the schema…); the suite calls `store.close()` first. */
  readonly cleanup?: () => Promise<void>
}

const T0 = Date.UTC(2026, 5, 13, 9, 0)
const LEASE = 30_000

/** A new client's report of one session's inputs at `at`, with the default lease. */
function report(
  userId: string,
  sessionId: string,
  at: number,
  session: SessionInputs,
  extra: Partial<StatusChange> = {},
): StatusChange {
  return {
    userId,
    sessionId,
    at,
    status: session.manual?.status ?? session.automatic,
    session,
    leaseUntil: at + LEASE,
    ...extra,
  }
}

export function runPresenceStoreContract(
  name: string,
  setup: () => Promise<StoreContractSetup>,
): void {
  describe(`PresenceStore contract: ${name}`, () => {
    let store: PresenceStore
    let cleanup: (() => Promise<void>) | undefined

    beforeEach(async () => {
      const made = await setup()
      store = made.store
      cleanup = made.cleanup
    })
    afterEach(async () => {
      await store.close()
      await cleanup?.()
    })

    it('reads default settings until a user saves some; a change shows on the next read', async () => {
      expect(await store.getSettings('u-ana')).toEqual(DEFAULT_PRESENCE_SETTINGS)
      const saved = await store.updateSettings('u-ana', { visibility: 'team' }, T0)
      expect(saved).toEqual({ ...DEFAULT_PRESENCE_SETTINGS, visibility: 'team' })
      expect(await store.getSettings('u-ana')).toEqual(saved)
      const again = await store.updateSettings(
        'u-ana',
        { showLastSeen: false, appearOffline: true },
        T0,
      )
      expect(again).toEqual({
        visibility: 'team',
        showLastSeen: false,
        showActivity: true,
        appearOffline: true,
      })
      expect(await store.getSettings('u-ana')).toEqual(again)
      expect(await store.getSettings('u-ben')).toEqual(DEFAULT_PRESENCE_SETTINGS)
    })

    it('records a first status with a transition from null, custom status and activity', async () => {
      const result = await store.recordStatus({
        userId: 'u-ana',
        status: 'online',
        at: T0,
        customStatus: { text: 'At a venue', emoji: '📸', expiresAt: T0 + 3_600_000 },
        activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
      })
      expect(result.presence).toEqual({
        userId: 'u-ana',
        status: 'online',
        lastSeenAt: T0,
        statusChangedAt: T0,
        customStatus: { text: 'At a venue', emoji: '📸', expiresAt: T0 + 3_600_000 },
        activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
      })
      expect(result.transition).toEqual({ userId: 'u-ana', from: null, to: 'online', at: T0 })
      expect(await store.statusEvents('u-ana')).toEqual([result.transition])
    })

    it('records a transition only when the status changes', async () => {
      await store.recordStatus({ userId: 'u-ana', status: 'online', at: T0 })
      const same = await store.recordStatus({ userId: 'u-ana', status: 'online', at: T0 + 1_000 })
      expect(same.transition).toBeUndefined()
      expect(same.presence.lastSeenAt).toBe(T0 + 1_000)
      expect(same.presence.statusChangedAt).toBe(T0)
      const busy = await store.recordStatus({ userId: 'u-ana', status: 'busy', at: T0 + 2_000 })
      expect(busy.transition).toEqual({
        userId: 'u-ana',
        from: 'online',
        to: 'busy',
        at: T0 + 2_000,
      })
      expect(busy.presence.statusChangedAt).toBe(T0 + 2_000)
      expect((await store.statusEvents('u-ana')).map((e) => [e.from, e.to])).toEqual([
        [null, 'online'],
        ['online', 'busy'],
      ])
    })

    it('keeps custom status and activity when absent, clears them on null', async () => {
      await store.recordStatus({
        userId: 'u-ana',
        status: 'online',
        at: T0,
        customStatus: { text: 'Lunch' },
        activity: { action: 'viewing' },
      })
      const kept = await store.recordStatus({ userId: 'u-ana', status: 'busy', at: T0 + 1 })
      expect(kept.presence.customStatus).toEqual({ text: 'Lunch' })
      expect(kept.presence.activity).toEqual({ action: 'viewing' })
      const cleared = await store.recordStatus({
        userId: 'u-ana',
        status: 'busy',
        at: T0 + 2,
        customStatus: null,
        activity: null,
      })
      expect(cleared.presence.customStatus).toBeUndefined()
      expect(cleared.presence.activity).toBeUndefined()
    })

    it('never moves last seen backwards', async () => {
      await store.recordStatus({ userId: 'u-ana', status: 'online', at: T0 + 10_000 })
      const late = await store.recordStatus({ userId: 'u-ana', status: 'away', at: T0 })
      expect(late.presence.lastSeenAt).toBe(T0 + 10_000)
      expect(late.presence.status).toBe('away')
      await store.recordHeartbeat('u-ana', T0 + 5_000)
      const [seen] = await store.presenceFor('u-ana', ['u-ana'])
      expect(seen?.presence?.lastSeenAt).toBe(T0 + 10_000)
    })

    it('heartbeats move last seen forward only, store online first, and record no transition', async () => {
      await store.recordHeartbeat('u-ana', T0)
      let [seen] = await store.presenceFor('u-ben', ['u-ana'])
      expect(seen?.presence).toEqual({
        userId: 'u-ana',
        status: 'online',
        lastSeenAt: T0,
        statusChangedAt: T0,
      })
      await store.recordStatus({ userId: 'u-ana', status: 'busy', at: T0 + 1_000 })
      await store.recordHeartbeat('u-ana', T0 + 20_000)
      ;[seen] = await store.presenceFor('u-ben', ['u-ana'])
      expect(seen?.presence?.status).toBe('busy')
      expect(seen?.presence?.lastSeenAt).toBe(T0 + 20_000)
      expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual(['busy'])
    })

    it('answers presenceFor in request order with settings and relationships', async () => {
      await store.recordStatus({ userId: 'u-ana', status: 'online', at: T0 })
      await store.updateSettings('u-ben', { visibility: 'contacts' }, T0)
      await store.addContact('u-ben', 'u-viewer') // ben keeps the viewer as a contact
      await store.addContact('u-viewer', 'u-cat') // one direction only: cat does not
      await store.addTeamMember({ teamId: 'wedding-1', userId: 'u-viewer' })
      await store.addTeamMember({ teamId: 'wedding-1', userId: 'u-cat', role: 'florist' })
      await store.addTeamMember({ teamId: 'wedding-2', userId: 'u-ana' })
      const out = await store.presenceFor('u-viewer', [
        'u-cat',
        'u-ana',
        'u-ben',
        'u-ana',
        'u-none',
      ])
      expect(out.map((t) => t.userId)).toEqual(['u-cat', 'u-ana', 'u-ben', 'u-ana', 'u-none'])
      expect(out.map((t) => [t.isContact, t.sharesTeam])).toEqual([
        [false, true],
        [false, false],
        [true, false],
        [false, false],
        [false, false],
      ])
      expect(out[2]?.settings.visibility).toBe('contacts')
      expect(out[4]?.settings).toEqual(DEFAULT_PRESENCE_SETTINGS)
      expect(out[4]?.presence).toBeUndefined()
      expect(out[1]?.presence?.status).toBe('online')
      expect(await store.presenceFor('u-viewer', [])).toEqual([])
    })

    it('keeps team members ordered by user id, idempotently, with roles', async () => {
      await store.addTeamMember({ teamId: 't', userId: 'u-b', role: 'photographer' })
      await store.addTeamMember({ teamId: 't', userId: 'U-Z' })
      await store.addTeamMember({ teamId: 't', userId: 'u-a', role: 'venue' })
      await store.addTeamMember({ teamId: 't', userId: 'u-a', role: 'planner' })
      await store.addTeamMember({ teamId: 'other', userId: 'u-c' })
      expect(await store.teamMembers('t')).toEqual([
        { teamId: 't', userId: 'U-Z' },
        { teamId: 't', userId: 'u-a', role: 'planner' },
        { teamId: 't', userId: 'u-b', role: 'photographer' },
      ])
      await store.removeTeamMember('t', 'u-b')
      await store.removeTeamMember('t', 'u-b')
      expect((await store.teamMembers('t')).map((m) => m.userId)).toEqual(['U-Z', 'u-a'])
      expect(await store.teamMembers('missing')).toEqual([])
      const [a] = await store.presenceFor('u-a', ['U-Z'])
      expect(a?.sharesTeam).toBe(true)
      await store.removeTeamMember('t', 'u-a')
      const [b] = await store.presenceFor('u-a', ['U-Z'])
      expect(b?.sharesTeam).toBe(false)
    })

    it('adds and removes contacts idempotently', async () => {
      await store.addContact('u-ana', 'u-ben')
      await store.addContact('u-ana', 'u-ben')
      expect((await store.presenceFor('u-ben', ['u-ana']))[0]?.isContact).toBe(true)
      expect((await store.presenceFor('u-ana', ['u-ben']))[0]?.isContact).toBe(false)
      await store.removeContact('u-ana', 'u-ben')
      await store.removeContact('u-ana', 'u-ben')
      expect((await store.presenceFor('u-ben', ['u-ana']))[0]?.isContact).toBe(false)
    })

    it('lists transitions by time range and limit, and prunes old ones', async () => {
      const statuses: Status[] = ['online', 'idle', 'away', 'busy', 'offline', 'online']
      for (const [i, status] of statuses.entries())
        await store.recordStatus({ userId: 'u-ana', status, at: T0 + i * 60_000 })
      await store.recordStatus({ userId: 'u-ben', status: 'online', at: T0 })
      const all = await store.statusEvents('u-ana')
      expect(all.map((e) => e.to)).toEqual(statuses)
      const middle = await store.statusEvents('u-ana', { since: T0 + 60_000, until: T0 + 240_000 })
      expect(middle.map((e) => e.to)).toEqual(['idle', 'away', 'busy'])
      expect((await store.statusEvents('u-ana', { limit: 2 })).map((e) => e.to)).toEqual([
        'online',
        'idle',
      ])
      expect(await store.pruneEvents(T0 + 120_000)).toBe(3) // ana's first two and ben's
      expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual([
        'away',
        'busy',
        'offline',
        'online',
      ])
      expect(await store.statusEvents('u-ben')).toEqual([])
      expect(await store.pruneEvents(T0)).toBe(0)
    })

    it('serializes concurrent status updates of one user: transitions form one chain', async () => {
      const statuses: Status[] = Array.from(
        { length: 40 },
        (_, i) => (['online', 'busy', 'away', 'idle'] as const)[i % 4]!,
      )
      await Promise.all(
        statuses.map((status) => store.recordStatus({ userId: 'u-ana', status, at: T0 })),
      )
      const events = await store.statusEvents('u-ana')
      expect(events[0]?.from).toBeNull()
      for (let i = 1; i < events.length; i++) expect(events[i]?.from).toBe(events[i - 1]?.to)
      const [last] = await store.presenceFor('u-ana', ['u-ana'])
      expect(last?.presence?.status).toBe(events.at(-1)?.to)
    })

    it('answers each of many concurrent writers with its own row', async () => {
      const users = Array.from({ length: 120 }, (_, i) => `u-${i}`)
      const statuses: Status[] = ['online', 'idle', 'away', 'busy', 'offline']
      const results = await Promise.all(
        users.map((userId, i) =>
          store.recordStatus({
            userId,
            status: statuses[i % 5]!,
            at: T0 + i,
            customStatus: i % 2 ? { text: `text ${i}` } : null,
            ...(i % 3 ? { activity: { action: `a${i}` } } : {}),
          }),
        ),
      )
      results.forEach((result, i) => {
        expect(result.presence.userId).toBe(users[i])
        expect(result.presence.status).toBe(statuses[i % 5])
        expect(result.presence.customStatus).toEqual(i % 2 ? { text: `text ${i}` } : undefined)
        expect(result.presence.activity).toEqual(i % 3 ? { action: `a${i}` } : undefined)
        expect(result.transition).toEqual({
          userId: users[i],
          from: null,
          to: statuses[i % 5],
          at: T0 + i,
        })
      })
      await Promise.all(users.map((userId, i) => store.recordHeartbeat(userId, T0 + 1_000 + i)))
      const seen = await store.presenceFor('u-viewer', users)
      seen.forEach((target, i) => {
        expect(target.presence?.lastSeenAt).toBe(T0 + 1_000 + i)
        expect(target.presence?.status).toBe(statuses[i % 5])
      })
    })

    it('refuses a status update past its notAfter, alone: the others of its batch land', async () => {
      // Made at once, so a store that batches writes them together.
      const [late, inTime, noDeadline] = await Promise.allSettled([
        store.recordStatus({ userId: 'u-late', status: 'busy', at: T0, notAfter: Date.now() - 1 }),
        store.recordStatus({
          userId: 'u-in-time',
          status: 'busy',
          at: T0,
          notAfter: Date.now() + 60_000,
        }),
        store.recordStatus({ userId: 'u-any-time', status: 'busy', at: T0 }),
      ])
      expect(late.status).toBe('rejected')
      expect(inTime.status).toBe('fulfilled')
      expect(noDeadline.status).toBe('fulfilled')
      const seen = await store.presenceFor('u-viewer', ['u-late', 'u-in-time', 'u-any-time'])
      expect(seen.map((target) => target.presence?.status)).toEqual([undefined, 'busy', 'busy'])
      expect(await store.statusEvents('u-late')).toEqual([])
    })

    it('stores text exactly as given (no escaping, no interpretation)', async () => {
      const text = `'; drop table user_last_seen; -- <script>alert("x")</script> \\ $1 %s 👩‍🌾 é`
      await store.recordStatus({
        userId: "u-o'brien",
        status: 'online',
        at: T0,
        customStatus: { text, emoji: '🏴󠁧󠁢󠁳󠁣󠁴󠁿' },
        activity: { action: 'viewing', page: '/w/123?x="1"&y=<b>' },
      })
      const [seen] = await store.presenceFor('u-viewer', ["u-o'brien"])
      expect(seen?.presence?.customStatus).toEqual({ text, emoji: '🏴󠁧󠁢󠁳󠁣󠁴󠁿' })
      expect(seen?.presence?.activity).toEqual({ action: 'viewing', page: '/w/123?x="1"&y=<b>' })
      expect(await store.getSettings('u-viewer')).toEqual(DEFAULT_PRESENCE_SETTINGS)
    })

    // Stores that keep sessions (all of ours: memory, Postgres, PGlite, Supabase); a custom store
    // without the optional session methods skips these.
    describe('sessions', () => {
      it("aggregates a user's sessions as rooms do: a second device going idle records nothing", async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        const phone = await store.recordStatus(
          report('u-ana', 'phone', T0, { automatic: 'online' }),
        )
        expect(phone.transition).toEqual({ userId: 'u-ana', from: null, to: 'online', at: T0 })
        const laptop = await store.recordStatus(
          report('u-ana', 'laptop', T0 + 1_000, { automatic: 'idle' }),
        )
        expect(laptop.transition).toBeUndefined()
        expect(laptop.presence.status).toBe('online')
        const idle = await store.recordStatus(
          report('u-ana', 'phone', T0 + 2_000, { automatic: 'idle' }),
        )
        expect(idle.transition).toEqual({
          userId: 'u-ana',
          from: 'online',
          to: 'idle',
          at: T0 + 2_000,
        })
        expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual(['online', 'idle'])
        expect((await store.sessionsOf!('u-ana')).map((x) => x.sessionId)).toEqual([
          'laptop',
          'phone',
        ])
      })

      it('a manual status applies to the user, the latest stamp winning across sessions', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus(report('u-ana', 'phone', T0, { automatic: 'online' }))
        const busy = await store.recordStatus(
          report('u-ana', 'laptop', T0 + 1, {
            automatic: 'online',
            manual: { status: 'busy', at: T0 + 1 },
          }),
        )
        expect(busy.presence.status).toBe('busy')
        // The phone still reports no manual status: the laptop's busy stays.
        const still = await store.recordStatus(
          report('u-ana', 'phone', T0 + 2, { automatic: 'online' }),
        )
        expect(still.presence.status).toBe('busy')
        const cleared = await store.recordStatus(
          report('u-ana', 'phone', T0 + 3, {
            automatic: 'idle',
            manual: { status: null, at: T0 + 3 },
          }),
        )
        expect(cleared.presence.status).toBe('online') // the laptop is online
        expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual([
          'online',
          'busy',
          'online',
        ])
      })

      it('keeps sessions per user: the same session id of another user is another session', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus(report('u-ana', 's1', T0, { automatic: 'online' }))
        await store.recordStatus(
          report('u-ben', 's1', T0, { automatic: 'online', manual: { status: 'busy', at: T0 } }),
        )
        const [ana, ben] = await store.presenceFor('u-viewer', ['u-ana', 'u-ben'])
        expect([ana?.presence?.status, ben?.presence?.status]).toEqual(['online', 'busy'])
      })

      it('sweeps sessions past their lease, records the transition once, and is durable', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus(report('u-ana', 'phone', T0, { automatic: 'online' }))
        await store.recordStatus(
          report('u-ana', 'laptop', T0, { automatic: 'idle' }, { leaseUntil: T0 + 2 * LEASE }),
        )
        const early = await store.sweepSessions!(T0 + LEASE - 1)
        expect(early.transitions).toEqual([])
        // Several sweeps at once (instances): the phone's expiry is one transition.
        const sweeps = await Promise.all([
          store.sweepSessions!(T0 + LEASE),
          store.sweepSessions!(T0 + LEASE),
          store.sweepSessions!(T0 + LEASE),
        ])
        expect(sweeps.flatMap((r) => r.transitions)).toEqual([
          { userId: 'u-ana', from: 'online', to: 'idle', at: T0 + LEASE },
        ])
        const [seen] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(seen?.presence?.status).toBe('idle')
        // The phone is kept, counting for nothing, until the grace is over.
        const kept = await store.sessionsOf!('u-ana')
        expect(kept.map((x) => [x.sessionId, x.leaseUntil])).toEqual([
          ['laptop', T0 + 2 * LEASE],
          ['phone', T0 + LEASE],
        ])
        const last = await store.sweepSessions!(T0 + 2 * LEASE)
        expect(last.transitions.map((e) => [e.from, e.to])).toEqual([['idle', 'offline']])
        expect((await store.sweepSessions!(T0 + 3 * LEASE)).transitions).toEqual([])
        const removed = await store.sweepSessions!(T0 + 2 * LEASE + SESSION_GRACE_MS)
        expect(removed.expired).toBe(2)
        expect(await store.sessionsOf!('u-ana')).toEqual([])
        expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual([
          'online',
          'idle',
          'offline',
        ])
      })

      it('sweeps at most `limit` users a call, until none is due', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        const users = Array.from({ length: 25 }, (_, i) => `u-${String(i).padStart(2, '0')}`)
        await Promise.all(
          users.map((userId, i) =>
            store.recordStatus(
              report(userId, 'phone', T0, { automatic: 'online' }, { leaseUntil: T0 + 1_000 + i }),
            ),
          ),
        )
        const now = T0 + 60_000
        const first = await store.sweepSessions!(now, { limit: 10 })
        const second = await store.sweepSessions!(now, { limit: 10 })
        const third = await store.sweepSessions!(now, { limit: 10 })
        expect([first.users, second.users, third.users]).toEqual([10, 10, 5])
        // The most overdue first.
        expect(first.transitions.map((e) => e.userId).sort()).toEqual(users.slice(0, 10))
        const all = [first, second, third].flatMap((r) => r.transitions)
        expect(all.map((e) => e.userId).sort()).toEqual(users)
        expect(all.every((e) => e.from === 'online' && e.to === 'offline')).toBe(true)
        expect((await store.sweepSessions!(now)).users).toBe(0)
      })

      it('a heartbeat renews its session: the sweep leaves it live', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus(report('u-ana', 'phone', T0, { automatic: 'online' }))
        await store.recordHeartbeat('u-ana', T0 + 20_000, {
          sessionId: 'phone',
          leaseUntil: T0 + 20_000 + LEASE,
        })
        const sweep = await store.sweepSessions!(T0 + LEASE + 1)
        expect(sweep.transitions).toEqual([])
        expect(sweep.users).toBe(0) // nothing was due: the heartbeat moved the sweep
        const [seen] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(seen?.presence?.status).toBe('online')
        expect(seen?.presence?.lastSeenAt).toBe(T0 + 20_000)
        // A heartbeat after the lease ended (within the grace) brings the session back.
        const gone = await store.sweepSessions!(T0 + 20_000 + LEASE)
        expect(gone.transitions.map((e) => e.to)).toEqual(['offline'])
        await store.recordHeartbeat('u-ana', T0 + 60_000, { sessionId: 'phone' })
        const [back] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(back?.presence?.status).toBe('online')
        expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual([
          'online',
          'offline',
          'online',
        ])
      })

      it('a heartbeat after a lapse revives the session with what it last reported', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        // An old client: busy, then only heartbeats, one of them late (a throttled tab).
        await store.recordStatus({
          userId: 'u-ana',
          status: 'busy',
          at: T0,
          leaseUntil: T0 + LEASE,
        })
        const lapse = await store.sweepSessions!(T0 + LEASE)
        expect(lapse.transitions.map((e) => e.to)).toEqual(['offline'])
        await store.recordHeartbeat('u-ana', T0 + 50_000, { leaseUntil: T0 + 50_000 + LEASE })
        const [back] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(back?.presence?.status).toBe('busy')
        expect((await store.statusEvents('u-ana')).map((e) => e.to)).toEqual([
          'busy',
          'offline',
          'busy',
        ])
        // Past the grace it is gone: a heartbeat then starts a fresh session, online.
        await store.sweepSessions!(T0 + 50_000 + LEASE + SESSION_GRACE_MS)
        const late = T0 + 50_000 + LEASE + SESSION_GRACE_MS + 1
        await store.recordHeartbeat('u-ana', late, { leaseUntil: late + LEASE })
        const [fresh] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(fresh?.presence?.status).toBe('online')
      })

      it('a session that leaves is gone at once; the user is what the others say', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus(
          report('u-ana', 'phone', T0, {
            automatic: 'online',
            custom: {
              status: { text: 'At a venue' },
              at: T0,
            },
          }),
        )
        await store.recordStatus(report('u-ana', 'laptop', T0, { automatic: 'away' }))
        const left = await store.endSession!('u-ana', 'phone', T0 + 5_000)
        expect(left.presence.status).toBe('away')
        expect(left.presence.customStatus).toBeUndefined()
        expect(left.customStatusChanged).toBe(true)
        expect(left.transition?.to).toBe('away')
        const last = await store.endSession!('u-ana', 'laptop', T0 + 6_000)
        expect(last.presence.status).toBe('offline')
        expect((await store.endSession!('u-ana', 'laptop', T0 + 7_000)).transition).toBeUndefined()
        // Ending a session nobody holds stores nothing, for a user never seen either.
        const none = await store.endSession!('u-nobody', 'phone', T0)
        expect(none.transition).toBeUndefined()
        expect(await store.statusEvents('u-nobody')).toEqual([])
        expect((await store.presenceFor('u-viewer', ['u-nobody']))[0]?.presence).toBeUndefined()
      })

      it('custom status expiry and the end of a calendar window are swept', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus(
          report(
            'u-ana',
            'phone',
            T0,
            {
              automatic: 'online',
              custom: { status: { text: 'Lunch', expiresAt: T0 + 10_000 }, at: T0 },
              calendar: { text: 'Ceremony', until: T0 + 20_000 },
            },
            { leaseUntil: T0 + 10 * LEASE },
          ),
        )
        let [seen] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(seen?.presence?.status).toBe('busy')
        expect(seen?.presence?.customStatus).toEqual({ text: 'Lunch', expiresAt: T0 + 10_000 })
        const expiry = await store.sweepSessions!(T0 + 10_000)
        expect(expiry.customStatusChanged).toEqual(['u-ana'])
        expect(expiry.transitions).toEqual([])
        const end = await store.sweepSessions!(T0 + 20_000)
        expect(end.transitions.map((e) => [e.from, e.to])).toEqual([['busy', 'online']])
        ;[seen] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(seen?.presence?.customStatus).toBeUndefined()
        expect(seen?.presence?.status).toBe('online')
      })

      it('clients without a session id share one implicit session: offline hides it', async (context) => {
        if (!store.sweepSessions) return context.skip() // a store without sessions
        await store.recordStatus({ userId: 'u-ana', status: 'busy', at: T0 })
        await store.recordStatus(report('u-ana', 'phone', T0 + 1, { automatic: 'idle' }))
        const [both] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(both?.presence?.status).toBe('busy') // the old client's busy applies everywhere
        await store.recordStatus({ userId: 'u-ana', status: 'offline', at: T0 + 2 })
        const [phoneOnly] = await store.presenceFor('u-viewer', ['u-ana'])
        expect(phoneOnly?.presence?.status).toBe('idle')
      })
    })

    it('answers ping while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined()
    })
  })
}
