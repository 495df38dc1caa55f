/**
 * Insights at the size of a large wedding team: availability patterns for 50 people from 90 days
 * of presence history each (≈ 42,000 status transitions, five time zones), then
 * `suggestMeetingTimes` over the next week. The bar: under 100 ms for the whole answer.
 * No peer offers these analytics (research/peers.md §1b), so the peer is the obvious way to bucket
 * the same history by local hour: ask `Intl` for every hour piece, measured in the same run on
 * the same data, answers checked equal.
 */
import {
  type AvailabilityPattern,
  availabilityPattern,
  suggestMeetingTimes,
} from '@wedsync/presence-coordination'
import { type StatusEvent, wallTimeToEpoch, zonedParts } from '@wedsync/presence-server'
import { createPrng } from '@wedsync/presence-testing'
import { clock, formatNs, formatRatio, measureRuns, printTable, writeResults } from './harness.js'

export const title = 'insights: 50-person team, 90 days of history, patterns + meeting times'

const PEOPLE = 50
const DAYS = 90
const ZONES = ['Europe/London', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'UTC']
const BUDGET_MS = 100
const HOUR = 3_600_000
const DAY = 24 * HOUR
const TO = Date.UTC(2026, 5, 15) // Monday 15 June 2026
const FROM = TO - DAYS * DAY

interface Person {
  readonly userId: string
  readonly timeZone: string
  readonly events: StatusEvent[]
}

/** Working days with a late start now and then, a lunch away, idle blips and the odd busy hour. */
function person(i: number, random: () => number): Person {
  const userId = `u-${String(i).padStart(2, '0')}`
  const timeZone = ZONES[i % ZONES.length]!
  const startHour = 7 + Math.floor(random() * 4)
  const events: StatusEvent[] = []
  let last: StatusEvent['to'] | null = null
  const push = (to: StatusEvent['to'], at: number) => {
    if (to === last || at >= TO || (events.length > 0 && at <= events.at(-1)!.at)) return
    events.push({ userId, from: last, to, at })
    last = to
  }
  const first = zonedParts(FROM, timeZone)
  // From the first whole local day, so every event falls inside the window.
  for (let d = 1; d < DAYS; d++) {
    const date = new Date(Date.UTC(first.year, first.month - 1, first.day + d))
    const weekday = date.getUTCDay()
    if ((weekday === 0 || weekday === 6) && random() < 0.8) continue
    const local = (h: number) =>
      wallTimeToEpoch(
        {
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
          hour: Math.floor(h),
          minute: Math.floor((h % 1) * 60),
        },
        timeZone,
      )
    const start = local(startHour + random() * 0.75)
    push('online', start)
    for (let b = 0; b < 4; b++) {
      const at = start + Math.floor(random() * 3 * HOUR) + b * 2 * HOUR
      push('idle', at)
      push('online', at + 300_000)
    }
    if (random() < 0.3) {
      const busy = local(startHour + 2 + random() * 3)
      push('busy', busy)
      push('online', busy + HOUR)
    }
    const lunch = local(12 + random())
    push('away', lunch)
    push('online', lunch + 45 * 60_000)
    push('offline', local(startHour + 8 + random()))
  }
  return { userId, timeZone, events }
}

/** The obvious way: each hour piece's local weekday and hour from `Intl`, one call per piece. */
function naivePattern(p: Person): number[] {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: p.timeZone,
    hourCycle: 'h23',
    weekday: 'short',
    hour: 'numeric',
  })
  const names = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  const observed = new Float64Array(168)
  const available = new Float64Array(168)
  const cellOf = (t: number) => {
    const parts = format.formatToParts(t)
    const weekday = names.indexOf(parts.find((x) => x.type === 'weekday')!.value)
    return weekday * 24 + Number(parts.find((x) => x.type === 'hour')!.value)
  }
  const span = (a: number, b: number, isAvailable: boolean) => {
    for (let t = a; t < b; ) {
      const cell = cellOf(t)
      // Steps to the next whole UTC quarter hour and asks again until the local hour changes.
      let end = Math.min(b, (Math.floor(t / 900_000) + 1) * 900_000)
      while (end < b && cellOf(end) === cell) end = Math.min(b, end + 900_000)
      observed[cell]! += end - t
      if (isAvailable) available[cell]! += end - t
      t = end
    }
  }
  const ev = p.events
  for (let i = 0; i < ev.length; i++) {
    const end = i + 1 < ev.length ? ev[i + 1]!.at : TO
    const s = ev[i]!.to
    if (s === 'online' || s === 'idle') {
      const cut = Math.min(end, ev[i]!.at + 16 * HOUR)
      span(ev[i]!.at, cut, true)
      span(cut, end, false)
    } else span(ev[i]!.at, end, false)
  }
  return Array.from(observed, (o, i) =>
    o >= 2 * HOUR ? Math.round((available[i]! / o) * 1000) / 1000 : Number.NaN,
  )
}

export async function run(): Promise<void> {
  const random = createPrng(2026)
  const team = Array.from({ length: PEOPLE }, (_, i) => person(i, random))
  const transitions = team.reduce((n, p) => n + p.events.length, 0)
  console.log(
    `${PEOPLE} people in ${ZONES.length} time zones, ${DAYS} days, ${transitions.toLocaleString('en-US')} transitions\n`,
  )
  const week = { start: TO, end: TO + 7 * DAY }

  let patterns: AvailabilityPattern[] = []
  let slots = 0
  const ours = measureRuns(() => {
    const started = clock()
    patterns = team.map((p) =>
      availabilityPattern({
        userId: p.userId,
        events: p.events,
        from: FROM,
        to: TO,
        timeZone: p.timeZone,
      }),
    )
    slots = suggestMeetingTimes({
      members: patterns.map((pattern) => ({ userId: pattern.userId, pattern })),
      durationMinutes: 60,
      within: week,
      minAttendees: 10,
    }).length
    return clock() - started
  }, 15)

  const patternsOnly = measureRuns(() => {
    const started = clock()
    for (const p of team)
      availabilityPattern({
        userId: p.userId,
        events: p.events,
        from: FROM,
        to: TO,
        timeZone: p.timeZone,
      })
    return clock() - started
  }, 15)

  let naive: number[][] = []
  const peer = measureRuns(() => {
    const started = clock()
    naive = team.map(naivePattern)
    return clock() - started
  }, 3)

  // Same answers: every cell either both unknown or equal.
  const mismatches = patterns.reduce(
    (n, p, i) =>
      n +
      p.cells.flat().filter((c, k) => {
        const other = naive[i]![k]!
        return c === null ? !Number.isNaN(other) : c !== other
      }).length,
    0,
  )

  printTable(
    ['case', 'time (median)', 'budget', 'peer / ours'],
    [
      [
        'patterns + meeting times (ours)',
        formatNs(ours.ns),
        `${((ours.ns / 1e6 / BUDGET_MS) * 100).toFixed(0)}% of ${BUDGET_MS} ms`,
        '',
      ],
      ['patterns only (ours)', formatNs(patternsOnly.ns), '', ''],
      [
        'patterns, Intl per hour piece (peer)',
        formatNs(peer.ns),
        '',
        formatRatio(peer.ns / patternsOnly.ns),
      ],
    ],
  )
  console.log(`\n${slots} meeting slots suggested; ${mismatches} cells differ from the peer's`)
  const file = writeResults('insights', {
    people: PEOPLE,
    days: DAYS,
    transitions,
    oursMs: ours.ns / 1e6,
    oursRunsMs: ours.runs.map((ns) => ns / 1e6),
    patternsOnlyMs: patternsOnly.ns / 1e6,
    peerMs: peer.ns / 1e6,
    budgetMs: BUDGET_MS,
    cellMismatches: mismatches,
  })
  console.log(`results: ${file}`)
}
