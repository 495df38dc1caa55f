/**
 * The messages of the Phoenix/Supabase Realtime wire protocol as plain data, independent of the
 * serializer (vsn 1.0.0 JSON objects, vsn 2.0.0 JSON arrays and binary broadcast frames). Codecs
 * turn these into frames and back; nothing here touches a socket.
 */

export type Vsn = '1.0.0' | '2.0.0'

/** A JSON object payload. The protocol never carries a null or non-object payload (§1.4). */
export type JsonObject = Record<string, unknown>

/**
 * JSON text embedded as is when a message is encoded: lets a payload that many frames share (a
 * presence state, a diff) be serialized once.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

/** One Phoenix message: a push from the client, or a push, reply or broadcast to it. */
export interface Message {
  readonly joinRef: string | null
  readonly ref: string | null
  readonly topic: string
  readonly event: string
  readonly payload: JsonObject | RawJson
}

/**
 * A user broadcast in binary framing: kind 3 from the client (USER_BROADCAST_PUSH), kind 4 to it
 * (USER_BROADCAST). `payload` holds the user payload's bytes: JSON text when `encoding` is
 * 'json', anything when it is 'binary'.
 */
export interface UserBroadcast {
  readonly topic: string
  readonly event: string
  readonly encoding: 'json' | 'binary'
  readonly payload: Uint8Array
  /** Kind 3 metadata (decoded JSON; `{}` when empty); written into kind 4 only when set. */
  readonly meta?: JsonObject
}

/** What a client frame decodes to. */
export type Inbound =
  | { readonly kind: 'message'; readonly message: Message }
  | {
      readonly kind: 'user-broadcast'
      readonly joinRef: string | null
      readonly ref: string | null
      readonly broadcast: UserBroadcast
    }
  /** Valid framing that no Realtime channel handles: a Phoenix binary push (kind 0), a payload that is not an object. */
  | { readonly kind: 'ignored'; readonly topic: string }

/** What the server pushes: a message, or a user broadcast (binary for vsn 2, JSON for vsn 1). */
export type Outbound =
  | { readonly kind: 'message'; readonly message: Message }
  | { readonly kind: 'user-broadcast'; readonly broadcast: UserBroadcast }

/** One encoded frame; `wire` is a cache slot a transport may fill with its own framing. */
export interface EncodedFrame {
  readonly data: string | Uint8Array
  wire?: unknown
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError'
}

export const PHOENIX_TOPIC = 'phoenix'
export const TOPIC_PREFIX = 'realtime:'

export const EVENTS = {
  join: 'phx_join',
  leave: 'phx_leave',
  reply: 'phx_reply',
  close: 'phx_close',
  error: 'phx_error',
  heartbeat: 'heartbeat',
  accessToken: 'access_token',
  broadcast: 'broadcast',
  presence: 'presence',
  presenceState: 'presence_state',
  presenceDiff: 'presence_diff',
  system: 'system',
} as const

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A reply to the push `ref` on `topic`: `{status, response}`. */
export function reply(
  joinRef: string | null,
  ref: string | null,
  topic: string,
  status: 'ok' | 'error',
  response: JsonObject,
): Message {
  return { joinRef, ref, topic, event: EVENTS.reply, payload: { status, response } }
}
