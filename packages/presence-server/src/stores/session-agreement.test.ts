/**
 * Agreement between the room and the server on the memory store: random multi-device histories
 * played on real clients in a memory-hub room and, report for report, on the store; after every
 * step each user's status and custom status on the server equal the room's. Seeded, so a failure
 * replays (fast-check prints the seed, the path and the shrunk history).
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createAgreementWorld,
  finely,
  type Step,
  stepArbitrary,
} from '../../test/session-agreement.js'
import { createMemoryStore } from './store-memory.js'

/** What the room showed across all histories: proof the histories reach every status. */
const shown = new Set<string>()

async function agree(steps: readonly Step[]): Promise<void> {
  const world = createAgreementWorld({ store: createMemoryStore() })
  try {
    for (const [i, step] of finely(steps).entries()) {
      await world.apply(step)
      const { room, server } = await world.compare()
      expect(server, `after step ${i}: ${JSON.stringify(step)}`).toEqual(room)
      for (const seen of Object.values(room))
        shown.add(seen.customStatus ? `${seen.status}+custom` : seen.status)
    }
  } finally {
    await world.close()
  }
}

describe('server sessions agree with the room (memory store)', () => {
  it('100 random histories of 30 steps: after every step, status and custom status agree', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 30, maxLength: 30 }), agree),
      { numRuns: 100, seed: 1717 },
    )
    for (const status of ['online', 'idle', 'away', 'busy', 'offline', 'online+custom'])
      expect(shown).toContain(status)
  })

  it('a second device going idle while the first is online changes nothing on the server', async () => {
    const phone = { user: 0, slot: 0 }
    const laptop = { user: 0, slot: 1 }
    await agree([
      { kind: 'join', at: phone },
      { kind: 'join', at: laptop },
      { kind: 'pass', ms: 4 * 60_000 },
      { kind: 'input', at: phone },
      { kind: 'pass', ms: 61_000 }, // the laptop is idle now, the phone is not
      { kind: 'vanish', at: phone },
      { kind: 'pass', ms: 31_000 }, // the phone's lease ran out: idle
    ])
  })

  it("a vanished device's calendar window ends before its lease: swept on time, not at the lease's end", async () => {
    const phone = { user: 0, slot: 0 }
    await agree([
      { kind: 'join', at: phone },
      { kind: 'pass', ms: 14_000 },
      { kind: 'pass', ms: 5_000 },
      { kind: 'custom', at: phone, text: 'At a venue', ms: 20_000 },
      { kind: 'calendar', at: phone, ms: 15_000 }, // its report renews the lease ~30 s ahead
      { kind: 'vanish', at: phone },
      { kind: 'pass', ms: 14_000 }, // the calendar window has ended, the lease has not
      { kind: 'pass', ms: 5_000 }, // the custom status has expired
      { kind: 'pass', ms: 14_000 }, // the lease has ended
    ])
  })
})
