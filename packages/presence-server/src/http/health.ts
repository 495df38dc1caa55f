/**
 * `GET /health`: every check run at once, each with its own deadline on the handlers' scheduler;
 * 200 `ok` when all pass, 503 `unavailable` otherwise, with each check's result by name. A check
 * that rejects or does not answer in time fails; none can hang the answer.
 */
import type { Scheduler } from '@wedsync/presence-core'
import { json } from './bodies.js'

export async function healthResponse(
  checks: Readonly<Record<string, () => Promise<unknown>>>,
  timeoutMs: number,
  scheduler: Scheduler,
): Promise<Response> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      const ok = await withTimeout(check(), timeoutMs, scheduler)
      return [name, ok ? 'ok' : 'fail'] as const
    }),
  )
  const healthy = results.every(([, r]) => r === 'ok')
  return json(
    { status: healthy ? 'ok' : 'unavailable', checks: Object.fromEntries(results) },
    healthy ? 200 : 503,
  )
}

/** True when `work` resolves within `ms`; false when it rejects or takes longer. */
async function withTimeout(
  work: Promise<unknown>,
  ms: number,
  scheduler: Scheduler,
): Promise<boolean> {
  let cancel: (() => void) | undefined
  const timeout = new Promise<boolean>((resolve) => {
    cancel = scheduler.schedule(ms, () => resolve(false))
  })
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => false,
      ),
      timeout,
    ])
  } finally {
    cancel?.()
  }
}
