import type { PresenceError } from './errors.js'

/**
 * The ports the core depends on. An app brings a transport (Supabase is one implementation), and
 * may bring a clock, scheduler and activity source; the core never reads real time or the DOM.
 */

/** One meta as the transport holds it: `ref` is unique per tracked version of a meta. */
export interface TransportMeta {
  readonly ref: string
  readonly meta: unknown
}

/** Presence key (the user id) → the metas tracked under it, one per session. */
export type PresenceState = Readonly<Record<string, readonly TransportMeta[]>>

/**
 * Presence as a transport reports it, in the Phoenix/Supabase shape. `sync` is the full state
 * (after every (re)join); `join`/`leave` are deltas for one key. An update of a meta arrives as a
 * join of its new ref and a leave of its old ref, in either order.
 */
export type PresenceEvent =
  | { readonly type: 'sync'; readonly state: PresenceState }
  | {
      readonly type: 'join' | 'leave'
      readonly key: string
      readonly metas: readonly TransportMeta[]
    }

export type TransportStatus = 'connecting' | 'joined' | 'reconnecting' | 'closed' | 'error'

export interface TransportStatusDetail {
  readonly reason?: string
  readonly error?: unknown
}

export interface OpenRoomOptions {
  /** The presence key this session tracks under: the user id. */
  readonly key: string
  readonly private?: boolean
}

/**
 * One room (channel) of a transport.
 * Guarantees an implementation must give (checked by `runTransportContract`):
 * - after every transition to `joined` a `sync` event with the full state follows;
 * - a session's own presence is echoed back to it like anyone else's;
 * - `track` replaces this session's meta (one meta per session), `untrack` removes it; a call made
 *   before `joined` may wait for the join;
 * - presence is not restored after a rejoin: the caller tracks again (PresenceClient does, so a
 *   transport must not, or every rejoin would spend two presence calls);
 * - broadcasts sent with `send` are not echoed to the sender.
 */
export interface TransportRoom {
  track(meta: unknown): Promise<void>
  untrack(): Promise<void>
  onPresence(listener: (event: PresenceEvent) => void): () => void
  send(event: string, payload: unknown): Promise<void>
  onMessage(event: string, listener: (payload: unknown) => void): () => void
  onStatus(listener: (status: TransportStatus, detail?: TransportStatusDetail) => void): () => void
  close(): Promise<void>
}

export interface PresenceTransport {
  openRoom(roomId: string, options: OpenRoomOptions): TransportRoom
}

/** Wall-clock time in epoch milliseconds. */
export interface Clock {
  now(): number
}

/** Runs `task` once after `delayMs`; the returned function cancels it (idempotent). */
export interface Scheduler {
  schedule(delayMs: number, task: () => void): () => void
}

export type ActivitySignal =
  | { readonly type: 'input' }
  | { readonly type: 'visibility'; readonly hidden: boolean }
  | { readonly type: 'network'; readonly online: boolean }

/** Where user input and page visibility come from (the DOM in browsers, a fake in tests). */
export interface ActivitySource {
  subscribe(listener: (signal: ActivitySignal) => void): () => void
  /** The state at subscription time; assumed visible and online when absent. */
  current?(): { readonly hidden: boolean; readonly online: boolean }
}

export const systemClock: Clock = { now: () => Date.now() }

export const systemScheduler: Scheduler = {
  schedule(delayMs, task) {
    const handle = setTimeout(task, Math.max(0, delayMs))
    return () => clearTimeout(handle)
  },
}

/**
 * The scheduler a shell runs on: the one given, else the clock itself when it can schedule (a fake
 * clock in tests, so timers follow the time the test sets), else real timers.
 */
export function schedulerFor(clock: Clock, scheduler?: Scheduler): Scheduler {
  if (scheduler) return scheduler
  return typeof (clock as Partial<Scheduler>).schedule === 'function'
    ? (clock as Clock & Scheduler)
    : systemScheduler
}

/** The session a trust wraps a transport for, with the shell's time and error sink. */
export interface TrustSession {
  readonly userId: string
  readonly sessionId: string
  readonly clock: Clock
  readonly scheduler: Scheduler
  /** Where dropped messages and credential failures go: the client's `error` event. */
  report(error: PresenceError): void
}

/**
 * Verified presence (`@wedsync/presence-core/trust` makes one). `wrap` is called once, by the
 * client, with the app's transport: what the returned transport publishes is signed by the
 * session's key, and what it hears reaches the client only once verified, in the order it arrived.
 */
export interface PresenceTrust {
  wrap(transport: PresenceTransport, session: TrustSession): PresenceTransport
  /** Stops the credential's refresh; the client calls it when destroyed. */
  dispose(): void
}

/** Whether what a client shows was verified (`verified`) or is every sender's own claim. */
export type TrustMode = 'verified' | 'unverified'
