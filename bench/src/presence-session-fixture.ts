/**
 * One person on two devices, as the session benches report them: session 0 is the laptop in use
 * (online, reading the timeline; every fourth person has set busy with a custom status there),
 * session 1 the phone in a pocket (idle, no activity). The same report goes over HTTP (a
 * `POST /presence/status` body) or straight to a store (`StatusChange`), so the HTTP, sweeper and
 * bulk-read benches hold the same data. Deterministic: a report depends only on its arguments.
 */
import type { SessionInputs, StatusChange } from '@wedsync/presence-server'

export interface SessionReport {
  readonly status: 'online' | 'idle' | 'busy'
  readonly sessionId: string
  readonly session: SessionInputs
  readonly activity?: {
    readonly action: string
    readonly target: string
    readonly weddingId: string
  }
}

/** What session `session` (0: laptop, 1: phone) of user number `user` reports, stamped `at`. */
export function sessionReport(user: number, session: 0 | 1, at: number): SessionReport {
  const laptop = session === 0
  const busy = laptop && user % 4 === 0
  return {
    status: busy ? 'busy' : laptop ? 'online' : 'idle',
    sessionId: `${laptop ? 'laptop' : 'phone'}-${user}`,
    session: {
      automatic: laptop ? 'online' : 'idle',
      activeAgo: laptop ? 4_000 : 420_000,
      ...(busy
        ? {
            manual: { status: 'busy' as const, at },
            custom: { status: { text: 'At the venue until 15:00', emoji: '📍' }, at },
          }
        : {}),
    },
    ...(laptop
      ? { activity: { action: 'viewing', target: 'timeline', weddingId: `w-${user % 50}` } }
      : {}),
  }
}

/** The same report as a store change for `userId`, live until `leaseUntil`. */
export function sessionChange(
  userId: string,
  user: number,
  session: 0 | 1,
  at: number,
  leaseUntil: number,
): StatusChange {
  const report = sessionReport(user, session, at)
  return {
    userId,
    status: report.status,
    at,
    leaseUntil,
    sessionId: report.sessionId,
    session: report.session,
    ...(report.activity ? { activity: report.activity } : {}),
  }
}

/** Runs `work(i)` for i in 0 … n − 1, at most `concurrency` at a time. */
export async function inParallel(
  n: number,
  concurrency: number,
  work: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < n) await work(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker))
}
