/**
 * formatLastSeen: "active 5 min ago", "last seen yesterday at 18:40" — a pure function of the
 * timestamp, `now` and the options. Intl formatters are costly to build, so each one is built once
 * per locale, time zone and style and cached for the life of the module.
 */

export interface LastSeenPhrases {
  /** Less than a minute ago (or in the future): "active just now". */
  readonly justNow: string
  /** Less than an hour ago; `ago` is Intl's "5 min ago". */
  readonly active: (ago: string) => string
  /** `day` is "today", "yesterday", a weekday or a date ("12 Jun"); `time` is "09:12". */
  readonly lastSeen: (day: string, time: string) => string
}

export interface LastSeenOptions {
  /** BCP 47 locale for numbers, days and times. Default: the runtime's. */
  readonly locale?: string
  /** IANA time zone that decides "today" and "yesterday". Default: the runtime's. */
  readonly timeZone?: string
  /** Intl.RelativeTimeFormat style of "5 min ago". Default `short`. */
  readonly style?: Intl.RelativeTimeFormatStyle
  /** The words around the Intl parts, to translate them. Default: English. */
  readonly phrases?: LastSeenPhrases
}

export const ENGLISH_PHRASES: LastSeenPhrases = {
  justNow: 'active just now',
  active: (ago) => `active ${ago}`,
  lastSeen: (day, time) => `last seen ${day} at ${time}`,
}

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>()

function cached<F extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(
  key: string,
  make: () => F,
): F {
  let formatter = formatters.get(key) as F | undefined
  if (!formatter) {
    formatter = make()
    formatters.set(key, formatter)
  }
  return formatter
}

function dateFormat(
  kind: string,
  locale: string | undefined,
  timeZone: string | undefined,
  options: Intl.DateTimeFormatOptions,
): Intl.DateTimeFormat {
  return cached(
    `${kind}|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, timeZone ? { ...options, timeZone } : options),
  )
}

/**
 * The calendar date of `epochMs` in `timeZone`: its year, and its day as days since 1970-01-01 so
 * two instants compare by calendar date. The parts come from a fixed `en-US` formatter: Latin
 * digits and the Gregorian calendar whatever the display locale.
 */
function calendarDate(
  epochMs: number,
  timeZone: string | undefined,
): { readonly year: number; readonly day: number } {
  const parts = dateFormat('parts', 'en-US', timeZone, {
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  }).formatToParts(epochMs)
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value)
  const year = part('year')
  return { year, day: Math.round(Date.UTC(year, part('month') - 1, part('day')) / DAY) }
}

/**
 * What to show for someone last active at `timestamp`, seen at `now` (epoch ms):
 * - under a minute: "active just now"; under an hour: "active 5 min ago";
 * - then by calendar day in the time zone: "last seen today at 09:12", "… yesterday at 18:40",
 *   "… Monday at 09:12" (within the week), "… 12 Jun at 09:12", "… 12 Jun 2025 at 09:12".
 */
export function formatLastSeen(
  timestamp: number,
  now: number,
  options: LastSeenOptions = {},
): string {
  const { locale, timeZone, style = 'short', phrases = ENGLISH_PHRASES } = options
  const ago = now - timestamp
  if (ago < MINUTE) return phrases.justNow
  if (ago < HOUR) {
    const relative = cached(
      `minutes|${locale}|${style}`,
      () => new Intl.RelativeTimeFormat(locale, { style, numeric: 'auto' }),
    )
    return phrases.active(relative.format(-Math.floor(ago / MINUTE), 'minute'))
  }
  const today = calendarDate(now, timeZone)
  const then = calendarDate(timestamp, timeZone)
  const days = today.day - then.day
  const time = dateFormat('time', locale, timeZone, { timeStyle: 'short' }).format(timestamp)
  let day: string
  if (days <= 1) {
    day = cached(
      `days|${locale}`,
      () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
    ).format(days === 0 ? 0 : -days, 'day')
  } else if (days < 7) {
    day = dateFormat('weekday', locale, timeZone, { weekday: 'long' }).format(timestamp)
  } else {
    const sameYear = today.year === then.year
    day = dateFormat(sameYear ? 'date' : 'date-year', locale, timeZone, {
      day: 'numeric',
      month: 'short',
      ...(!sameYear && { year: 'numeric' }),
    }).format(timestamp)
  }
  return phrases.lastSeen(day, time)
}
