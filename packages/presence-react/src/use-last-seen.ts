/**
 * useLastSeen: "active 5 min ago" that stays true as time passes. All components share one ticker
 * per clock (the provider's, so tests run on a fake clock); the store value is the text itself, so
 * a tick re-renders only the components whose text changed.
 */
import { useMemo, useSyncExternalStore } from 'react'
import { usePresenceTime } from './context.js'
import { formatLastSeen, type LastSeenOptions } from './last-seen-format.js'
import { tickerFor } from './ticker.js'

const noSubscription = () => () => {}

/**
 * The text for someone last active at `timestamp` (epoch ms, e.g. `member.lastActiveAt`), or
 * `undefined` without a timestamp. At most 30 s behind the clock. On the server it is rendered
 * with the server's time: the client may show another minute after hydration.
 */
export function useLastSeen(
  timestamp: number | undefined,
  options: LastSeenOptions = {},
): string | undefined {
  const { clock, scheduler } = usePresenceTime()
  const ticker = tickerFor(clock, scheduler)
  const { locale, timeZone, style, phrases } = options
  // Memoized on the option values, not the object: an inline `{ locale: 'en-GB' }` is new each render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `options` is read through its fields.
  const read = useMemo(() => {
    if (timestamp === undefined) return () => undefined
    // React reads the value on every render and every tick: format once per tick mark.
    let last: { readonly now: number; readonly text: string } | undefined
    return () => {
      const now = ticker.now()
      if (last?.now !== now) last = { now, text: formatLastSeen(timestamp, now, options) }
      return last.text
    }
  }, [ticker, timestamp, locale, timeZone, style, phrases])
  return useSyncExternalStore(
    timestamp === undefined ? noSubscription : ticker.subscribe,
    read,
    read,
  )
}
