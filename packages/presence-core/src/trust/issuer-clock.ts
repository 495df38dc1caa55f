/**
 * The issuer's clock as one session estimates it: verified presence signs and checks every time
 * (a proof's `at` and `until`, a message's age, a credential's lifetime) on this clock, not on the
 * device's, so devices whose clocks are minutes apart still agree to about a second and the skew
 * limit (`maxSkewMs`) is left to absorb only that and the network.
 *
 * The offset comes from the session's own credentials. A credential's `iat` is the app server's
 * time when it signed it (whole seconds, and signed, so nobody in a room can move it), and it was
 * signed between the request leaving and the answer arriving: the middle of that second against
 * the middle of that round trip is the offset, to within half a second plus half the round trip.
 * Each credential (at every refresh) sets it afresh, so a device whose clock is set right later
 * is followed within one refresh. An estimate within MIN_CORRECTION_MS of the device's own clock
 * leaves the clock as it is: a device that keeps network time is closer than the estimate.
 *
 * `ready` settles when the first estimate is in, when the first credential could not be had (the
 * session then judges on its own clock until one arrives), or after FIRST_WAIT_MS at most: what the
 * session hears waits for it, rather than being judged on a clock about to be corrected.
 */
import type { Clock, Scheduler } from '../ports.js'

/** Estimated offsets smaller than this are noise: the device's own clock is kept. */
export const MIN_CORRECTION_MS = 2_000
/** The longest incoming verification waits for the first estimate. */
export const FIRST_WAIT_MS = 10_000

export interface IssuerClock extends Clock {
  /** Settles once the first estimate is in, or given up on (see above). */
  readonly ready: Promise<void>
  /** Sets the offset (an `estimateOffset` result) and settles `ready`. */
  learn(offsetMs: number): void
  /** The first estimate cannot be had for now: settles `ready` with the offset unchanged. */
  settle(): void
}

/**
 * The offset of the issuer's clock from this one, from a credential issued at `issuedAt` (epoch
 * ms from the credential's `iat`, whole seconds) that was asked for at `sentAt` and arrived at
 * `receivedAt` (this clock). 0 when within MIN_CORRECTION_MS.
 */
export function estimateOffset(issuedAt: number, sentAt: number, receivedAt: number): number {
  const offset = Math.round(issuedAt + 500 - (sentAt + receivedAt) / 2)
  return Math.abs(offset) < MIN_CORRECTION_MS ? 0 : offset
}

export function createIssuerClock(clock: Clock, scheduler: Scheduler): IssuerClock {
  let offset = 0
  let settle!: () => void
  const ready = new Promise<void>((resolve) => {
    settle = resolve
  })
  const cancel = scheduler.schedule(FIRST_WAIT_MS, settle)
  void ready.then(cancel)
  return {
    now: () => clock.now() + offset,
    ready,
    learn(offsetMs) {
      offset = offsetMs
      settle()
    },
    settle: () => settle(),
  }
}
