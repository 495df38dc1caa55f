import { describe, expect, it } from 'vitest'
import { ENGLISH_PHRASES, formatLastSeen, type LastSeenOptions } from './last-seen-format.js'

const MINUTE = 60_000
/** Friday 12 June 2026, 10:00 in London (BST). */
const NOW = Date.UTC(2026, 5, 12, 9, 0)
const LONDON: LastSeenOptions = { locale: 'en-GB', timeZone: 'Europe/London' }
/** A wall time in London during BST (UTC+1). */
const london = (month: number, day: number, hour: number, minute: number, year = 2026) =>
  Date.UTC(year, month - 1, day, hour - 1, minute)

describe('formatLastSeen', () => {
  it.each([
    ['the same instant', NOW, 'active just now'],
    ['59.9 s ago', NOW - 59_999, 'active just now'],
    ['in the future (clock skew)', NOW + 5 * MINUTE, 'active just now'],
    ['one minute ago', NOW - MINUTE, 'active 1 min ago'],
    ['5 min 59 s ago', NOW - 6 * MINUTE + 1_000, 'active 5 min ago'],
    ['59 min ago', NOW - 59 * MINUTE, 'active 59 min ago'],
    ['an hour ago', NOW - 60 * MINUTE, 'last seen today at 09:00'],
    ['early this morning', london(6, 12, 0, 5), 'last seen today at 00:05'],
    ['yesterday evening', london(6, 11, 18, 40), 'last seen yesterday at 18:40'],
    ['yesterday just after midnight', london(6, 11, 0, 0), 'last seen yesterday at 00:00'],
    ['Monday', london(6, 8, 9, 12), 'last seen Monday at 09:12'],
    ['six days ago', london(6, 6, 23, 59), 'last seen Saturday at 23:59'],
    ['a week ago', london(6, 5, 9, 12), 'last seen 5 Jun at 09:12'],
    ['earlier this year', Date.UTC(2026, 0, 2, 9, 12), 'last seen 2 Jan at 09:12'],
    ['last year', london(6, 12, 9, 12, 2025), 'last seen 12 Jun 2025 at 09:12'],
  ])('%s', (_, timestamp, text) => {
    expect(formatLastSeen(timestamp, NOW, LONDON)).toBe(text)
  })

  it('decides today and yesterday by the calendar of the time zone', () => {
    const justAfterMidnight = london(6, 13, 0, 10)
    expect(formatLastSeen(london(6, 12, 23, 50), justAfterMidnight, LONDON)).toBe(
      'active 20 min ago',
    )
    expect(formatLastSeen(london(6, 12, 22, 0), justAfterMidnight, LONDON)).toBe(
      'last seen yesterday at 22:00',
    )
    // 04:00 in London is 23:00 the day before in New York.
    const early = Date.UTC(2026, 5, 12, 3, 0)
    expect(formatLastSeen(early, NOW, LONDON)).toBe('last seen today at 04:00')
    expect(formatLastSeen(early, NOW, { ...LONDON, timeZone: 'America/New_York' })).toBe(
      'last seen yesterday at 23:00',
    )
  })

  it('counts the year in the time zone', () => {
    const newYear = Date.UTC(2026, 0, 10, 12, 0)
    const newYearsEveInTokyo = Date.UTC(2025, 11, 31, 16, 0) // 1 Jan 2026, 01:00 in Tokyo
    expect(formatLastSeen(newYearsEveInTokyo, newYear, { locale: 'en-GB', timeZone: 'UTC' })).toBe(
      'last seen 31 Dec 2025 at 16:00',
    )
    expect(
      formatLastSeen(newYearsEveInTokyo, newYear, { locale: 'en-GB', timeZone: 'Asia/Tokyo' }),
    ).toBe('last seen 1 Jan at 01:00')
  })

  it('follows the locale and the relative-time style', () => {
    const us = { locale: 'en-US', timeZone: 'Europe/London' }
    expect(formatLastSeen(NOW - 5 * MINUTE, NOW, us)).toBe('active 5 min. ago')
    expect(formatLastSeen(london(6, 11, 18, 40), NOW, us).replace(/\s/g, ' ')).toBe(
      'last seen yesterday at 6:40 PM',
    )
    expect(formatLastSeen(london(6, 5, 9, 12), NOW, us).replace(/\s/g, ' ')).toBe(
      'last seen Jun 5 at 9:12 AM',
    )
    expect(formatLastSeen(NOW - 5 * MINUTE, NOW, { ...LONDON, style: 'long' })).toBe(
      'active 5 minutes ago',
    )
  })

  it('takes translated phrases around the Intl parts', () => {
    const german: LastSeenOptions = {
      locale: 'de-DE',
      timeZone: 'Europe/Berlin',
      phrases: {
        justNow: 'gerade aktiv',
        active: (ago) => `aktiv ${ago}`,
        lastSeen: (day, time) => `zuletzt gesehen ${day} um ${time}`,
      },
    }
    expect(formatLastSeen(NOW, NOW, german)).toBe('gerade aktiv')
    expect(formatLastSeen(NOW - 5 * MINUTE, NOW, german)).toBe('aktiv vor 5 Min.')
    expect(formatLastSeen(london(6, 11, 18, 40), NOW, german)).toBe(
      'zuletzt gesehen gestern um 19:40',
    )
    expect(formatLastSeen(london(6, 8, 9, 12), NOW, german)).toBe('zuletzt gesehen Montag um 10:12')
  })

  it('uses the runtime locale and time zone by default', () => {
    const text = formatLastSeen(NOW - 2 * 24 * 60 * MINUTE, NOW)
    expect(text.startsWith('last seen ')).toBe(true)
    expect(ENGLISH_PHRASES.active('1 h ago')).toBe('active 1 h ago')
  })
})
