/**
 * The clients of the store-fault scenarios, in this process: writers that keep posting status
 * updates (`POST /presence/status` with a Supabase-style HS256 token), recording every answer
 * with when it was asked and answered, and `askHealth` for one `GET /health`. Every update is for
 * a user never used before, so the store afterwards tells exactly which updates landed (and no
 * rate limit is ever hit). A request not answered within `HANG_MS` is recorded as status 0 (a
 * hang), never awaited forever. `until` waits on these answers, not on a clock.
 */
import { createHmac } from 'node:crypto'
import { createChangeSignal, waitFor } from './wait-for.js'

/** An answer slower than this is a hang: the request is given up and recorded as status 0. */
export const HANG_MS = 30_000
/**
 * Each writer's cadence: a new update at most this often (sooner only if the last one took
 * longer). A client's rhythm, not a wait: it bounds the rows a run leaves in the store.
 */
const WRITE_EVERY_MS = 20

export type PostedStatus = 'online' | 'busy' | 'away'

export interface Answer {
  readonly userId: string
  readonly status: PostedStatus
  /** performance.now() when the request was sent, and when its answer (or the hang) came. */
  readonly sentAt: number
  readonly answeredAt: number
  /** 0: no answer (the connection failed, or none within HANG_MS). */
  readonly httpStatus: number
  /** The error body's code, for an error answer. */
  readonly code?: string
  readonly retryAfter?: string
}

export interface HealthReading {
  readonly sentAt: number
  readonly answeredAt: number
  readonly httpStatus: number
  /** The body's `checks` (name → 'ok' | 'fail'); empty when there was no body. */
  readonly checks: Readonly<Record<string, string>>
  readonly body: string
}

export interface Traffic {
  /** The server's URL. */
  readonly url: string
  readonly answers: readonly Answer[]
  /** Resolves once `check` holds, tried after every answer. */
  until(what: string, check: () => boolean, failMs?: number): Promise<void>
  /** Stops sending and waits for the requests in flight to be answered. */
  stop(): Promise<void>
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** A Supabase-style access token (HS256) for `sub`, valid for an hour. */
export function accessToken(secret: string, sub: string): string {
  const now = Math.floor(Date.now() / 1_000)
  const claims = { sub, aud: 'authenticated', role: 'authenticated', iat: now, exp: now + 3_600 }
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`
}

const STATUSES: readonly PostedStatus[] = ['online', 'busy', 'away']

export function startTraffic(
  url: string,
  secret: string,
  { writers = 4, prefix = 'u' }: { writers?: number; prefix?: string } = {},
): Traffic {
  const answers: Answer[] = []
  const answered = createChangeSignal()
  const heard = () => answered.changed()
  let running = true
  let sequence = 0

  async function post(): Promise<void> {
    const n = sequence++
    const userId = `${prefix}-${n}`
    const status = STATUSES[n % STATUSES.length]!
    const sentAt = performance.now()
    let answer: Answer
    try {
      const response = await fetch(`${url}/presence/status`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accessToken(secret, userId)}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ status }),
        signal: AbortSignal.timeout(HANG_MS),
      })
      const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } }
      const retryAfter = response.headers.get('retry-after')
      answer = {
        userId,
        status,
        sentAt,
        answeredAt: performance.now(),
        httpStatus: response.status,
        ...(body.error?.code !== undefined && { code: body.error.code }),
        ...(retryAfter !== null && { retryAfter }),
      }
    } catch (error) {
      answer = {
        userId,
        status,
        sentAt,
        answeredAt: performance.now(),
        httpStatus: 0,
        code: error instanceof Error ? error.name : String(error),
      }
    }
    answers.push(answer)
    heard()
  }

  async function writer(): Promise<void> {
    while (running) {
      const started = performance.now()
      await post()
      const rest = WRITE_EVERY_MS - (performance.now() - started)
      if (running && rest > 0) await new Promise((resolve) => setTimeout(resolve, rest))
    }
  }

  const loops = Array.from({ length: writers }, () => writer())

  return {
    url,
    answers,
    until: async (what, check, failMs = 60_000) => {
      await waitFor(what, check, answered, failMs)
    },
    async stop() {
      running = false
      await Promise.all(loops)
    },
  }
}

/** One `GET /health`: its status and body, and when it was asked and answered. */
export async function askHealth(url: string): Promise<HealthReading> {
  const sentAt = performance.now()
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(HANG_MS) })
    const body = await response.text()
    let checks: Record<string, string> = {}
    try {
      checks = (JSON.parse(body) as { checks?: Record<string, string> }).checks ?? {}
    } catch {
      // Not JSON: recorded as it came, with no checks.
    }
    return { sentAt, answeredAt: performance.now(), httpStatus: response.status, checks, body }
  } catch (error) {
    const body = error instanceof Error ? error.name : String(error)
    return { sentAt, answeredAt: performance.now(), httpStatus: 0, checks: {}, body }
  }
}
