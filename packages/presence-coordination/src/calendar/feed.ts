/**
 * A calendar feed fetched and cached on the server: conditional requests (If-None-Match with the
 * ETag, If-Modified-Since with Last-Modified) so an unchanged feed costs a 304 and no parse, a
 * minimum interval between fetches, a size and time limit, and redirects followed by hand so
 * every hop passes `allowUrl` (a feed URL comes from a user: without a check the server could be
 * made to fetch internal addresses). When a refresh fails, the last good copy is served, marked
 * stale; with none, the failure is PRESENCE_CALENDAR_UNAVAILABLE.
 */
import { type Clock, type Scheduler, systemClock, systemScheduler } from '@wedsync/presence-core'
import { isPresenceServerError, MS, PresenceServerError, readBody } from '@wedsync/presence-server'
import { type CalendarEvent, type ParsedCalendar, parseCalendar } from './ics.js'

export interface CalendarFeedOptions {
  /** `https://…` (or `webcal://…`, fetched over https). */
  readonly url: string
  readonly fetch?: typeof globalThis.fetch
  readonly clock?: Clock
  /** Runs the fetch timeout. */
  readonly scheduler?: Scheduler
  /** Fetch at most this often; `get()` in between answers from the cache. Default 5 minutes. */
  readonly minIntervalMs?: number
  /** A fetch taking longer is abandoned. Default 10 s. */
  readonly timeoutMs?: number
  /** Bodies larger than this are refused. Default 5 MB. */
  readonly maxBytes?: number
  /** Events are expanded over [now − pastMs, now + futureMs). Defaults 1 day and 31 days. */
  readonly pastMs?: number
  readonly futureMs?: number
  /** Zone of floating times and all-day events when the feed names none. Default UTC. */
  readonly timeZone?: string
  /** Whether a URL (the feed's, and every redirect's) may be fetched. Default: https only. */
  readonly allowUrl?: (url: URL) => boolean
}

export interface CalendarFeedResult {
  readonly events: readonly CalendarEvent[]
  readonly calendar: Omit<ParsedCalendar, 'events'>
  /** When the feed's content was last downloaded (200). */
  readonly fetchedAt: number
  /** When the server was last asked (200 or 304). */
  readonly checkedAt: number
  /** `fetched`: new content; `not-modified`: a 304; `cached`: no request (min interval); `stale`: the last refresh failed. */
  readonly source: 'fetched' | 'not-modified' | 'cached' | 'stale'
  /** Why the last refresh failed, for `stale`. */
  readonly error?: PresenceServerError
}

export interface CalendarFeed {
  /** The feed's events now; `force` asks the server even within the minimum interval. */
  get(options?: { readonly force?: boolean }): Promise<CalendarFeedResult>
}

const MAX_REDIRECTS = 5

function unavailable(message: string, cause?: unknown): PresenceServerError {
  return new PresenceServerError(
    'PRESENCE_CALENDAR_UNAVAILABLE',
    message,
    cause === undefined ? {} : { cause },
  )
}

/** The feed URL as fetched: webcal is https. Refuses what `allowUrl` refuses. */
function feedUrl(raw: string, allowUrl: (url: URL) => boolean): URL {
  let url: URL
  try {
    url = new URL(raw.replace(/^webcals?:/i, 'https:'))
  } catch {
    throw new PresenceServerError('PRESENCE_PAYLOAD_INVALID', 'Calendar feed URL is not a URL')
  }
  if (!allowUrl(url))
    throw new PresenceServerError('PRESENCE_FORBIDDEN', 'Calendar feed URL not allowed')
  return url
}

/** The body as text; too large is the feed's failure, not the caller's (413 is for requests). */
async function readText(response: Response, maxBytes: number): Promise<string> {
  try {
    return await readBody(response, maxBytes)
  } catch (error) {
    if (isPresenceServerError(error) && error.code === 'PRESENCE_PAYLOAD_TOO_LARGE')
      throw unavailable(`Calendar feed larger than ${maxBytes} bytes`)
    throw error
  }
}

export function createCalendarFeed(options: CalendarFeedOptions): CalendarFeed {
  const doFetch = options.fetch ?? globalThis.fetch
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  const allowUrl = options.allowUrl ?? ((url: URL) => url.protocol === 'https:')
  const minInterval = options.minIntervalMs ?? 5 * 60_000
  const timeoutMs = options.timeoutMs ?? 10_000
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024
  const start = feedUrl(options.url, allowUrl)

  let text: string | undefined
  let etag: string | undefined
  let lastModified: string | undefined
  let fetchedAt = 0
  let checkedAt = Number.NEGATIVE_INFINITY
  let lastError: PresenceServerError | undefined
  let inFlight: Promise<CalendarFeedResult> | undefined

  const parse = (ics: string) => {
    const now = clock.now()
    return parseCalendar(ics, {
      from: now - (options.pastMs ?? MS.day),
      to: now + (options.futureMs ?? 31 * MS.day),
      maxBytes,
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    })
  }

  const result = (
    source: CalendarFeedResult['source'],
    error?: PresenceServerError,
    parsed: ParsedCalendar = parse(text!),
  ) => {
    const { events, ...calendar } = parsed
    return {
      events,
      calendar,
      fetchedAt,
      checkedAt,
      source,
      ...(error === undefined ? {} : { error }),
    } satisfies CalendarFeedResult
  }

  async function request(): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/calendar, */*;q=0.5' }
    if (text !== undefined && etag) headers['if-none-match'] = etag
    if (text !== undefined && lastModified) headers['if-modified-since'] = lastModified
    const controller = new AbortController()
    const cancelTimeout = scheduler.schedule(timeoutMs, () => controller.abort())
    try {
      let url = start
      for (let hop = 0; ; hop++) {
        const response = await doFetch(url, {
          headers,
          redirect: 'manual',
          signal: controller.signal,
        })
        const location = response.headers.get('location')
        if (response.status < 300 || response.status >= 400 || response.status === 304 || !location)
          return response
        await response.body?.cancel().catch(() => {})
        if (hop >= MAX_REDIRECTS) throw unavailable('Calendar feed redirects too often')
        url = feedUrl(new URL(location, url).href, allowUrl)
      }
    } catch (error) {
      if (error instanceof PresenceServerError) throw error
      throw unavailable('Calendar feed did not answer', error)
    } finally {
      cancelTimeout()
    }
  }

  async function refresh(): Promise<CalendarFeedResult> {
    try {
      const response = await request()
      checkedAt = clock.now()
      if (response.status === 304 && text !== undefined) {
        lastError = undefined
        return result('not-modified')
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {})
        throw unavailable(`Calendar feed answered ${response.status}`)
      }
      const body = await readText(response, maxBytes)
      const parsed = parse(body) // a body that is not a calendar never replaces the last good one
      text = body
      etag = response.headers.get('etag') ?? undefined
      lastModified = response.headers.get('last-modified') ?? undefined
      fetchedAt = checkedAt
      lastError = undefined
      return result('fetched', undefined, parsed)
    } catch (error) {
      // A failed attempt also waits the minimum interval before the next: no hammering.
      checkedAt = clock.now()
      const failure =
        error instanceof PresenceServerError
          ? error
          : unavailable('Calendar feed could not be read', error)
      if (text === undefined) throw failure
      lastError = failure
      return result('stale', failure)
    }
  }

  return {
    get({ force = false } = {}) {
      if (inFlight) return inFlight
      if (!force && text !== undefined && clock.now() - checkedAt < minInterval)
        return Promise.resolve(lastError ? result('stale', lastError) : result('cached'))
      inFlight = refresh().finally(() => {
        inFlight = undefined
      })
      return inFlight
    },
  }
}
