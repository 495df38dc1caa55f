// Insights: each person's availability pattern (weekday × hour, in their time zone) from recorded
// presence history, and meeting times when most of the team is usually available.
//   pnpm build && node examples/insights.mjs
import { pathToFileURL } from 'node:url'
import { availabilityPattern, suggestMeetingTimes } from '@wedsync/presence-coordination'
import { wallTimeToEpoch, zonedParts } from '@wedsync/presence-server'

const LONDON = 'Europe/London'
const DAY = 86_400_000

/** Status transitions of someone online from `start` to `end` (local hours) every weekday. */
function history(userId, start, end, from, days) {
  const events = []
  let last = null
  for (let d = 0; d < days; d++) {
    const date = new Date(from + d * DAY)
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue
    for (const [to, hour] of [
      ['online', start],
      ['offline', end],
    ]) {
      const at = wallTimeToEpoch(
        {
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
          hour: Math.floor(hour),
          minute: Math.round((hour % 1) * 60),
        },
        LONDON,
      )
      events.push({ userId, from: last, to, at })
      last = to
    }
  }
  return events
}

export async function main() {
  const from = Date.UTC(2026, 4, 4) // Monday 4 May 2026
  const to = from + 42 * DAY
  const team = {
    'u-venue': [9, 17],
    'u-planner': [10, 18],
    'u-photo': [13, 19],
    'u-florist': [8, 14],
  }
  const patterns = Object.entries(team).map(([userId, [start, end]]) =>
    availabilityPattern({
      userId,
      timeZone: LONDON,
      from,
      to,
      events: history(userId, start, end, from - 7 * DAY, 49),
    }),
  )
  const newcomer = availabilityPattern({ userId: 'u-dj', events: [], from, to, timeZone: LONDON })
  const log = [`u-dj: ${newcomer.reason}`]
  const photo = patterns.find((p) => p.userId === 'u-photo')
  log.push(`u-photo on Tuesdays, 12:00–15:00: ${photo.cells[2].slice(12, 15).join(', ')}`)

  const slots = suggestMeetingTimes({
    members: [...patterns, newcomer].map((pattern) => ({ userId: pattern.userId, pattern })),
    durationMinutes: 60,
    within: { start: to, end: to + 5 * DAY },
    minAttendees: 3,
    limit: 3,
  })
  for (const slot of slots) {
    const p = zonedParts(slot.start, LONDON)
    const when = `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`
    log.push(`meet ${when} London: ${slot.attendees.length} likely (${slot.attendees.join(', ')})`)
  }
  return log
}

const pad = (n) => String(n).padStart(2, '0')

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await main()) console.log(line)
