/**
 * One joined channel on one socket (a Supabase RealtimeChannel process): presence calls with the
 * per-client limit, broadcasts with self/ack, token refresh and expiry, leave and server-side
 * close. A closing membership always sends `phx_close` with its join_ref, after a `system` error
 * when the server closed it.
 */
import type { Channel } from './channel.js'
import type { SharedFrame } from './codec.js'
import type { CoreContext } from './context.js'
import {
  EVENTS,
  isJsonObject,
  type JsonObject,
  type Message,
  type Outbound,
  RawJson,
  reply,
  type UserBroadcast,
} from './frames.js'
import { unsafePresenceKey } from './join-config.js'
import { type Claims, refreshFailureMessage, type TokenCheck } from './jwt.js'
import type { AuthorizeAction } from './options.js'

/**
 * What a membership needs from the socket it joined on (a `Connection` provides it). Declared here
 * so that memberships do not import the connection that owns them.
 */
export interface MembershipSocket {
  readonly ctx: CoreContext<Membership>
  /** The socket's memberships by topic; a membership adds and removes itself. */
  readonly memberships: Map<string, Membership>
  /** Sends a frame shared with other sockets (channel fan-out). */
  write(frame: SharedFrame): void
  send(message: Message): void
  checkToken(token: string, needJwt: boolean): TokenCheck | Promise<TokenCheck>
}

export interface MembershipSettings {
  readonly joinRef: string | null
  readonly broadcastSelf: boolean
  readonly broadcastAck: boolean
  readonly presenceEnabled: boolean
  readonly presenceKey: string
  readonly token: string
  readonly claims: Claims
  /** `read` already granted at the join (private channels). */
  readonly policies: Partial<Record<AuthorizeAction, boolean>>
}

/** Longest wait between two checks of a token's expiry (Supabase: 5 minutes). */
export const TOKEN_CHECK_INTERVAL_MS = 5 * 60_000

export class Membership {
  readonly joinRef: string | null
  readonly topic: string
  private presenceEnabled: boolean
  private token: string
  private claims: Claims
  private policies: Partial<Record<AuthorizeAction, boolean>>
  private presenceCalls = 0
  private presenceWindowEnds: number | undefined
  private cancelTokenCheck: () => void = () => {}
  private ended = false

  constructor(
    readonly connection: MembershipSocket,
    readonly channel: Channel<Membership>,
    private readonly settings: MembershipSettings,
  ) {
    this.joinRef = settings.joinRef
    this.topic = channel.topic
    this.presenceEnabled = settings.presenceEnabled
    this.token = settings.token
    this.claims = settings.claims
    this.policies = { ...settings.policies }
  }

  get presenceKey(): string {
    return this.settings.presenceKey
  }

  /** Adds the membership to its channel; sends the presence state when presence is on. */
  start(): void {
    this.connection.memberships.set(this.topic, this)
    this.channel.members.add(this)
    this.connection.ctx.counters.members++
    this.scheduleTokenCheck()
    if (this.presenceEnabled) this.sendPresenceState(this.channel.presence.json())
  }

  receive(message: Message): Promise<void> | undefined {
    switch (message.event) {
      case EVENTS.broadcast:
        return this.receiveJsonBroadcast(message)
      case EVENTS.presence:
        return this.receivePresence(message)
      case EVENTS.accessToken:
        return this.receiveAccessToken(message.payload as JsonObject)
      default:
        return undefined // Supabase logs and ignores other events
    }
  }

  receiveUserBroadcast(broadcast: UserBroadcast, ref: string | null): Promise<void> | undefined {
    if (broadcast.encoding === 'json' && !isJson(broadcast.payload)) {
      if (this.settings.broadcastAck) this.reply(ref, 'error', { error: 'invalid_json_payload' })
      return undefined
    }
    // Supabase does not pass the client's metadata on.
    const { meta: _meta, ...rest } = broadcast
    const out: Outbound = { kind: 'user-broadcast', broadcast: { ...rest, topic: this.topic } }
    return this.broadcast(out, broadcast.payload.length, ref)
  }

  /** `phx_leave`: ok, then `phx_close`. */
  leave(ref: string | null): void {
    this.reply(ref, 'ok', {})
    this.end(true)
  }

  /** Closes the channel with a `system` error, as Supabase's `shutdown_response`. */
  shutdown(message: string): void {
    if (this.ended) return
    this.connection.send({
      joinRef: this.joinRef,
      ref: null,
      topic: this.topic,
      event: EVENTS.system,
      payload: { extension: 'system', status: 'error', message, channel: this.channel.name },
    })
    this.connection.ctx.counters.channelsClosed++
    this.end(true)
  }

  /** Ends the membership: its presence leaves; `notify` sends `phx_close` to the client. */
  end(notify: boolean): void {
    if (this.ended) return
    this.ended = true
    this.cancelTokenCheck()
    const ctx = this.connection.ctx
    if (this.connection.memberships.get(this.topic) === this) {
      this.connection.memberships.delete(this.topic)
    }
    this.channel.members.delete(this)
    ctx.counters.members--
    const diff = this.channel.presence.untrack(this)
    if (diff) this.channel.publishDiff(diff)
    if (this.channel.members.size === 0) ctx.release(this.channel)
    if (notify) {
      this.connection.send({
        joinRef: this.joinRef,
        ref: this.joinRef,
        topic: this.topic,
        event: EVENTS.close,
        payload: {},
      })
    }
  }

  private receiveJsonBroadcast(message: Message): Promise<void> | undefined {
    const { ids: _ids, ...payload } = message.payload as JsonObject // `ids` breaks realtime-js
    const json = JSON.stringify(payload)
    const out: Outbound = {
      kind: 'message',
      message: {
        joinRef: null,
        ref: null,
        topic: this.topic,
        event: EVENTS.broadcast,
        payload: new RawJson(json),
      },
    }
    return this.broadcast(out, json.length, message.ref)
  }

  private broadcast(out: Outbound, size: number, ref: string | null): Promise<void> | undefined {
    return this.withPolicy('write', (allowed) => {
      if (!allowed) return // Supabase drops it without a reply, even with ack
      const ack = this.settings.broadcastAck
      if (size > this.connection.ctx.limits.payloadBytes) {
        if (ack) this.reply(ref, 'error', { error: 'payload_size_exceeded' })
        return
      }
      this.channel.publish(out, this.settings.broadcastSelf ? undefined : this)
      if (ack) this.reply(ref, 'ok', {})
    })
  }

  private receivePresence(message: Message): Promise<void> | undefined {
    const payload = message.payload as JsonObject
    if (typeof payload.event !== 'string') {
      this.reply(message.ref, 'ok', {})
      return undefined
    }
    if (!this.takePresenceCall()) {
      this.shutdown('Client presence rate limit exceeded')
      return undefined
    }
    switch (payload.event.toLowerCase()) {
      case 'track':
        return this.withPolicy('presence', (allowed) => {
          if (allowed) this.track(message.ref, payload)
          else this.reply(message.ref, 'error', {})
        })
      case 'untrack': {
        const diff = this.channel.presence.untrack(this)
        this.reply(message.ref, 'ok', {})
        if (diff) this.channel.publishDiff(diff)
        return undefined
      }
      default:
        this.reply(message.ref, 'error', {})
        return undefined
    }
  }

  private track(ref: string | null, payload: JsonObject): void {
    const meta = 'payload' in payload ? payload.payload : {}
    if (!isJsonObject(meta)) {
      this.reply(ref, 'error', { reason: 'Presence track payload must be a map' })
      return
    }
    const unsafe = unsafePresenceKey(this.presenceKey)
    if (unsafe) {
      this.reply(ref, 'error', { reason: unsafe })
      return
    }
    if (JSON.stringify(meta).length > this.connection.ctx.limits.payloadBytes) {
      this.shutdown('Track message size exceeded')
      return
    }
    // A track switches presence on; the state goes out first, then the diff with this meta.
    const state = this.presenceEnabled ? undefined : this.channel.presence.json()
    this.presenceEnabled = true
    const diff = this.channel.presence.track(this, this.presenceKey, meta)
    this.reply(ref, 'ok', {})
    if (state !== undefined) this.sendPresenceState(state)
    if (diff) this.channel.publishDiff(diff)
  }

  /** Supabase's per-client window: the first call opens it; more than `calls` in it closes. */
  private takePresenceCall(): boolean {
    const limit = this.connection.ctx.limits.presence
    if (!limit) return true
    const now = this.connection.ctx.clock.now()
    if (this.presenceWindowEnds === undefined || now > this.presenceWindowEnds) {
      this.presenceCalls = 1
      this.presenceWindowEnds = now + limit.windowMs
      return true
    }
    if (this.presenceCalls >= limit.calls) return false
    this.presenceCalls++
    return true
  }

  private receiveAccessToken(payload: JsonObject): Promise<void> | undefined {
    const token = payload.access_token
    if (typeof token !== 'string' || token.startsWith('sb_') || token === this.token) {
      return undefined
    }
    return settle(this.connection.checkToken(token, this.channel.isPrivate), (check) => {
      if (this.ended) return
      if (!check.ok) {
        this.shutdown(refreshFailureMessage(check))
        return
      }
      this.token = token
      this.claims = check.claims
      this.policies = {}
      this.scheduleTokenCheck()
      if (!this.channel.isPrivate) return
      // The policies are evaluated again with the new claims.
      return settle(this.allowed('read'), (allowed) => {
        this.policies.read = allowed
        if (!allowed && !this.ended) {
          this.shutdown(
            `You do not have permissions to read from this Channel topic: ${this.channel.name}`,
          )
        }
      })
    })
  }

  private scheduleTokenCheck(): void {
    this.cancelTokenCheck()
    const exp = this.claims.exp
    if (!Number.isFinite(exp)) return
    const ctx = this.connection.ctx
    const inMs = (exp - Math.floor(ctx.clock.now() / 1000)) * 1000
    this.cancelTokenCheck = ctx.scheduler.schedule(
      Math.max(0, Math.min(TOKEN_CHECK_INTERVAL_MS, inMs)),
      () => {
        settle(this.connection.checkToken(this.token, this.channel.isPrivate), (check) => {
          if (this.ended) return
          if (check.ok) this.scheduleTokenCheck()
          else this.shutdown(refreshFailureMessage(check))
        })?.catch((error: unknown) => ctx.reportError(error))
      },
    )
  }

  /** Runs `then` with the policy for `action` (public channels allow everything). */
  private withPolicy(
    action: AuthorizeAction,
    then: (allowed: boolean) => void,
  ): Promise<void> | undefined {
    const known = this.policies[action]
    if (known !== undefined || !this.channel.isPrivate) {
      then(known ?? true)
      return undefined
    }
    return settle(this.allowed(action), (allowed) => {
      this.policies[action] = allowed
      if (!this.ended) then(allowed)
    })
  }

  private allowed(action: AuthorizeAction): boolean | Promise<boolean> {
    const authorize = this.connection.ctx.authorize
    if (!authorize) return true
    return authorize({ topic: this.channel.name, claims: this.claims, action })
  }

  private sendPresenceState(stateJson: string): void {
    this.connection.send({
      joinRef: this.joinRef,
      ref: null,
      topic: this.topic,
      event: EVENTS.presenceState,
      payload: new RawJson(stateJson),
    })
  }

  private reply(ref: string | null, status: 'ok' | 'error', response: JsonObject): void {
    this.connection.send(reply(this.joinRef, ref, this.topic, status, response))
  }
}

/** Calls `then` now for a plain value, or when a promise settles (the result then is a promise). */
export function settle<T>(
  value: T | Promise<T>,
  then: (value: T) => void | Promise<void> | undefined,
): Promise<void> | undefined {
  if (value instanceof Promise) return value.then(then)
  const result = then(value)
  return result instanceof Promise ? result : undefined
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

function isJson(bytes: Uint8Array): boolean {
  try {
    JSON.parse(utf8.decode(bytes))
    return true
  } catch {
    return false
  }
}
