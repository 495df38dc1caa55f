// Team availability: who is online now, who is busy until when, who is usually back by when.
//   pnpm build && node examples/team-availability.mjs
// The endpoint GET /presence/teams/:teamId/availability answers it for dashboards and assistants.
import { pathToFileURL } from 'node:url'
import { historyPatterns } from '@wedsync/presence-coordination'
import {
  createMemoryStore,
  createPresenceHandlers,
  wallTimeToEpoch,
} from '@wedsync/presence-server'

const LONDON = 'Europe/London'
const at = (day, hour, minute = 0) =>
  wallTimeToEpoch({ year: 2026, month: 7, day, hour, minute }, LONDON)

export async function main() {
  const now = at(13, 11) // Monday 13 July 2026, 11:00 in London
  const store = createMemoryStore()
  for (const [userId, role] of [
    ['u-venue', 'venue coordinator'],
    ['u-photo', 'photographer'],
    ['u-florist', 'florist'],
    ['u-caterer', 'caterer'],
    ['u-dj', 'dj'],
  ])
    await store.addTeamMember({ teamId: 'wedding-123', userId, role })

  // Four weeks of the florist's recorded history: back from venue visits at 13:20 each weekday.
  for (let day = 15; day < 15 + 28; day++) {
    const date = new Date(Date.UTC(2026, 5, day))
    if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue
    const local = (h, m) =>
      wallTimeToEpoch(
        { year: 2026, month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: h, minute: m },
        LONDON,
      )
    await store.recordStatus({ userId: 'u-florist', status: 'online', at: local(13, 20) })
    await store.recordStatus({ userId: 'u-florist', status: 'offline', at: local(18, 0) })
  }
  // Right now.
  for (const userId of ['u-venue', 'u-photo', 'u-dj'])
    await store.recordStatus({ userId, status: 'online', at: now })
  await store.recordStatus({
    userId: 'u-caterer',
    status: 'busy',
    at: now,
    customStatus: { text: 'Menu tasting', expiresAt: at(13, 15, 30) },
  })

  const presence = createPresenceHandlers({
    store,
    // Demo only: trusts a header. Use createJwtAuthenticator in an app.
    authenticate: async (request) => ({ userId: request.headers.get('x-demo-user'), claims: {} }),
    clock: { now: () => now },
    teamNoun: { one: 'supplier', other: 'suppliers' },
    availability: { timeZone: LONDON, usuallyBack: historyPatterns({ historyDays: 28 }) },
  })
  const response = await presence.fetch(
    new Request('http://presence.local/presence/teams/wedding-123/availability', {
      headers: { 'x-demo-user': 'u-venue' },
    }),
  )
  const body = await response.json()
  return [
    body.summary,
    `available: ${body.available.join(', ')}`,
    ...body.busy.map((b) => `busy: ${b.userId}${b.until ? ` until ${clock(b.until)}` : ''}`),
    ...body.usuallyBack.map((b) => `usually back: ${b.userId} by ${clock(b.at)}`),
  ]
}

const clock = (ms) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: LONDON, timeStyle: 'short' }).format(ms)

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await main()) console.log(line)
