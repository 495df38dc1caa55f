/**
 * iCalendar feeds for the calendar tests, written as the calendar apps export them (CRLF line
 * ends, folded lines, VTIMEZONE blocks), with known answers in the comments.
 */
const crlf = (lines: string) =>
  `${lines
    .trim()
    .split('\n')
    .map((l) => l.trimStart().replace(/^~/, ' ')) // `~` marks a folded line's leading space
    .join('\r\n')}\r\n`

/**
 * A photographer's calendar, London, spring 2026 (the clocks go forward on 29 March):
 * - "Engagement shoot" weekly on Saturdays 10:00–12:00 London from 7 March, 5 times, the
 *   28 March one cancelled (EXDATE), the 4 April one moved to 14:00–16:00 (RECURRENCE-ID);
 * - "Smith & Jones wedding ceremony" 11 April 13:00–14:30 at Oakwood Barn (New York TZID not
 *   defined in the feed: 08:00–09:30 New York is 13:00–14:30 London);
 * - "Venue visit" 9 April 09:00Z–10:00Z (UTC);
 * - "Dentist" floating 8 April 15:00–16:00 (the calendar's zone: Europe/London);
 * - "Wedding fair" all day 12 April, marked free (TRANSPARENT);
 * - "Cancelled call" 10 April, STATUS:CANCELLED;
 * - one VEVENT with a broken DTSTART, dropped.
 */
export const PHOTOGRAPHER_ICS = crlf(`
  BEGIN:VCALENDAR
  VERSION:2.0
  PRODID:-//WedSync//Test//EN
  X-WR-CALNAME:Sam (photographer)
  X-WR-TIMEZONE:Europe/London
  BEGIN:VTIMEZONE
  TZID:Europe/London
  BEGIN:DAYLIGHT
  TZOFFSETFROM:+0000
  TZOFFSETTO:+0100
  TZNAME:BST
  DTSTART:19700329T010000
  RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
  END:DAYLIGHT
  BEGIN:STANDARD
  TZOFFSETFROM:+0100
  TZOFFSETTO:+0000
  TZNAME:GMT
  DTSTART:19701025T020000
  RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
  END:STANDARD
  END:VTIMEZONE
  BEGIN:VEVENT
  UID:shoot-series@test
  DTSTAMP:20260301T000000Z
  DTSTART;TZID=Europe/London:20260307T100000
  DTEND;TZID=Europe/London:20260307T120000
  RRULE:FREQ=WEEKLY;BYDAY=SA;COUNT=5
  EXDATE;TZID=Europe/London:20260328T100000
  SUMMARY:Engagement shoot
  LOCATION:Hyde Park\\, London
  END:VEVENT
  BEGIN:VEVENT
  UID:shoot-series@test
  DTSTAMP:20260301T000000Z
  RECURRENCE-ID;TZID=Europe/London:20260404T100000
  DTSTART;TZID=Europe/London:20260404T140000
  DTEND;TZID=Europe/London:20260404T160000
  SUMMARY:Engagement shoot (moved)
  END:VEVENT
  BEGIN:VEVENT
  UID:ceremony@test
  DTSTAMP:20260301T000000Z
  DTSTART;TZID=America/New_York:20260411T080000
  DTEND;TZID=America/New_York:20260411T093000
  SUMMARY:Smith & Jones wedding ceremony
  LOCATION:Oakwood Barn\\, Mill Lane\\, Kent
  DESCRIPTION:Second shooter: Alex. Arrive 30 minutes early for the fi
  ~rst look.
  END:VEVENT
  BEGIN:VEVENT
  UID:visit@test
  DTSTAMP:20260301T000000Z
  DTSTART:20260409T090000Z
  DTEND:20260409T100000Z
  SUMMARY:Venue visit at Riverside Hall
  END:VEVENT
  BEGIN:VEVENT
  UID:dentist@test
  DTSTAMP:20260301T000000Z
  DTSTART:20260408T150000
  DTEND:20260408T160000
  SUMMARY:Dentist
  END:VEVENT
  BEGIN:VEVENT
  UID:fair@test
  DTSTAMP:20260301T000000Z
  DTSTART;VALUE=DATE:20260412
  DTEND;VALUE=DATE:20260413
  SUMMARY:Wedding fair
  TRANSP:TRANSPARENT
  END:VEVENT
  BEGIN:VEVENT
  UID:cancelled@test
  DTSTAMP:20260301T000000Z
  DTSTART:20260410T090000Z
  DTEND:20260410T100000Z
  SUMMARY:Cancelled call
  STATUS:CANCELLED
  END:VEVENT
  BEGIN:VEVENT
  UID:broken@test
  DTSTAMP:20260301T000000Z
  DTSTART:not-a-date
  SUMMARY:Broken
  END:VEVENT
  END:VCALENDAR
`)

/** A florist's day, UTC: consultation 09:00–10:00, supplier meeting 10:00–11:00, free after. */
export const FLORIST_ICS = crlf(`
  BEGIN:VCALENDAR
  VERSION:2.0
  PRODID:-//WedSync//Test//EN
  BEGIN:VEVENT
  UID:consult@test
  DTSTAMP:20260601T000000Z
  DTSTART:20260613T090000Z
  DTEND:20260613T100000Z
  SUMMARY:Client consultation — bouquet designs
  LOCATION:The Studio
  END:VEVENT
  BEGIN:VEVENT
  UID:suppliers@test
  DTSTAMP:20260601T000000Z
  DTSTART:20260613T100000Z
  DTEND:20260613T110000Z
  SUMMARY:Supplier meeting with the caterer
  END:VEVENT
  END:VCALENDAR
`)
