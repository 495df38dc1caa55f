/**
 * Calls a room received (track, untrack, broadcast): those made before the join wait for it, up to
 * a bound; those in flight fail at once when their channel goes away instead of waiting out
 * realtime-js's push timeout. Presence calls waiting together collapse into the last one: each
 * replaces this session's meta, and every call counts against the server's presence limit.
 */
import type { Scheduler } from '@wedsync/presence-core'
import { PresenceError } from '@wedsync/presence-core'

export interface PendingCall<C> {
  readonly kind: 'presence' | 'broadcast'
  /** Names the call in errors: `track`, `broadcast "note"`. */
  readonly what: string
  /** Resolves to realtime-js's answer: 'ok', 'timed out' or 'error'. */
  readonly request: (channel: C) => Promise<string>
}

type Runner<C> = (channel: C, call: PendingCall<C>) => Promise<void>

interface Entry<C> {
  readonly call: PendingCall<C>
  readonly resolve: () => void
  readonly reject: (error: unknown) => void
  cancelTimeout: () => void
}

export class PendingCalls<C> {
  private waiting: Entry<C>[] = []
  private readonly inFlight = new Set<Entry<C>>()

  constructor(
    private readonly scheduler: Scheduler,
    private readonly joinWaitMs: number,
    private readonly roomId: string,
  ) {}

  /** Holds `call` until the next `flush`; it fails if none comes within the join wait. */
  add(call: PendingCall<C>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Entry<C> = { call, resolve, reject, cancelTimeout: noop }
      entry.cancelTimeout = this.scheduler.schedule(this.joinWaitMs, () => {
        this.waiting = this.waiting.filter((other) => other !== entry)
        reject(
          new PresenceError(
            'PRESENCE_TRANSPORT_FAILED',
            `${call.what} in ${this.roomId}: not joined within ${this.joinWaitMs} ms`,
          ),
        )
      })
      this.waiting.push(entry)
    })
  }

  /** Runs `call` at once on a joined channel (no join wait to arm). */
  start(channel: C, call: PendingCall<C>, run: Runner<C>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.launch(channel, { call, resolve, reject, cancelTimeout: noop }, [], run)
    })
  }

  /** Runs what waits, in order, on a joined channel; earlier presence calls ride on the last. */
  flush(channel: C, run: Runner<C>): void {
    const entries = this.waiting
    this.waiting = []
    const last = entries.findLast((entry) => entry.call.kind === 'presence')
    const superseded: Entry<C>[] = []
    for (const entry of entries) {
      entry.cancelTimeout()
      if (entry.call.kind === 'presence' && entry !== last) superseded.push(entry)
      else this.launch(channel, entry, entry === last ? superseded : [], run)
    }
  }

  /** Fails the calls whose channel went away (their replies can no longer come). */
  failInFlight(error: PresenceError): void {
    const entries = [...this.inFlight]
    this.inFlight.clear()
    for (const entry of entries) entry.reject(error)
  }

  /** Fails everything: the room was closed. */
  failAll(error: PresenceError): void {
    const waiting = this.waiting
    this.waiting = []
    for (const entry of waiting) {
      entry.cancelTimeout()
      entry.reject(error)
    }
    this.failInFlight(error)
  }

  private launch(channel: C, entry: Entry<C>, riders: readonly Entry<C>[], run: Runner<C>): void {
    this.inFlight.add(entry)
    run(channel, entry.call).then(
      () => this.settle(entry, riders, undefined),
      (error: unknown) => this.settle(entry, riders, error ?? new Error('call failed')),
    )
  }

  private settle(entry: Entry<C>, riders: readonly Entry<C>[], error: unknown): void {
    // Already failed by failInFlight: the late reply changes nothing.
    if (!this.inFlight.delete(entry)) return
    for (const settled of [entry, ...riders]) {
      if (error === undefined) settled.resolve()
      else settled.reject(error)
    }
  }
}

const noop = () => {}
