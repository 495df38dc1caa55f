/**
 * The vsn 2.0.0 serializer (Supabase's V2Serializer): text frames are JSON arrays
 * `[join_ref, ref, topic, event, payload]`; binary frames carry user broadcasts only, kind 3 from
 * the client and kind 4 to it. Every length in a binary header is one byte, so each string is at
 * most 255 bytes. realtime-js decodes no other binary kind, so none is ever encoded.
 */
import { payloadJson, refOf } from './codec-v1.js'
import {
  DecodeError,
  type Inbound,
  isJsonObject,
  type JsonObject,
  type Message,
  type Outbound,
  type UserBroadcast,
} from './frames.js'

export const KIND_PUSH = 0
export const KIND_USER_BROADCAST_PUSH = 3
export const KIND_USER_BROADCAST = 4

const encoder = new TextEncoder()
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes one client frame; throws DecodeError for anything Supabase would refuse. */
export function decodeV2(data: string | Uint8Array): Inbound {
  return typeof data === 'string' ? decodeText(data) : decodeBinary(data)
}

function decodeText(data: string): Inbound {
  let value: unknown
  try {
    value = JSON.parse(data)
  } catch {
    throw new DecodeError('frame is not JSON')
  }
  if (!Array.isArray(value) || value.length < 5) throw new DecodeError('expected V2 array')
  const [joinRef, ref, topic, event, payload] = value as unknown[]
  if (typeof topic !== 'string' || typeof event !== 'string') {
    throw new DecodeError('topic and event must be strings')
  }
  if (!isJsonObject(payload)) return { kind: 'ignored', topic }
  return {
    kind: 'message',
    message: { joinRef: refOf(joinRef), ref: refOf(ref), topic, event, payload },
  }
}

function decodeBinary(data: Uint8Array): Inbound {
  const reader = new Reader(data)
  const kind = reader.byte()
  if (kind === KIND_PUSH) {
    // [0, joinRefLen, refLen, topicLen, eventLen] join_ref ref topic event data
    const skip = reader.byte() + reader.byte()
    const topicSize = reader.byte()
    reader.byte()
    reader.text(skip)
    return { kind: 'ignored', topic: reader.text(topicSize) }
  }
  if (kind !== KIND_USER_BROADCAST_PUSH) throw new DecodeError(`unknown binary kind ${kind}`)
  const joinRefSize = reader.byte()
  const refSize = reader.byte()
  const topicSize = reader.byte()
  const eventSize = reader.byte()
  const metaSize = reader.byte()
  const encoding = reader.byte()
  const joinRef = reader.text(joinRefSize)
  const ref = reader.text(refSize)
  const topic = reader.text(topicSize)
  const event = reader.text(eventSize)
  const metaText = reader.text(metaSize)
  let meta: JsonObject = {}
  if (metaSize > 0) {
    let parsed: unknown
    try {
      parsed = JSON.parse(metaText)
    } catch {
      throw new DecodeError('broadcast metadata is not JSON')
    }
    if (!isJsonObject(parsed)) throw new DecodeError('broadcast metadata must be an object')
    meta = parsed
  }
  return {
    kind: 'user-broadcast',
    joinRef: joinRefSize === 0 ? null : joinRef,
    ref: refSize === 0 ? null : ref,
    broadcast: {
      topic,
      event,
      encoding: encoding === 0 ? 'binary' : 'json',
      payload: reader.rest(),
      meta,
    },
  }
}

/** Encodes one server frame: JSON text for messages, binary kind 4 for user broadcasts. */
export function encodeV2(out: Outbound): string | Uint8Array {
  return out.kind === 'message'
    ? encodeMessageV2(out.message)
    : encodeUserBroadcastV2(out.broadcast)
}

export function encodeMessageV2(message: Message): string {
  return `[${JSON.stringify(message.joinRef)},${JSON.stringify(message.ref)},${JSON.stringify(message.topic)},${JSON.stringify(message.event)},${payloadJson(message.payload)}]`
}

/** Kind 4: `[4, topicLen, eventLen, metaLen, encoding] topic event meta payload`. */
export function encodeUserBroadcastV2(broadcast: UserBroadcast): Uint8Array {
  const topic = encoder.encode(broadcast.topic)
  const event = encoder.encode(broadcast.event)
  const meta = broadcast.meta === undefined ? EMPTY : encoder.encode(JSON.stringify(broadcast.meta))
  for (const [name, part] of [
    ['topic', topic],
    ['event', event],
    ['metadata', meta],
  ] as const) {
    if (part.length > 255) throw new RangeError(`${name} is longer than 255 bytes`)
  }
  const out = new Uint8Array(
    5 + topic.length + event.length + meta.length + broadcast.payload.length,
  )
  out[0] = KIND_USER_BROADCAST
  out[1] = topic.length
  out[2] = event.length
  out[3] = meta.length
  out[4] = broadcast.encoding === 'json' ? 1 : 0
  let at = 5
  for (const part of [topic, event, meta, broadcast.payload]) {
    out.set(part, at)
    at += part.length
  }
  return out
}

const EMPTY = new Uint8Array(0)

class Reader {
  private at = 0
  constructor(private readonly data: Uint8Array) {}

  byte(): number {
    const value = this.data[this.at]
    if (value === undefined) throw new DecodeError('binary frame is truncated')
    this.at++
    return value
  }

  text(size: number): string {
    const end = this.at + size
    if (end > this.data.length) throw new DecodeError('binary frame is truncated')
    let value: string
    try {
      value = utf8.decode(this.data.subarray(this.at, end))
    } catch {
      throw new DecodeError('binary frame field is not UTF-8')
    }
    this.at = end
    return value
  }

  rest(): Uint8Array {
    const rest = this.data.slice(this.at)
    this.at = this.data.length
    return rest
  }
}
