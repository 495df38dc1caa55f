/**
 * A store-fault scenario's run: the presence server under test in its own process, writers
 * posting status updates to it throughout, each fault in turn (store-fault.ts), then — with the
 * traffic stopped and the server's store closed, so nothing can land any more — the audit of what
 * was written (write-audit.ts). Prints what a client saw during each fault; returns every check.
 * The server is started once and never restarted: recovering is its job. Whatever fails, the
 * traffic and the server are stopped before this returns or throws.
 */
import { type Check, equals } from './scenario.js'
import { startTraffic, type Traffic } from './status-traffic.js'
import { type FaultOutcome, runStoreFault, type StoreFault } from './store-fault.js'
import { startStoreServer } from './store-server.js'
import type { StoreServerConfig } from './store-server-process.js'
import { auditWrites } from './write-audit.js'

/** The handlers' default deadline (the server sets none): what a deployment that sets nothing gets. */
const DEADLINE_MS = 2_000
const SECRET = 'chaos-secret-chaos-secret-chaos-secret-42'

export async function runStoreFaults(
  server: Omit<StoreServerConfig, 'secret'>,
  faults: readonly StoreFault[],
): Promise<Check[]> {
  const running = await startStoreServer({ ...server, secret: SECRET })
  let traffic: Traffic | undefined
  try {
    traffic = startTraffic(running.url, SECRET, { prefix: `chaos-${process.pid}` })
    const outcomes: FaultOutcome[] = []
    for (const fault of faults)
      outcomes.push(
        await runStoreFault(traffic, fault, {
          deadlineMs: DEADLINE_MS,
          serverDeath: running.death,
        }),
      )
    await traffic.stop()
    await running.stop()
    for (const outcome of outcomes) console.log(outcome.seen)
    console.log(`causes the server reported: ${tally(running.reported5xx.map((r) => r.error))}`)
    const unexpected = traffic.answers.filter((a) => a.httpStatus !== 200 && a.httpStatus !== 503)
    return [
      ...outcomes.flatMap((o) => o.checks),
      equals('updates answered other than 200 or 503, whole run', unexpected.length, 0),
      ...(await auditWrites(server.databaseUrl, server.schema, traffic.answers, outcomes)),
    ]
  } finally {
    await traffic?.stop()
    await running.stop().catch(() => {})
  }
}

/**
 * "Error: connect ECONNREFUSED 127.0.0.1:N ×12; …", most frequent first. Numbers of four digits
 * or more (ports, milliseconds) are folded, so one cause is one entry.
 */
function tally(causes: readonly string[]): string {
  const counts = new Map<string, number>()
  for (const cause of causes) {
    const key = cause.replace(/\d{4,}/g, 'N')
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return (
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([cause, n]) => `${cause} ×${n}`)
      .join('; ') || 'none'
  )
}
