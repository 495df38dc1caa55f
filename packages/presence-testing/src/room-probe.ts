/**
 * A probe on a `TransportRoom`: records every status, presence event and message in arrival order,
 * keeps the room's presence state as a client would build it, and lets a test wait until something
 * holds. The wait's time bound only turns a hang into a failure; it never asserts timing.
 */
import type {
  PresenceEvent,
  PresenceState,
  TransportMeta,
  TransportRoom,
  TransportStatus,
  TransportStatusDetail,
} from '@wedsync/presence-core'

export type ProbeEntry =
  | {
      readonly kind: 'status'
      readonly index: number
      readonly status: TransportStatus
      readonly detail?: TransportStatusDetail
    }
  | { readonly kind: 'presence'; readonly index: number; readonly event: PresenceEvent }
  | {
      readonly kind: 'message'
      readonly index: number
      readonly event: string
      readonly payload: unknown
    }

export interface RoomProbeOptions {
  /** Broadcast events to record (a transport has no catch-all listener). */
  readonly messages?: readonly string[]
  /** When a wait gives up and rejects. Default 5000 ms. */
  readonly failAfterMs?: number
}

export interface RoomProbe {
  readonly room: TransportRoom
  /** Everything received so far, in arrival order; `index` is the position in this list. */
  readonly log: readonly ProbeEntry[]
  /** Presence state built from sync/join/leave, as a client of this room sees it. */
  state(): PresenceState
  /** The last status received, if any. */
  status(): TransportStatus | undefined
  /** Resolves with the first truthy value of `check`, re-checked after every entry. */
  until<T>(check: () => T | undefined | null | false, description: string): Promise<T>
  /** Resolves with the first entry at position `from` or later that `match` accepts. */
  next(
    match: (entry: ProbeEntry) => boolean,
    description: string,
    from?: number,
  ): Promise<ProbeEntry>
  /** Ends the recording and rejects pending waits. */
  stop(): void
}

interface Waiter {
  readonly check: () => boolean
  readonly fail: (error: Error) => void
}

export function probeRoom(room: TransportRoom, options: RoomProbeOptions = {}): RoomProbe {
  const failAfterMs = options.failAfterMs ?? 5_000
  const log: ProbeEntry[] = []
  const waiters = new Set<Waiter>()
  let state: Record<string, readonly TransportMeta[]> = Object.create(null)
  let stopped = false

  function record(entry: ProbeEntry): void {
    if (stopped) return
    log.push(entry)
    if (entry.kind === 'presence') state = applyEvent(state, entry.event)
    for (const waiter of [...waiters]) waiter.check()
  }

  const unsubscribes = [
    room.onStatus((status, detail) =>
      record(
        detail === undefined
          ? { kind: 'status', index: log.length, status }
          : { kind: 'status', index: log.length, status, detail },
      ),
    ),
    room.onPresence((event) => record({ kind: 'presence', index: log.length, event })),
    ...(options.messages ?? []).map((name) =>
      room.onMessage(name, (payload) =>
        record({ kind: 'message', index: log.length, event: name, payload }),
      ),
    ),
  ]

  function until<T>(check: () => T | undefined | null | false, description: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check() {
          const value = check()
          if (!value) return false
          finish()
          resolve(value)
          return true
        },
        fail(error) {
          finish()
          reject(error)
        },
      }
      const timer = setTimeout(() => {
        waiter.fail(
          new Error(`gave up after ${failAfterMs} ms waiting for ${description}\n${tail(log)}`),
        )
      }, failAfterMs)
      function finish(): void {
        clearTimeout(timer)
        waiters.delete(waiter)
      }
      if (stopped) waiter.fail(new Error(`the probe was stopped before ${description}`))
      else if (!waiter.check()) waiters.add(waiter)
    })
  }

  return {
    room,
    log,
    state: () => state,
    status() {
      for (let i = log.length - 1; i >= 0; i--) {
        const entry = log[i]!
        if (entry.kind === 'status') return entry.status
      }
      return undefined
    },
    until,
    next(match, description, from = 0) {
      return until(() => log.slice(from).find(match), description)
    },
    stop() {
      stopped = true
      for (const unsubscribe of unsubscribes) unsubscribe()
      for (const waiter of [...waiters]) waiter.fail(new Error('the probe was stopped'))
    },
  }
}

/** The client-side algorithm: a sync replaces the state; joins add refs; leaves remove refs. */
function applyEvent(
  state: Record<string, readonly TransportMeta[]>,
  event: PresenceEvent,
): Record<string, readonly TransportMeta[]> {
  if (event.type === 'sync') return Object.assign(Object.create(null), event.state)
  const next: Record<string, readonly TransportMeta[]> = Object.assign(Object.create(null), state)
  const current = state[event.key] ?? []
  if (event.type === 'join') {
    const known = new Set(current.map((m) => m.ref))
    next[event.key] = [...current, ...event.metas.filter((m) => !known.has(m.ref))]
    return next
  }
  const gone = new Set(event.metas.map((m) => m.ref))
  const remaining = current.filter((m) => !gone.has(m.ref))
  if (remaining.length > 0) next[event.key] = remaining
  else delete next[event.key]
  return next
}

function tail(log: readonly ProbeEntry[]): string {
  const last = log.slice(-10).map((entry) => `  ${JSON.stringify(entry)}`)
  return last.length > 0 ? `last entries:\n${last.join('\n')}` : 'nothing was received'
}
