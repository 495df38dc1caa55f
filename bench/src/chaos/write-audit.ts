/**
 * "Nothing lost, nothing late": after the presence server has closed its store (so no write of
 * the run can still land), compares every update a client sent with what the store holds. Each
 * update was for its own user, so the user's row says exactly whether it landed. An update
 * answered 200 must be there with the status it carried; one answered 503 must not be — not even
 * landed after its client was told it failed. Refused updates are counted per fault (the one in
 * force when the 503 came), so a miss names the fault that caused it.
 */
import pg from 'pg'
import { atMost, type Check } from './scenario.js'
import type { Answer } from './status-traffic.js'

export interface FaultWindow {
  readonly name: string
  /** performance.now() when the fault was injected; it lasts until the next one's. */
  readonly injectedAt: number
  /** 503s that may be for writes committed as the connection died (a crash); default 0. */
  readonly ambiguousCommits?: number
}

export async function auditWrites(
  databaseUrl: string,
  schema: string,
  answers: readonly Answer[],
  faults: readonly FaultWindow[],
): Promise<Check[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
  let stored: Map<string, string>
  try {
    const { rows } = await pool.query<{ user_id: string; last_status: string }>(
      `select user_id, last_status from "${schema}".user_last_seen`,
    )
    stored = new Map(rows.map((row) => [row.user_id, row.last_status]))
  } finally {
    await pool.end()
  }
  const acknowledged = answers.filter((a) => a.httpStatus === 200)
  const lost = acknowledged.filter((a) => stored.get(a.userId) !== a.status)
  const checks = [
    atMost(`updates answered 200 missing (of ${acknowledged.length})`, lost.length, 0),
  ]

  const refused = answers.filter((a) => a.httpStatus === 503)
  // Every fault gets its row, in order, even one no client met.
  const byFault = new Map<string, Answer[]>(faults.map((f) => [f.name, []]))
  for (const a of refused) {
    const fault = faults.findLast((f) => f.injectedAt <= a.answeredAt)?.name ?? 'before any fault'
    byFault.set(fault, [...(byFault.get(fault) ?? []), a])
  }
  for (const [fault, answered503] of byFault) {
    const landed = answered503.filter((a) => stored.has(a.userId))
    const ambiguous = faults.find((f) => f.name === fault)?.ambiguousCommits ?? 0
    checks.push(
      atMost(
        ambiguous === 0
          ? `${fault}: updates answered 503 applied later (of ${answered503.length})`
          : `${fault}: updates answered 503 in the store, committed as their connection died (of ${answered503.length})`,
        landed.length,
        ambiguous,
      ),
    )
  }
  return checks
}
