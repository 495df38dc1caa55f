/**
 * One store fault under traffic, and what the issue promises about it as checks: while the fault
 * lasts every answer is 200 or 503 PRESENCE_STORE_UNAVAILABLE with Retry-After, none slower than
 * the store deadline plus a second (never a hang, never a 500); `/health` names the failing check
 * within 3 s; once the service is back, updates answer 200 again by themselves within 30 s and
 * keep doing so, and `/health` is ok again. Also a line of what a client saw (statuses, codes,
 * Retry-After values, the `/health` body), for the docs. `/health` is asked back to back from the
 * moment the fault is in place (or healed), so its figure is how soon a monitor asking then is
 * told. Waits are on answers, with a fail time that names what was awaited; the server dying ends
 * the wait at once.
 */
import { type Check, equals, withinMs } from './scenario.js'
import { type Answer, askHealth, type HealthReading, type Traffic } from './status-traffic.js'

/** The bound for `/health` to name what is down. */
const HEALTH_BOUND_MS = 3_000
/** How soon updates must answer 200 again once the service is back. */
const RECOVERY_BOUND_MS = 30_000
/** An answer may take the deadline plus this (the request's own work, a busy machine). */
const ANSWER_MARGIN_MS = 1_000
/** Updates answered 503 before the fault is healed: enough to see what clients get. */
const REFUSED_DURING_FAULT = 8
/** Updates after the first 200 that must all be 200 too (recovered, not flapping). */
const STEADY_AFTER_RECOVERY = 20
const WAIT_FAIL_MS = 60_000

export interface StoreFault {
  /** In a user's words: "Redis stalled (SIGSTOP)". */
  readonly name: string
  /** Breaks the service; for a restart, the whole restart. */
  inject(): Promise<void>
  /** Brings it back (resolves once it accepts connections); nothing to do after a restart. */
  heal?(): Promise<void>
  /**
   * The `/health` check that must read 'fail' while the fault lasts (`rateLimiter`, `store`), and
   * the fault is held until it does and until clients were refused. Without it the fault is as
   * long as `inject` (a restart may be over before /health or any client notices).
   */
  readonly healthCheck?: string
  /**
   * How many updates answered 503 may still have landed: a crash (`-m immediate`) can kill a
   * connection after its commit and before the reply, so the server reports a failure for a write
   * that is in the store — not applied later, but at once, with its outcome lost. At most one per
   * pool connection in flight. Default 0.
   */
  readonly ambiguousCommits?: number
}

export interface FaultOutcome {
  readonly name: string
  /** performance.now() when the fault was injected. */
  readonly injectedAt: number
  /** From the fault: 503s that may have committed (see `StoreFault`). */
  readonly ambiguousCommits: number
  readonly checks: Check[]
  /** What a client saw, one line. */
  readonly seen: string
}

const isProper503 = (a: Answer) =>
  a.httpStatus === 503 && a.code === 'PRESENCE_STORE_UNAVAILABLE' && a.retryAfter !== undefined
const isAllowed = (a: Answer) => a.httpStatus === 200 || isProper503(a)

export async function runStoreFault(
  traffic: Traffic,
  fault: StoreFault,
  { deadlineMs, serverDeath }: { deadlineMs: number; serverDeath: Promise<never> },
): Promise<FaultOutcome> {
  const wait = (what: string, check: () => boolean) =>
    Promise.race([traffic.until(`${fault.name}: ${what}`, check, WAIT_FAIL_MS), serverDeath])
  const answeredSince = (t: number) => traffic.answers.filter((a) => a.sentAt >= t)
  // Asks /health again and again until it says what is awaited (each ask answers within the
  // health deadline, so this is polling a real answer, not a clock).
  const health = async (what: string, holds: (h: HealthReading) => boolean) => {
    const started = performance.now()
    for (;;) {
      const reading = await Promise.race([askHealth(traffic.url), serverDeath])
      if (holds(reading)) return reading
      if (performance.now() - started > WAIT_FAIL_MS)
        throw new Error(`${fault.name}: gave up waiting for ${what}; /health said ${reading.body}`)
    }
  }

  // Start from a healthy server: an update answered 200 and /health ok, both asked from now.
  const before = performance.now()
  await wait('an update answered 200 before the fault', () =>
    answeredSince(before).some((a) => a.httpStatus === 200),
  )
  if (fault.healthCheck) await health('/health ok before the fault', (h) => h.httpStatus === 200)

  const injectedAt = performance.now()
  await fault.inject()
  const brokenAt = performance.now()
  let named: HealthReading | undefined
  if (fault.healthCheck) {
    const name = fault.healthCheck
    named = await health(`/health naming ${name}`, (h) => h.checks[name] === 'fail')
    await wait(`${REFUSED_DURING_FAULT} updates refused`, () => {
      const refused = answeredSince(brokenAt).filter((a) => a.httpStatus !== 200)
      return refused.length >= REFUSED_DURING_FAULT
    })
  }
  await fault.heal?.()
  const healedAt = performance.now()
  const healthBack = fault.healthCheck
    ? await health('/health ok after the heal', (h) => h.httpStatus === 200)
    : undefined

  let recovered: Answer | undefined
  await wait('an update answered 200 after the heal', () => {
    recovered = answeredSince(healedAt).find((a) => a.httpStatus === 200)
    return recovered !== undefined
  })
  const recoveredAt = recovered!.answeredAt
  await wait(`${STEADY_AFTER_RECOVERY} updates after recovery`, () => {
    return answeredSince(recoveredAt).length >= STEADY_AFTER_RECOVERY
  })

  // Every update asked from the fault until recovery: during it, and the ones that met its end.
  const during = traffic.answers.filter((a) => a.sentAt >= injectedAt && a.sentAt < recoveredAt)
  const after = answeredSince(recoveredAt).slice(0, STEADY_AFTER_RECOVERY)
  const slowest = Math.max(0, ...during.map((a) => a.answeredAt - a.sentAt))
  const checks: Check[] = [
    equals(
      `${fault.name}: updates answered other than 200 or 503 + Retry-After`,
      during.filter((a) => !isAllowed(a)).length,
      0,
    ),
    withinMs(`${fault.name}: slowest answer`, slowest, deadlineMs + ANSWER_MARGIN_MS),
  ]
  if (named)
    checks.push(
      withinMs(
        `${fault.name}: /health names ${fault.healthCheck}`,
        named.answeredAt - injectedAt,
        HEALTH_BOUND_MS,
      ),
    )
  checks.push(
    withinMs(`${fault.name}: back to 200 by itself`, recoveredAt - healedAt, RECOVERY_BOUND_MS),
    equals(
      `${fault.name}: updates not 200 after recovery`,
      after.filter((a) => a.httpStatus !== 200).length,
      0,
    ),
  )
  if (healthBack)
    checks.push(
      withinMs(
        `${fault.name}: /health ok again`,
        healthBack.answeredAt - healedAt,
        RECOVERY_BOUND_MS,
      ),
    )
  return {
    name: fault.name,
    injectedAt,
    ambiguousCommits: fault.ambiguousCommits ?? 0,
    checks,
    seen: describe(fault.name, during, named),
  }
}

/** "Redis stalled: 200 ×3, 503 PRESENCE_STORE_UNAVAILABLE Retry-After 2 ×14 (2,001–2,012 ms) …" */
function describe(name: string, during: readonly Answer[], named?: HealthReading): string {
  const kinds = new Map<string, number[]>()
  for (const a of during) {
    const kind =
      a.httpStatus === 200
        ? '200'
        : `${a.httpStatus} ${a.code ?? '(no code)'} Retry-After ${a.retryAfter ?? '(none)'}`
    kinds.set(kind, [...(kinds.get(kind) ?? []), a.answeredAt - a.sentAt])
  }
  const ms = (v: number) => Math.round(v).toLocaleString('en-US')
  const parts = [...kinds].map(
    ([kind, took]) =>
      `${kind} ×${took.length} (${ms(Math.min(...took))}–${ms(Math.max(...took))} ms)`,
  )
  const health = named ? `; /health ${named.httpStatus} ${named.body}` : ''
  return `${name}: ${parts.join(', ')}${health}`
}
