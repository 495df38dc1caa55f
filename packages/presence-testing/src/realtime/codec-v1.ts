/**
 * The vsn 1.0.0 serializer (Phoenix.Socket.V1.JSONSerializer): every frame is a JSON object.
 * Server frames carry topic, event, payload and ref, and never join_ref, as Phoenix writes them.
 * A binary user broadcast reaches a vsn 1.0.0 socket only when its payload is JSON.
 */
import {
  DecodeError,
  type Inbound,
  isJsonObject,
  type JsonObject,
  type Message,
  type Outbound,
  RawJson,
  type UserBroadcast,
} from './frames.js'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes one client frame; throws DecodeError for anything Phoenix would refuse. */
export function decodeV1(data: string | Uint8Array): Inbound {
  if (typeof data !== 'string') throw new DecodeError('vsn 1.0.0 carries text frames only')
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    throw new DecodeError('frame is not JSON')
  }
  if (!isJsonObject(value)) throw new DecodeError('V1 JSON Serializer expected a map')
  for (const key of ['topic', 'event', 'payload', 'ref']) {
    if (!(key in value)) throw new DecodeError(`missing key "${key}"`)
  }
  const { topic, event, payload } = value
  if (typeof topic !== 'string' || typeof event !== 'string') {
    throw new DecodeError('topic and event must be strings')
  }
  if (!isJsonObject(payload)) return { kind: 'ignored', topic }
  return {
    kind: 'message',
    message: {
      joinRef: refOf(value.join_ref),
      ref: refOf(value.ref),
      topic,
      event,
      payload,
    },
  }
}

/** Encodes one server frame as JSON text; undefined when vsn 1.0.0 cannot carry it. */
export function encodeV1(out: Outbound): string | undefined {
  if (out.kind === 'message') return encodeMessageV1(out.message)
  const json = userBroadcastAsJson(out.broadcast)
  if (json === undefined) return undefined
  return encodeMessageV1({
    joinRef: null,
    ref: null,
    topic: out.broadcast.topic,
    event: 'broadcast',
    payload: new RawJson(json),
  })
}

export function encodeMessageV1(message: Message): string {
  // Keys in the order Phoenix's JSON library writes them (sorted).
  return `{"event":${JSON.stringify(message.event)},"payload":${payloadJson(message.payload)},"ref":${JSON.stringify(message.ref)},"topic":${JSON.stringify(message.topic)}}`
}

/**
 * The JSON broadcast payload `{type, event, payload, meta?}` for a user broadcast whose payload
 * is JSON (Supabase's `convert_to_json_broadcast`); undefined for a binary payload.
 */
export function userBroadcastAsJson(broadcast: UserBroadcast): string | undefined {
  if (broadcast.encoding !== 'json') return undefined
  const payload = utf8.decode(broadcast.payload)
  const meta = broadcast.meta === undefined ? '' : `,"meta":${JSON.stringify(broadcast.meta)}`
  return `{"event":${JSON.stringify(broadcast.event)},"payload":${payload},"type":"broadcast"${meta}}`
}

export function payloadJson(payload: JsonObject | RawJson): string {
  return payload instanceof RawJson ? payload.json : JSON.stringify(payload)
}

/** Refs are strings on the wire; a number is kept as its decimal text, anything else is null. */
export function refOf(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number' && Number.isFinite(value)) return String(value)
  return null
}
