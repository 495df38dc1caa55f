import { describe, expect, it } from 'vitest'
import { CROWD } from './crowd.js'
import {
  applyStep,
  type BotStep,
  DEMO_PACE,
  initialState,
  isValidStep,
  nextStep,
  planBot,
  seededRandom,
} from './plan.js'

const HOUR = 60 * 60_000
const START = Date.UTC(2026, 5, 11, 9, 0)
const byId = (userId: string) => CROWD.find((m) => m.userId === userId)!

describe('the simulated suppliers’ schedule', () => {
  it('is the whole crowd but the coordinator, each with the weddings they work on', () => {
    expect(CROWD.map((m) => [m.userId, m.weddings])).toEqual([
      ['u-planner', ['123']],
      ['u-photo', ['123', '456']],
      ['u-florist', ['123']],
      ['u-caterer', ['123', '456']],
      ['u-dj', ['123', '456']],
      ['u-baker', ['456']],
      ['u-hair', ['456']],
    ])
  })

  it('replays identically for the same seed, and differently for another', () => {
    const plan = (seed: number) =>
      planBot(byId('u-photo'), DEMO_PACE, seededRandom(seed), START, HOUR)
    expect(plan(7)).toEqual(plan(7))
    expect(plan(7)).not.toEqual(plan(8))
  })

  it('only ever takes a step that makes sense where the bot is', () => {
    const wrong: string[] = []
    for (const member of CROWD)
      for (let seed = 1; seed <= 40; seed++) {
        const random = seededRandom(seed)
        let state = initialState(member)
        for (let i = 0; i < 300; i++) {
          const { afterMs, step } = nextStep(member, state, DEMO_PACE, random, i === 0)
          if (!(afterMs > 0) || !isValidStep(member, state, step))
            wrong.push(
              `${member.userId} seed ${seed}: ${step.type} after ${afterMs} ms in ${state.mode}`,
            )
          state = applyStep(state, step)
        }
      }
    expect(wrong).toEqual([])
  })

  it('brings the early birds in within seconds and the others later', () => {
    for (const member of CROWD) {
      const [first] = planBot(member, DEMO_PACE, seededRandom(3), START, HOUR)
      expect(first!.step.type).toBe('arrive')
      if (member.startsPresent) expect(first!.at - START).toBeLessThanOrEqual(3_000)
      else expect(first!.at - START).toBeGreaterThanOrEqual(20_000)
    }
  })

  it('lives a full hour: idle spells long enough to show, busy, custom statuses, leaving and coming back', () => {
    for (const member of CROWD) {
      const steps = planBot(member, DEMO_PACE, seededRandom(11), START, HOUR)
      const types = new Set(steps.map((s) => s.step.type))
      expect(types, member.userId).toEqual(
        new Set<BotStep['type']>([
          'arrive',
          'work',
          'quiet',
          'busy',
          'custom',
          'leave',
          ...(member.weddings.length > 1 ? (['switch'] as const) : []),
        ]),
      )
      // Quiet spells outlast the idle threshold, so the board shows the supplier idle.
      steps.forEach((s, i) => {
        const next = steps[i + 1]
        if (s.step.type === 'quiet' && next)
          expect(next.at - s.at).toBeGreaterThan(DEMO_PACE.idleAfterMs)
      })
    }
  })

  it('drops manual and custom status with the session when the bot leaves', () => {
    let state = applyStep(initialState(byId('u-dj')), {
      type: 'arrive',
      weddingId: '456',
      view: { action: 'editing', target: 'playlist' },
    })
    state = applyStep(state, { type: 'busy', on: true })
    state = applyStep(state, {
      type: 'custom',
      status: { text: 'Sound check', emoji: '🎧', forMs: 60_000 },
    })
    expect(state).toMatchObject({ mode: 'working', weddingId: '456', busy: true, custom: true })
    expect(applyStep(state, { type: 'leave' })).toMatchObject({
      mode: 'absent',
      busy: false,
      custom: false,
    })
  })
})
