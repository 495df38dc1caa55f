/**
 * One room over one Supabase channel: the shell around the channel-status machine and the presence
 * mirror. It owns the channel (and builds a new one after the server closed the old), holds the
 * calls made before the join, and shields realtime-js from every listener: under Node an exception
 * thrown inside the socket's message handler stops all delivery on that socket (research §1.4).
 * Callbacks from a channel that was replaced or closed are ignored (each build has a generation).
 */

import type { RealtimeChannel, RealtimeClient } from '@supabase/supabase-js'
import type {
  Clock,
  PresenceEvent,
  Scheduler,
  TransportRoom,
  TransportStatus,
  TransportStatusDetail,
} from '@wedsync/presence-core'
import { PresenceError } from '@wedsync/presence-core'
import {
  type ChannelSignal,
  type ChannelState,
  INITIAL_CHANNEL_STATE,
  nextChannelState,
  type RejoinPolicy,
} from './channel-status.js'
import { ListenerSet } from './listener-set.js'
import { type PendingCall, PendingCalls } from './pending-calls.js'
import { type MirrorUpdate, PresenceMirror } from './presence-mirror.js'

/** What a room needs from its transport. */
export interface RoomHost {
  readonly realtime: RealtimeClient
  readonly clock: Clock
  readonly scheduler: Scheduler
  readonly rejoin: RejoinPolicy
  readonly joinWaitMs: number
  readonly random: () => number
  report(error: PresenceError): void
  /** Asks the client's token source for a fresh token (a join or channel failed for its token). */
  refreshToken(): void
}

export interface RoomConfig {
  readonly roomId: string
  /** The channel name (without realtime-js's `realtime:` prefix). */
  readonly topic: string
  readonly key: string
  readonly private: boolean
}

const noop = () => {}

export class SupabaseRoom implements TransportRoom {
  private channel: RealtimeChannel | undefined
  private generation = 0
  private machine: ChannelState = INITIAL_CHANNEL_STATE
  private status: TransportStatus = 'connecting'
  /** True from SUBSCRIBED until the presence_state that follows it has been applied. */
  private awaitingSync = false
  private cancelRejoin: (() => void) | undefined
  private closing: Promise<void> | undefined
  private readonly mirror = new PresenceMirror()
  private readonly calls: PendingCalls<RealtimeChannel>
  private readonly presenceListeners: ListenerSet<[PresenceEvent]>
  private readonly statusListeners: ListenerSet<[TransportStatus, TransportStatusDetail?]>
  private readonly messageListeners = new Map<string, ListenerSet<[unknown]>>()

  constructor(
    private readonly host: RoomHost,
    readonly config: RoomConfig,
    /** Settles when an earlier channel of the same topic has been removed. */
    after: Promise<void>,
  ) {
    const failed = (what: string) => (error: unknown) =>
      host.report(
        new PresenceError(
          'PRESENCE_TRANSPORT_FAILED',
          `a ${what} listener threw in ${config.roomId}`,
          {
            cause: error,
          },
        ),
      )
    this.presenceListeners = new ListenerSet(failed('presence'))
    this.statusListeners = new ListenerSet(failed('status'))
    this.messageListenerFailed = failed('message')
    this.calls = new PendingCalls(host.scheduler, host.joinWaitMs, config.roomId)
    void after.then(() => {
      if (this.machine.phase === 'closed') return
      this.statusListeners.emit('connecting')
      this.build()
    })
  }

  private readonly messageListenerFailed: (error: unknown) => void

  track(meta: unknown): Promise<void> {
    const invalid = checkTrackable(meta)
    if (invalid) return Promise.reject(invalid)
    return this.call('presence', 'track', (channel) =>
      channel.track(meta as Record<string, unknown>),
    )
  }

  untrack(): Promise<void> {
    return this.call('presence', 'untrack', (channel) => channel.untrack())
  }

  send(event: string, payload: unknown): Promise<void> {
    if (typeof event !== 'string' || event.length === 0)
      return Promise.reject(
        new PresenceError(
          'PRESENCE_INVALID_ARGUMENT',
          'a broadcast event must be a non-empty string',
        ),
      )
    const invalid = checkSerializable(payload)
    if (invalid) return Promise.reject(invalid)
    return this.call('broadcast', `broadcast "${event}"`, (channel) =>
      channel.send({ type: 'broadcast', event, payload }),
    )
  }

  onPresence(listener: (event: PresenceEvent) => void): () => void {
    return this.presenceListeners.add(listener)
  }

  onStatus(
    listener: (status: TransportStatus, detail?: TransportStatusDetail) => void,
  ): () => void {
    return this.statusListeners.add(listener)
  }

  onMessage(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.messageListeners.get(event)
    if (!set) {
      set = new ListenerSet(this.messageListenerFailed)
      this.messageListeners.set(event, set)
    }
    return set.add(listener)
  }

  /** Leaves the channel: the others see this session's presence leave. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing
    this.signal({ type: 'close' })
    this.cancelRejoin?.()
    this.calls.failAll(new PresenceError('PRESENCE_ROOM_LEFT', `${this.config.roomId} was closed`))
    const channel = this.channel
    this.channel = undefined
    this.generation++
    this.closing = channel
      ? this.host.realtime.removeChannel(channel).then(noop, noop)
      : Promise.resolve()
    return this.closing
  }

  // ── the channel ─────────────────────────────────────────────────────────────

  private build(): void {
    const generation = ++this.generation
    const live =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A): void => {
        if (generation === this.generation) fn(...args)
      }
    this.mirror.clear()
    this.awaitingSync = false
    const { topic, key } = this.config
    const channel = this.host.realtime.channel(topic, {
      config: {
        // Listeners below turn presence on; `enabled` says so even where a version would not.
        presence: { key, enabled: true },
        // ack: `send` resolves once the server has the broadcast; self: never echoed (the port).
        broadcast: { self: false, ack: true },
        private: this.config.private,
      },
    })
    this.channel = channel
    channel
      .on(
        'presence',
        { event: 'join' },
        live((p: { key: unknown; newPresences: unknown }) =>
          this.applyPresence(this.mirror.join(p.key, p.newPresences)),
        ),
      )
      .on(
        'presence',
        { event: 'leave' },
        live((p: { key: unknown; leftPresences: unknown }) =>
          this.applyPresence(this.mirror.leave(p.key, p.leftPresences)),
        ),
      )
      .on(
        'presence',
        { event: 'sync' },
        live(() => this.onSync()),
      )
      .on(
        'broadcast',
        { event: '*' },
        live((message: unknown) => this.onBroadcast(message)),
      )
      .on(
        'system',
        {},
        live((payload: unknown) => this.signal({ type: 'system', payload })),
      )
      .subscribe(
        live((status: string, error?: Error) => {
          if (status === 'SUBSCRIBED') this.signal({ type: 'SUBSCRIBED' })
          else if (status === 'CHANNEL_ERROR') this.signal({ type: 'CHANNEL_ERROR', error })
          else if (status === 'TIMED_OUT') this.signal({ type: 'TIMED_OUT' })
          else if (status === 'CLOSED') this.signal({ type: 'CLOSED' })
        }),
      )
  }

  private signal(signal: ChannelSignal): void {
    const transition = nextChannelState(
      this.machine,
      signal,
      this.host.clock.now(),
      this.host.random(),
      this.host.rejoin,
    )
    this.machine = transition.state
    if (transition.report) this.host.report(transition.report)
    if (transition.refreshToken) this.host.refreshToken()
    if (signal.type === 'SUBSCRIBED') this.awaitingSync = true
    if (transition.rejoinAfterMs !== undefined) this.scheduleRejoin(transition.rejoinAfterMs)
    if (transition.status) this.setStatus(transition.status.status, transition.status.detail)
    if (signal.type === 'SUBSCRIBED' && this.channel) this.calls.flush(this.channel, run)
  }

  /** The server closed the channel: a new one after `delayMs`; calls in flight fail now. */
  private scheduleRejoin(delayMs: number): void {
    const old = this.channel
    this.channel = undefined
    this.generation++
    old?.teardown()
    // Replies that came in the same socket read as the close have resolved realtime-js's promises,
    // but their callbacks are still queued: those calls succeeded. Fail the rest a turn later.
    const error = new PresenceError(
      'PRESENCE_TRANSPORT_FAILED',
      `the server closed ${this.config.roomId}`,
    )
    setTimeout(() => this.calls.failInFlight(error), 0)
    this.cancelRejoin?.()
    this.cancelRejoin = this.host.scheduler.schedule(delayMs, () => {
      this.cancelRejoin = undefined
      if (this.machine.phase === 'backoff') this.build()
    })
  }

  private setStatus(status: TransportStatus, detail?: TransportStatusDetail): void {
    if (status === this.status && detail === undefined) return
    this.status = status
    if (status !== 'joined') this.awaitingSync = false
    this.statusListeners.emit(status, detail)
  }

  // ── presence and messages ───────────────────────────────────────────────────

  private applyPresence(update: MirrorUpdate): void {
    for (const { key, reason } of update.dropped)
      this.host.report(
        new PresenceError(
          'PRESENCE_PAYLOAD_INVALID',
          `Dropped ${reason} under "${key}" in ${this.config.roomId}`,
          {
            details: { roomId: this.config.roomId, key, reason },
          },
        ),
      )
    // Until the sync that follows a (re)join, joins and leaves only reach realtime-js's state: the
    // port's `sync`, read from it, carries the result.
    if (update.event && !this.awaitingSync && this.status === 'joined')
      this.presenceListeners.emit(update.event)
  }

  private onSync(): void {
    if (!this.awaitingSync || !this.channel) return // after a diff: the join/leave said it all
    this.awaitingSync = false
    // Every entry in it came through a join callback, where a malformed one was reported already.
    const { state } = this.mirror.resync(this.channel.presenceState())
    this.presenceListeners.emit({ type: 'sync', state })
  }

  private onBroadcast(message: unknown): void {
    const { event, payload } = (message ?? {}) as { event?: unknown; payload?: unknown }
    if (typeof event !== 'string') {
      this.host.report(
        new PresenceError(
          'PRESENCE_PAYLOAD_INVALID',
          `Dropped a broadcast without an event in ${this.config.roomId}`,
        ),
      )
      return
    }
    this.messageListeners.get(event)?.emit(payload)
  }

  private call(
    kind: PendingCall<RealtimeChannel>['kind'],
    what: string,
    request: (channel: RealtimeChannel) => Promise<string>,
  ): Promise<void> {
    if (this.machine.phase === 'closed')
      return Promise.reject(
        new PresenceError('PRESENCE_ROOM_LEFT', `${this.config.roomId} was closed`),
      )
    const call = { kind, what, request }
    if (this.machine.phase === 'joined' && this.channel)
      return this.calls.start(this.channel, call, run)
    return this.calls.add(call)
  }
}

/** Runs one request on a joined channel: realtime-js answers 'ok', 'error' or 'timed out'. */
async function run(channel: RealtimeChannel, call: PendingCall<RealtimeChannel>): Promise<void> {
  const response = await call.request(channel)
  if (response !== 'ok')
    throw new PresenceError('PRESENCE_TRANSPORT_FAILED', `${call.what}: ${response}`)
}

/** Supabase tracks only maps ("Presence track payload must be a map"), and only JSON reaches it. */
function checkTrackable(meta: unknown): PresenceError | undefined {
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
    return new PresenceError('PRESENCE_INVALID_ARGUMENT', 'a presence meta must be a plain object')
  return checkSerializable(meta)
}

function checkSerializable(value: unknown): PresenceError | undefined {
  try {
    JSON.stringify(value)
    return undefined
  } catch (cause) {
    return new PresenceError('PRESENCE_INVALID_ARGUMENT', 'the payload is not JSON-serializable', {
      cause,
    })
  }
}
