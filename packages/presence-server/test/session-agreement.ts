/**
 * The agreement harness between a room and the server (issue 17, item 1). One history of
 * multi-device steps (sessions join, type, hide their page, set busy or away, set and clear a
 * custom status or a calendar window, vanish without a goodbye, leave) is played on real
 * `createPresenceClient` sessions in a memory-hub room under a fake clock; every meta a session
 * publishes is also its report to the server's store, on the same clock (a status report, or a
 * heartbeat when it says nothing new), and a session that leaves ends its server session. After every step the store is swept at `now` and, for every user, the
 * status (and custom status) the server gives readers must equal what an observer in the room
 * shows.
 *
 * Invariants of the harness itself: a session that vanished reports nothing more (its network is
 * gone, for HTTP as for the socket); reports reach the store in the order sessions sent them; the
 * store sees exactly what the room's transport saw, nothing the test invents.
 */
import {
  type CustomStatus,
  createPresenceClient,
  type PresenceClient,
  type PresenceRoom,
  type PresenceTransport,
  parseSessionMeta,
  type Status,
} from '@wedsync/presence-core'
import {
  createFakeActivity,
  createFakeClock,
  createMemoryHub,
  type FakeActivity,
  type FakeClock,
  type MemoryHub,
} from '@wedsync/presence-testing'
import fc from 'fast-check'
import { resolvePresence } from '../src/privacy/presence-view.js'
import type { PresenceStore } from '../src/stores/presence-store.js'
import { sessionInputsOf, sessionStatus } from '../src/stores/session-aggregate.js'

export const USERS = ['u-anna', 'u-ben'] as const
const SLOTS = 3
const ROOM = 'wedding:agree'
/** After an action, time for the room to coalesce and publish it (its window is 200 ms). */
const SETTLE_MS = 1_000

export type Step =
  | { readonly kind: 'join' | 'input' | 'hide' | 'show' | 'vanish' | 'leave'; readonly at: Slot }
  | { readonly kind: 'manual'; readonly at: Slot; readonly status: 'busy' | 'away' | null }
  | {
      readonly kind: 'custom'
      readonly at: Slot
      readonly text: string | null
      readonly ms?: number
    }
  | { readonly kind: 'calendar'; readonly at: Slot; readonly ms: number | null }
  | { readonly kind: 'pass'; readonly ms: number }

export interface Slot {
  readonly user: number
  readonly slot: number
}

const slot = fc.record({
  user: fc.integer({ min: 0, max: USERS.length - 1 }),
  slot: fc.integer({ min: 0, max: SLOTS - 1 }),
})

/**
 * The sessions' idle thresholds, shorter than the defaults (5 and 30 minutes) so that devices
 * differ often within a history, which is when aggregation and expiry matter. The server does not
 * know them: each session reports its own automatic status.
 */
const POLICY = { idleAfterMs: 20_000, awayAfterMs: 90_000, hiddenIdleAfterMs: 10_000 }

/** Times that straddle the thresholds: heartbeat 15 s, idle 20 s, lease 30 s, away 90 s. */
const PASSES = [1_000, 5_000, 14_000, 21_000, 29_000, 31_000, 61_000, 95_000, 6 * 60_000]

export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('join' as const), at: slot }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('input' as const), at: slot }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constantFrom('hide' as const, 'show' as const), at: slot }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('manual' as const),
      at: slot,
      status: fc.constantFrom('busy' as const, 'away' as const, null),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('custom' as const),
        at: slot,
        text: fc.constantFrom('At a venue', 'Lunch', null),
        ms: fc.constantFrom(20_000, 3 * 60_000),
      },
      { requiredKeys: ['kind', 'at', 'text'] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('calendar' as const),
      at: slot,
      ms: fc.constantFrom(40_000, 10 * 60_000, null),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('vanish' as const), at: slot }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('leave' as const), at: slot }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('pass' as const), ms: fc.constantFrom(...PASSES) }),
  },
)

/**
 * The history with every `pass` cut into passes of at most `ms`, so both sides are compared every
 * few seconds of fake time: a disagreement that lasts less than a long pass is still seen.
 */
export function finely(steps: readonly Step[], ms = 5_000): Step[] {
  return steps.flatMap((step): Step[] => {
    if (step.kind !== 'pass') return [step]
    const out: Step[] = []
    for (let left = step.ms; left > 0; left -= ms)
      out.push({ kind: 'pass', ms: Math.min(ms, left) })
    return out
  })
}

interface Session {
  readonly client: PresenceClient
  readonly activity: FakeActivity
  readonly label: string
  /** The network is gone: nothing it sends reaches the room or the server. */
  vanished: boolean
  /** What its last status report said (its heartbeats say nothing new). */
  reported?: string
}

/** What a user looks like to someone who may see them: the part both sides must agree on. */
export interface Seen {
  readonly status: Status
  readonly customStatus?: CustomStatus
}

export interface AgreementWorld {
  readonly clock: FakeClock
  readonly hub: MemoryHub
  apply(step: Step): Promise<void>
  /** Waits for the reports sent so far, sweeps the store at `now`, and reads both sides. */
  compare(): Promise<{ room: Record<string, Seen>; server: Record<string, Seen> }>
  close(): Promise<void>
}

export interface AgreementOptions {
  readonly store: PresenceStore
  /** The server's lease for a session's report (the room's meta lease is the client's). */
  readonly leaseMs?: number
  readonly start?: number
}

export function createAgreementWorld(options: AgreementOptions): AgreementWorld {
  const { store } = options
  const leaseMs = options.leaseMs ?? 30_000
  const clock = createFakeClock(options.start)
  const hub = createMemoryHub({ clock, presenceLimit: false, serverTimeoutMs: false })
  const observer = createPresenceClient({
    transport: hub.connect('observer'),
    userId: 'u-observer',
    clock,
    activity: createFakeActivity(),
  })
  const board: PresenceRoom = observer.enter(ROOM)
  const sessions = new Map<string, Session>()
  let labels = 0
  // Reports go to the store one after another, in the order the sessions sent them.
  let pending: Promise<unknown> = Promise.resolve()
  const failures: unknown[] = []
  const send = (work: () => Promise<unknown>) => {
    pending = pending.then(work).catch((error: unknown) => failures.push(error))
  }

  /** The session's transport: the hub's, with every track and leave also sent to the server. */
  function reporting(userId: string, session: () => Session | undefined): PresenceTransport {
    const transport = hub.connect(`${userId}#${++labels}`)
    return {
      openRoom(roomId, openOptions) {
        const room = transport.openRoom(roomId, openOptions)
        const end = () => {
          const s = session()
          if (!s || s.vanished) return
          const at = clock.now()
          const sessionId = s.client.sessionId
          send(() => store.endSession!(userId, sessionId, at))
        }
        return {
          onPresence: (listener) => room.onPresence(listener),
          send: (event, payload) => room.send(event, payload),
          onMessage: (event, listener) => room.onMessage(event, listener),
          onStatus: (listener) => room.onStatus(listener),
          track(meta) {
            const s = session()
            const parsed = parseSessionMeta(meta)
            if (s && !s.vanished && parsed.ok) {
              const at = clock.now()
              const inputs = sessionInputsOf(parsed.meta)
              const activity = parsed.meta.activity ?? null
              const sessionId = parsed.meta.session
              // A re-track that says nothing new (a room's heartbeat) is a heartbeat, as a
              // reporter sends it: it renews the lease and nothing else, so a vanished device
              // must be found by the sweeper, not by its sibling's next report.
              const { activeAgo: _, ...shown } = inputs
              const key = JSON.stringify([shown, activity])
              const heartbeat = s.reported === key
              s.reported = key
              send(() =>
                heartbeat
                  ? store.recordHeartbeat(userId, at, { sessionId, leaseUntil: at + leaseMs })
                  : store.recordStatus({
                      userId,
                      sessionId,
                      status: sessionStatus(inputs, at),
                      session: inputs,
                      activity,
                      at,
                      leaseUntil: at + leaseMs,
                    }),
              )
            }
            return room.track(meta)
          },
          untrack() {
            end()
            return room.untrack()
          },
          close() {
            end()
            return room.close()
          },
        }
      },
    }
  }

  const keyOf = (at: Slot) => `${USERS[at.user]}/${at.slot}`

  function join(at: Slot): void {
    const key = keyOf(at)
    const old = sessions.get(key)
    if (old && !old.vanished) return
    if (old) old.client.destroy() // a vanished device is gone for good; this is a new session
    const userId = USERS[at.user]!
    const activity = createFakeActivity()
    let self: Session | undefined
    const transport = reporting(userId, () => self)
    const client = createPresenceClient({ transport, userId, clock, activity, ...POLICY })
    self = { client, activity, label: `${userId}#${labels}`, vanished: false }
    sessions.set(key, self)
    client.enter(ROOM)
  }

  async function apply(step: Step): Promise<void> {
    if (step.kind === 'pass') {
      await clock.advance(step.ms)
      return
    }
    if (step.kind === 'join') join(step.at)
    else {
      const s = sessions.get(keyOf(step.at))
      if (!s || s.vanished) return
      const { client } = s
      switch (step.kind) {
        case 'input':
          s.activity.input()
          break
        case 'hide':
          s.activity.hide()
          break
        case 'show':
          s.activity.show()
          break
        case 'manual':
          client.setStatus(step.status)
          break
        case 'custom':
          client.setCustomStatus(
            step.text === null
              ? null
              : {
                  text: step.text,
                  ...(step.ms === undefined ? {} : { expiresAt: clock.now() + step.ms }),
                },
          )
          break
        case 'calendar':
          client.setCalendarBusy(
            step.ms === null ? null : { text: 'Ceremony', until: clock.now() + step.ms },
          )
          break
        case 'vanish':
          s.vanished = true
          hub.disconnect(s.label, { silent: true })
          break
        case 'leave':
          client.destroy()
          sessions.delete(keyOf(step.at))
          break
      }
    }
    await clock.advance(SETTLE_MS)
  }

  async function compare() {
    await pending
    if (failures.length) throw failures[0]
    const now = clock.now()
    await store.sweepSessions!(now)
    const targets = await store.presenceFor('u-observer', [...USERS])
    const room: Record<string, Seen> = {}
    const server: Record<string, Seen> = {}
    for (const [i, userId] of USERS.entries()) {
      const member = board.member(userId)
      room[userId] = seen(member?.status ?? 'offline', member?.customStatus)
      const resolved = resolvePresence(userId, targets[i]?.presence, now, leaseMs)
      server[userId] = seen(resolved.status, resolved.customStatus)
    }
    return { room, server }
  }

  return {
    clock,
    hub,
    apply,
    compare,
    async close() {
      for (const s of sessions.values()) s.client.destroy()
      observer.destroy()
      await pending
    },
  }
}

function seen(status: Status, customStatus: CustomStatus | undefined): Seen {
  return customStatus ? { status, customStatus } : { status }
}
