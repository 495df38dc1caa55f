import { availabilityPattern, usuallyBackAt } from '@wedsync/presence-coordination'
import { createMemoryStore, wallTimeToEpoch, zonedParts } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../bots/plan.js'
import { castHistory, DEMO_ROUTINES, on, routineHistory, seedHistory } from './seed-history.js'

const ZONE = 'Europe/London'
const DAY = 24 * 60 * 60_000
/** Monday 8 June 2026, 10:00 in London. */
const MONDAY_10 = wallTimeToEpoch({ year: 2026, month: 6, day: 8, hour: 10, minute: 0 }, ZONE)
const local = (at: number) => {
  const p = zonedParts(at, ZONE)
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`
}

describe('routineHistory', () => {
  const caterer = () =>
    routineHistory({
      userId: 'u-caterer',
      routine: DEMO_ROUTINES['u-caterer']!,
      timeZone: ZONE,
      from: MONDAY_10 - 28 * DAY,
      to: MONDAY_10,
      random: seededRandom(7),
    })

  it('plays a routine as a chain of transitions inside the window, ending offline', () => {
    const events = caterer()
    expect(events.length).toBeGreaterThan(24 * 2)
    for (let i = 1; i < events.length; i++) {
      expect(events[i]!.from).toBe(events[i - 1]!.to)
      expect(events[i]!.at).toBeGreaterThan(events[i - 1]!.at)
    }
    expect(events[0]!.at).toBeGreaterThanOrEqual(MONDAY_10 - 28 * DAY)
    expect(events.at(-1)).toMatchObject({ to: 'offline' })
    expect(events.at(-1)!.at).toBeLessThan(MONDAY_10)
    // Online from the afternoon on; never on a Sunday.
    for (const e of events.filter((x) => x.from === 'offline' || x.from === null)) {
      expect(local(e.at) >= '13:15' && local(e.at) < '13:40').toBe(true)
      expect(zonedParts(e.at, ZONE).weekday).not.toBe(0)
    }
  })

  it('gives the package enough history for “usually back by”', () => {
    const pattern = availabilityPattern({
      userId: 'u-caterer',
      events: caterer(),
      from: MONDAY_10 - 28 * DAY,
      to: MONDAY_10,
      timeZone: ZONE,
    })
    expect(pattern.enoughData).toBe(true)
    const back = usuallyBackAt(pattern, MONDAY_10)
    expect(back).toBeDefined()
    expect(local(back!)).toMatch(/^13:(15|30|45)$/)
  })

  it('leaves out a block that has not finished by the end of the window', () => {
    const events = routineHistory({
      userId: 'u-x',
      routine: on([1], 9, 17),
      timeZone: ZONE,
      from: MONDAY_10 - DAY,
      to: MONDAY_10,
      random: seededRandom(1),
      jitterMinutes: 0,
    })
    expect(events).toEqual([])
  })

  it('handles a block past midnight', () => {
    const sunday = MONDAY_10 - DAY
    const events = routineHistory({
      userId: 'u-dj',
      routine: on([0], 22, 25),
      timeZone: ZONE,
      from: sunday - 10 * 60 * 60_000,
      to: MONDAY_10,
      random: seededRandom(1),
      jitterMinutes: 0,
      idleSpells: 0,
    })
    expect(events.map((e) => [e.to, local(e.at)])).toEqual([
      ['online', '22:00'],
      ['offline', '01:00'],
    ])
  })
})

describe('seedHistory', () => {
  it('stores every transition and leaves each person offline, last seen at their last one', async () => {
    const store = createMemoryStore()
    const events = castHistory({
      routines: DEMO_ROUTINES,
      now: MONDAY_10,
      days: 21,
      timeZone: ZONE,
      random: seededRandom(3),
    })
    await seedHistory(store, events)
    const caterer = events.filter((e) => e.userId === 'u-caterer')
    expect(await store.statusEvents('u-caterer', { limit: 10_000 })).toEqual(caterer)
    const [stored] = await store.presenceFor('u-venue', ['u-caterer'])
    expect(stored?.presence).toMatchObject({ status: 'offline', lastSeenAt: caterer.at(-1)!.at })
  })
})
