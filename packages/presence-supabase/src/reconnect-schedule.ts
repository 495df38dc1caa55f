/**
 * Detects a Supabase client whose socket reconnects on a fixed schedule (realtime-js's default:
 * 1, 2, 5, 10 s, no randomness), which brings every client back in the same instant after a
 * deploy drops all sockets. Invariants: reported at most once per realtime client (a module-level
 * WeakSet, so clients are not kept alive); never throws — an odd client is simply not judged.
 */
import { PresenceError } from '@wedsync/presence-core'

const judged = new WeakSet<object>()

/** True if `reconnectAfterMs` gives the same wait three times for the same tries. */
export function hasFixedReconnectSchedule(realtime: {
  readonly reconnectAfterMs?: unknown
}): boolean {
  try {
    const schedule = realtime.reconnectAfterMs
    if (typeof schedule !== 'function') return false
    // tries 3 has a ceiling of 4 s under full jitter, so three equal draws are ~impossible.
    const draws = [schedule(3), schedule(3), schedule(3)]
    return draws.every((d) => typeof d === 'number' && d === draws[0])
  } catch {
    return false
  }
}

/** Reports a fixed schedule through `report`, once per realtime client. */
export function warnOnFixedReconnectSchedule(
  realtime: object,
  report: (error: PresenceError) => void,
): void {
  if (judged.has(realtime)) return
  judged.add(realtime)
  if (!hasFixedReconnectSchedule(realtime as { reconnectAfterMs?: unknown })) return
  report(
    new PresenceError(
      'PRESENCE_INVALID_ARGUMENT',
      'this Supabase client reconnects its socket on a fixed schedule, so after a deploy every ' +
        'client comes back at once; create it with createPresenceSupabaseClient(...) or pass ' +
        '{ realtime: { reconnectAfterMs: fullJitterReconnect() } } to createClient',
      { details: { warning: 'fixed-reconnect-schedule' } },
    ),
  )
}
