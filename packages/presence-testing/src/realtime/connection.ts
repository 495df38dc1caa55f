/**
 * One client socket behind the connection port, as Phoenix.Socket handles it: decodes frames,
 * answers heartbeats, routes joins, leaves and channel pushes, and closes after the idle timeout.
 * Frames are handled strictly in arrival order: while a step waits (a token check, an authorize
 * hook), later frames queue behind it, as they do in a Phoenix socket process.
 */
import { joinChannel } from './channel-join.js'
import { decode, SharedFrame } from './codec.js'
import type { CoreContext } from './context.js'
import {
  DecodeError,
  type EncodedFrame,
  EVENTS,
  type Inbound,
  type Message,
  PHOENIX_TOPIC,
  reply,
  TOPIC_PREFIX,
  type Vsn,
} from './frames.js'
import type { Claims, TokenCheck } from './jwt.js'
import type { Membership } from './membership.js'

/** How the core reaches one client, whatever carries the frames (a ws socket, msw). */
export interface ConnectionPort {
  /** Queues one frame; frames sent in one turn may go out in one write. */
  send(frame: EncodedFrame): void
  /** Sends what is queued, then closes the socket with `code`. */
  close(code: number, reason: string): void
}

/** What the handshake established. */
export interface ConnectionInfo {
  readonly vsn: Vsn
  readonly apiKey: string
  /** The API key's claims when it is a JWT signed with the project secret. */
  readonly apiKeyClaims: Claims | undefined
}

/** Claims of a configured API key that is not a JWT: the anon role, never expiring. */
export const API_KEY_CLAIMS: Claims = Object.freeze({ role: 'anon', exp: Number.POSITIVE_INFINITY })

export const CLOSE_NORMAL = 1000
export const CLOSE_INTERNAL_ERROR = 1011

export class Connection {
  readonly memberships = new Map<string, Membership>()
  readonly vsn: Vsn
  readonly apiKey: string
  readonly apiKeyClaims: Claims | undefined
  private readonly queue: Inbound[] = []
  private busy = false
  private open = true
  private lastFrameAt: number
  private cancelIdle: () => void = () => {}

  constructor(
    readonly ctx: CoreContext<Membership>,
    private readonly port: ConnectionPort,
    info: ConnectionInfo,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.vsn = info.vsn
    this.apiKey = info.apiKey
    this.apiKeyClaims = info.apiKeyClaims
    this.lastFrameAt = ctx.clock.now()
    this.armIdle(ctx.idleTimeoutMs)
  }

  get isOpen(): boolean {
    return this.open
  }

  /** One frame from the client. */
  receive(data: string | Uint8Array): void {
    if (!this.open) return
    this.ctx.counters.framesIn++
    this.lastFrameAt = this.ctx.clock.now()
    let inbound: Inbound
    try {
      inbound = decode(this.vsn, data)
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error
      // Phoenix's socket process crashes on a frame it cannot decode; the socket goes with it.
      this.close(CLOSE_INTERNAL_ERROR, error.message)
      return
    }
    if (this.busy) this.queue.push(inbound)
    else this.run(inbound)
  }

  /** The transport saw the socket close (either side). Ends every membership. */
  closed(): void {
    if (!this.open) return
    this.open = false
    this.cancelIdle()
    this.queue.length = 0
    for (const membership of [...this.memberships.values()]) membership.end(false)
    this.onClosed(this)
  }

  /** Closes the socket from the server side. */
  close(code: number, reason: string): void {
    if (!this.open) return
    this.port.close(code, reason)
    this.closed()
  }

  /** Sends a frame (possibly shared with other sockets) in this socket's serialization. */
  write(frame: SharedFrame): void {
    if (!this.open) return
    const encoded = frame.for(this.vsn)
    if (!encoded) return
    this.ctx.counters.framesOut++
    this.port.send(encoded)
  }

  send(message: Message): void {
    this.write(new SharedFrame({ kind: 'message', message }))
  }

  /**
   * Checks a channel's token. The socket's API key stands for the anon role on public channels
   * when it was accepted from the configured list rather than as a JWT; private channels always
   * need a JWT signed with the project secret.
   */
  checkToken(token: string, needJwt: boolean): TokenCheck | Promise<TokenCheck> {
    if (token === this.apiKey && !this.apiKeyClaims && !needJwt) {
      return { ok: true, claims: API_KEY_CLAIMS }
    }
    return this.ctx.verifyToken(token)
  }

  private run(inbound: Inbound): void {
    let pending: Promise<void> | undefined
    try {
      pending = this.handle(inbound) ?? undefined
    } catch (error) {
      this.ctx.reportError(error)
    }
    if (!pending) return
    this.busy = true
    pending.catch((error: unknown) => this.ctx.reportError(error)).finally(() => this.drain())
  }

  private drain(): void {
    this.busy = false
    while (!this.busy && this.open) {
      const next = this.queue.shift()
      if (!next) return
      this.run(next)
    }
  }

  private handle(inbound: Inbound): Promise<void> | undefined {
    if (inbound.kind === 'ignored') return undefined
    if (inbound.kind === 'user-broadcast') {
      const { broadcast, joinRef, ref } = inbound
      const membership = this.route(broadcast.topic, joinRef, ref)
      return membership?.receiveUserBroadcast(broadcast, ref)
    }
    const message = inbound.message
    if (message.topic === PHOENIX_TOPIC && message.event === EVENTS.heartbeat) {
      this.send(reply(null, message.ref, PHOENIX_TOPIC, 'ok', {}))
      return undefined
    }
    if (message.event === EVENTS.join) return this.join(message)
    if (message.event === EVENTS.leave && !this.memberships.has(message.topic)) {
      // Phoenix answers a leave of a topic it does not know with ok.
      this.send(reply(message.joinRef, message.ref, message.topic, 'ok', {}))
      return undefined
    }
    const membership = this.route(message.topic, message.joinRef, message.ref)
    if (!membership) return undefined
    if (message.event === EVENTS.leave) {
      membership.leave(message.ref)
      return undefined
    }
    return membership.receive(message)
  }

  /**
   * The membership a push belongs to. A push to a topic not joined gets Phoenix's "unmatched
   * topic" error; a push carrying an old join_ref is stale and ignored.
   */
  private route(topic: string, joinRef: string | null, ref: string | null): Membership | undefined {
    const membership = this.memberships.get(topic)
    if (!membership) {
      this.send(reply(null, ref, topic, 'error', { reason: 'unmatched topic' }))
      return undefined
    }
    if (membership.joinRef !== null && joinRef !== membership.joinRef) return undefined
    return membership
  }

  private join(message: Message): Promise<void> | undefined {
    // A second join of a joined topic ends the first membership (phx_close with its join_ref).
    this.memberships.get(message.topic)?.end(true)
    if (!message.topic.startsWith(TOPIC_PREFIX)) {
      this.send(reply(null, message.ref, message.topic, 'error', { reason: 'unmatched topic' }))
      return undefined
    }
    return joinChannel(this, message)
  }

  private armIdle(delayMs: number): void {
    this.cancelIdle = this.ctx.scheduler.schedule(delayMs, () => {
      const idleFor = this.ctx.clock.now() - this.lastFrameAt
      if (idleFor < this.ctx.idleTimeoutMs) {
        this.armIdle(this.ctx.idleTimeoutMs - idleFor)
        return
      }
      this.ctx.counters.idleTimeouts++
      this.close(CLOSE_NORMAL, 'idle timeout')
    })
  }
}
