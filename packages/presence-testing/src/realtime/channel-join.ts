/**
 * `phx_join` on a `realtime:` topic, in Supabase's order: topic name, channels per client, token
 * (the join's access_token, else the API key), read policy for private channels; then the ok
 * reply `{postgres_changes: [...]}` and, when presence is on, the presence state. A refused join
 * gets `{status: 'error', response: {reason: 'Code: message'}}`.
 */
import { type JsonObject, type Message, reply, TOPIC_PREFIX } from './frames.js'
import { type JoinConfig, parseJoinPayload } from './join-config.js'
import type { TokenCheck } from './jwt.js'
import { Membership, type MembershipSocket, settle } from './membership.js'

/** What a join needs from the socket it arrives on (a `Connection` provides it). */
export interface JoinSocket extends MembershipSocket {
  readonly apiKey: string
  readonly isOpen: boolean
}

export function joinChannel(connection: JoinSocket, message: Message): Promise<void> | undefined {
  const ctx = connection.ctx
  const name = message.topic.slice(TOPIC_PREFIX.length)
  const refuse = (code: string, text: string) => joinError(connection, message, `${code}: ${text}`)
  if (name === '') return refuse('TopicNameRequired', 'You must provide a topic name')
  const config = parseJoinPayload(message.payload as JsonObject, ctx.newPresenceKey)
  if (connection.memberships.size >= ctx.limits.channelsPerClient) {
    return refuse('ChannelRateLimitReached', 'Too many channels')
  }
  const token = config.accessToken ?? connection.apiKey
  return settle(connection.checkToken(token, config.private), (check: TokenCheck) => {
    if (!connection.isOpen) return
    if (!check.ok) return refuse(check.code, check.message)
    if (!config.private || !ctx.authorize) return admit(connection, message, config, token, check)
    const claims = check.claims
    return settle(ctx.authorize({ topic: name, claims, action: 'read' }), (allowed) => {
      if (!connection.isOpen) return
      if (!allowed) {
        return refuse(
          'Unauthorized',
          `You do not have permissions to read from this Channel topic: ${name}`,
        )
      }
      return admit(connection, message, config, token, check)
    })
  })
}

function admit(
  connection: JoinSocket,
  message: Message,
  config: JoinConfig,
  token: string,
  check: Extract<TokenCheck, { ok: true }>,
): undefined {
  const ctx = connection.ctx
  // A duplicate join that raced this one (both waiting on a check) loses its membership.
  connection.memberships.get(message.topic)?.end(true)
  const channel = ctx.channel(message.topic, config.private)
  const membership = new Membership(connection, channel, {
    joinRef: message.joinRef,
    broadcastSelf: config.broadcastSelf,
    broadcastAck: config.broadcastAck,
    presenceEnabled: config.presenceEnabled,
    presenceKey: config.presenceKey,
    token,
    claims: check.claims,
    policies: config.private ? { read: true } : {},
  })
  ctx.counters.joins++
  // This server has no database: postgres_changes bindings are acknowledged (with ids, so the
  // client's check passes) and never deliver anything.
  const postgresChanges = config.postgresChanges.map((binding, i) => ({ ...binding, id: i + 1 }))
  connection.send(
    reply(message.joinRef, message.ref, message.topic, 'ok', { postgres_changes: postgresChanges }),
  )
  membership.start()
  return undefined
}

function joinError(
  connection: JoinSocket,
  message: Message,
  reason: string,
): Promise<void> | undefined {
  const ctx = connection.ctx
  ctx.counters.joinErrors++
  const send = () =>
    connection.send(reply(message.joinRef, message.ref, message.topic, 'error', { reason }))
  if (ctx.joinErrorDelayMs <= 0) {
    send()
    return undefined
  }
  // Supabase holds the socket for CHANNEL_ERROR_BACKOFF_MS before it answers.
  return new Promise((resolve) => {
    ctx.scheduler.schedule(ctx.joinErrorDelayMs, () => {
      send()
      resolve()
    })
  })
}
