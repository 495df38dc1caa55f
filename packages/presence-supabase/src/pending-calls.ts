/**
 * Calls a room received (track, untrack, broadcast): those made before the join wait for it, up to
 * a bound; those in flight fail at once when their channel goes away instead of waiting out
 * realtime-js's push timeout. Presence calls waiting together collapse into the last one: each
 * replaces this session's meta, and every call counts against the server's presence limit.
 *
 * At most one presence call is in flight on a joined channel: one made while another is
 * unanswered waits for its answer (or realtime-js's push timeout), and those waiting together go
 * out as the last. A socket that stalls silently keeps its channel joined, and everything sent into
 * it reaches the server at once when the network returns; without this, every heartbeat of the
 * stall would arrive in one burst and trip the server's presence limit (Supabase then closes the
 * channel, and the rejoin waits out its window). A rejoin (`flush`) starts afresh: a call still
 * unanswered from before went out on a membership that is gone and holds nothing up.
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
  /** The presence call in flight on the joined channel, which later ones wait behind. */
  private presenceInFlight: Entry<C> | undefined
  /** Presence calls made while one was in flight, oldest first, and where they will run. */
  private held: Entry<C>[] = []
  private heldOn: { readonly channel: C; readonly run: Runner<C> } | undefined

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

  /**
   * Runs `call` on a joined channel (no join wait to arm): at once, except a presence call while
   * another is unanswered, which goes out when that one is answered (as the last of those held).
   */
  start(channel: C, call: PendingCall<C>, run: Runner<C>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const entry: Entry<C> = { call, resolve, reject, cancelTimeout: noop }
      if (call.kind === 'presence' && this.presenceInFlight) {
        this.held.push(entry)
        this.heldOn = { channel, run }
        return
      }
      this.launch(channel, entry, [], run)
    })
  }

  /**
   * Runs what waits, in order, on a (re)joined channel; earlier presence calls ride on the last.
   * Presence calls held behind one in flight count as waiting: that one belonged to the old join.
   */
  flush(channel: C, run: Runner<C>): void {
    const entries = [...this.held, ...this.waiting]
    this.presenceInFlight = undefined
    this.held = []
    this.heldOn = undefined
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
    const entries = [...this.inFlight, ...this.held]
    this.inFlight.clear()
    this.presenceInFlight = undefined
    this.held = []
    this.heldOn = undefined
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
    if (entry.call.kind === 'presence') this.presenceInFlight = entry
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
    if (entry !== this.presenceInFlight) return
    this.presenceInFlight = undefined
    // Answered or timed out: what was held goes out now, as one call.
    const held = this.held
    const on = this.heldOn
    this.held = []
    this.heldOn = undefined
    const last = held.pop()
    if (last && on) this.launch(on.channel, last, held, on.run)
  }
}

const noop = () => {}
