/**
 * What the board reads from its address: who you are (`as`), which wedding is open (`wedding`), and
 * short timings for tests and demos (`idleAfterMs`, `awayAfterMs`, `heartbeatMs`, `leaseMs`). Pure:
 * a bad value is left out and named in `problems`, never thrown, so a typo still opens the board.
 */
import { META_LIMITS } from '@wedsync/presence-core'
import { supplierById, WEDDINGS, weddingById, weddingsOf } from './cast.js'

export interface BoardConfig {
  readonly userId: string
  readonly weddingId: string
  readonly idleAfterMs?: number
  readonly awayAfterMs?: number
  readonly heartbeat?: { readonly intervalMs?: number; readonly leaseMs?: number }
  /** Parameters that were given but could not be used, in words. */
  readonly problems: readonly string[]
}

export const DEFAULT_USER_ID = 'u-venue'

const DAY_MS = 24 * 60 * 60 * 1000

/** Bounds per timing parameter: the lease within what observers accept (core's META_LIMITS). */
const TIMINGS = {
  idleAfterMs: [500, DAY_MS],
  awayAfterMs: [500, DAY_MS],
  heartbeatMs: [500, META_LIMITS.maxLeaseMs],
  leaseMs: [META_LIMITS.minLeaseMs, META_LIMITS.maxLeaseMs],
} as const

type Timing = keyof typeof TIMINGS

export function parseBoardConfig(search: string): BoardConfig {
  const params = new URLSearchParams(search)
  const problems: string[] = []

  let userId = params.get('as') ?? DEFAULT_USER_ID
  if (!supplierById(userId)) {
    problems.push(`as=${userId}: no such supplier, showing the board as ${DEFAULT_USER_ID}`)
    userId = DEFAULT_USER_ID
  }
  const own = weddingsOf(userId)
  const fallback = (own[0] ?? WEDDINGS[0]!).id
  let weddingId = params.get('wedding') ?? fallback
  if (!weddingById(weddingId)) {
    problems.push(`wedding=${weddingId}: no such wedding, opening ${fallback}`)
    weddingId = fallback
  }

  const timing = (name: Timing): number | undefined => {
    const raw = params.get(name)
    if (raw === null) return undefined
    const value = Number(raw)
    const [min, max] = TIMINGS[name]
    if (Number.isInteger(value) && value >= min && value <= max) return value
    problems.push(`${name}=${raw}: expected a whole number of ms from ${min} to ${max}`)
    return undefined
  }
  const idleAfterMs = timing('idleAfterMs')
  const awayAfterMs = timing('awayAfterMs')
  const intervalMs = timing('heartbeatMs')
  const leaseMs = timing('leaseMs')
  if (intervalMs !== undefined && leaseMs !== undefined && leaseMs <= intervalMs)
    problems.push('leaseMs should be longer than heartbeatMs, or sessions flicker offline')

  return {
    userId,
    weddingId,
    ...(idleAfterMs !== undefined && { idleAfterMs }),
    ...(awayAfterMs !== undefined && { awayAfterMs }),
    ...((intervalMs !== undefined || leaseMs !== undefined) && {
      heartbeat: {
        ...(intervalMs !== undefined && { intervalMs }),
        ...(leaseMs !== undefined && { leaseMs }),
      },
    }),
    problems,
  }
}
