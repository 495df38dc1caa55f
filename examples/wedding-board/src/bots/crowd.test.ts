import {
  type BroadcastReport,
  createPresenceClient,
  type MemberPresence,
  type PresenceRoom,
  type Status,
} from '@wedsync/presence-core'
import { createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it } from 'vitest'
import { roomOf } from '../cast.js'
import { URGENT_EVENT } from '../urgent.js'
import { type Bot, startBot } from './bot.js'
import { CROWD } from './crowd.js'
import { DEMO_PACE, seededRandom } from './plan.js'

const MINUTE = 60_000
const WEDDINGS = ['123', '456']

/**
 * The crowd on the in-memory hub and a fake clock, watched by the coordinator's client: what the
 * board would show must follow what the bots do.
 */
function world() {
  const clock = createFakeClock(Date.UTC(2026, 5, 11, 9, 0))
  const hub = createMemoryHub({ clock })
  const coordinator = createPresenceClient({
    transport: hub.connect('coordinator'),
    userId: 'u-venue',
    clock,
  })
  const rooms = new Map<string, PresenceRoom>(
    WEDDINGS.map((id) => [id, coordinator.enter(roomOf(id))]),
  )
  /** Every status each user was seen with, per wedding. */
  const seen = new Map<string, Set<string>>()
  const customSeen = new Set<string>()
  for (const [weddingId, room] of rooms) {
    const record = (m: MemberPresence) => {
      const key = `${m.userId}@${weddingId}`
      seen.set(key, (seen.get(key) ?? new Set()).add(m.status))
      if (m.customStatus) customSeen.add(m.userId)
    }
    room.on('join', record)
    room.on('update', record)
    room.on('leave', record)
  }
  const errors: string[] = []
  const bots: Bot[] = CROWD.map((member, i) =>
    startBot({
      member,
      transport: hub.connect(member.userId),
      clock,
      scheduler: clock,
      random: seededRandom(100 + i),
      onError: (error) => errors.push(`${member.userId}: ${error.message}`),
    }),
  )
  return { clock, hub, coordinator, rooms, seen, customSeen, bots, errors }
}

let current: ReturnType<typeof world> | undefined
afterEach(() => {
  for (const bot of current?.bots ?? []) bot.stop()
  current?.coordinator.destroy()
  current?.hub.dispose()
  current = undefined
})

/** What the board shows for a bot now, from the bot's own state. */
function expectedStatus(bot: Bot, weddingId: string, now: number): Status | 'absent' {
  const state = bot.state()
  if (state.mode === 'absent' || state.weddingId !== weddingId) return 'absent'
  if (state.busy) return 'busy'
  if (state.mode === 'working') return 'online'
  const quietFor = now - bot.client()!.me().lastInputAt
  if (quietFor >= DEMO_PACE.awayAfterMs) return 'away'
  return quietFor >= DEMO_PACE.idleAfterMs ? 'idle' : 'online'
}

/** A change within the last second may still be on its way (coalescing, delivery). */
const SETTLE_MS = 1_000

function changedJustNow(bot: Bot, now: number): boolean {
  const input = bot.client()?.me().lastInputAt
  const changes = [
    bot.lastStepAt(),
    input === undefined ? undefined : input + DEMO_PACE.idleAfterMs,
    input === undefined ? undefined : input + DEMO_PACE.awayAfterMs,
  ]
  return changes.some((at) => at !== undefined && at <= now && now - at < SETTLE_MS)
}

describe('the simulated crowd', () => {
  it('makes the board live: every status shows up, and the board follows each bot', async () => {
    current = world()
    const { clock, rooms, seen, customSeen, bots, errors } = current
    for (let minute = 1; minute <= 40; minute++) {
      await clock.advance(MINUTE)
      // Each minute, what the coordinator sees matches what each bot is doing (bots that changed
      // in the last second aside: that change is still on its way).
      for (const bot of bots.filter((b) => !changedJustNow(b, clock.now())))
        for (const weddingId of WEDDINGS) {
          const expected = expectedStatus(bot, weddingId, clock.now())
          const shown = rooms.get(weddingId)!.member(bot.userId)?.status ?? 'absent'
          expect(
            shown === expected || (expected === 'absent' && shown === 'offline'),
            `${bot.userId} in ${weddingId} at minute ${minute}: shows ${shown}, is ${expected}`,
          ).toBe(true)
        }
    }
    const statuses = new Set([...seen.values()].flatMap((s) => [...s]))
    expect(statuses).toEqual(new Set(['online', 'idle', 'away', 'busy', 'offline']))
    // Suppliers on two weddings moved between them.
    expect(seen.has('u-photo@123') && seen.has('u-photo@456')).toBe(true)
    expect(customSeen.size).toBeGreaterThan(2)
    expect(errors).toEqual([])
  })

  it('answers an urgent broadcast with receipts, except through a patchy signal', async () => {
    current = world()
    const { clock, rooms, bots } = current
    await clock.advance(5_000) // the early birds are in
    const room = rooms.get('123')!
    const present = bots.filter((b) => b.state().mode !== 'absent' && b.state().weddingId === '123')
    expect(present.length).toBeGreaterThan(1)
    const statusAtSend = new Map(present.map((b) => [b.userId, room.member(b.userId)?.status]))
    const sending = room.broadcast(
      URGENT_EVENT,
      { text: 'Ceremony moved to 4 PM' },
      {
        receipts: true,
        timeoutMs: 3_000,
      },
    )
    await clock.advance(3_000)
    const report: BroadcastReport = await sending
    for (const bot of present) {
      const outcome = report.recipients.find((r) => r.userId === bot.userId)?.outcome
      const status = statusAtSend.get(bot.userId)
      const patchy = CROWD.find((m) => m.userId === bot.userId)?.patchySignal === true
      if (status !== 'online') expect(outcome, bot.userId).toBe('not-present')
      else expect(outcome, bot.userId).toBe(patchy ? 'no-receipt' : 'delivered')
    }
    expect(report.delivered.length).toBeGreaterThan(0)
  })
})
