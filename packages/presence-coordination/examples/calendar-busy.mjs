// Calendar busy: an iCalendar feed fetched (with conditional requests and a cache), its events
// turned into wedding-aware status text, and what applies at a given instant.
//   pnpm build && node examples/calendar-busy.mjs
// The feed is served from a local HTTP server here; in an app it is the supplier's feed URL.
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { calendarStatusAt, createCalendarFeed } from '@wedsync/presence-coordination/calendar'

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//WedSync//Example//EN',
  'X-WR-TIMEZONE:Europe/London',
  'BEGIN:VEVENT',
  'UID:ceremony-1@example',
  'DTSTAMP:20260601T000000Z',
  'DTSTART;TZID=Europe/London:20260613T130000',
  'DTEND;TZID=Europe/London:20260613T143000',
  'SUMMARY:Smith & Jones wedding ceremony',
  'LOCATION:Oakwood Barn\\, Mill Lane\\, Kent',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:visits@example',
  'DTSTAMP:20260601T000000Z',
  'DTSTART;TZID=Europe/London:20260608T090000',
  'DTEND;TZID=Europe/London:20260608T100000',
  'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4',
  'SUMMARY:Venue visit at Riverside Hall',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n')

export async function main() {
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end()
    res.writeHead(200, { 'content-type': 'text/calendar', etag: '"v1"' }).end(ICS)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  const now = Date.UTC(2026, 5, 13, 12, 15) // 13 June 2026, 13:15 in London
  try {
    const feed = createCalendarFeed({
      url: `http://127.0.0.1:${port}/sam.ics`,
      clock: { now: () => now },
      // Feed URLs come from users: allow only what the server may fetch (https by default).
      allowUrl: (url) => url.hostname === '127.0.0.1',
    })
    const first = await feed.get()
    const again = await feed.get({ force: true })
    const status = calendarStatusAt(first.events, now)
    const time = (ms) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', timeStyle: 'short' }).format(ms)
    return [
      `feed: ${first.events.length} events (${first.source}), then ${again.source}`,
      `now: ${status.source} — ${status.customStatus.emoji} ${status.customStatus.text} until ${time(status.busyUntil)}`,
      `next visit: ${first.events.find((e) => e.start > now).summary}`,
    ]
  } finally {
    await new Promise((resolve) => server.close(resolve))
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await main()) console.log(line)
