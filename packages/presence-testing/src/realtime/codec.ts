/**
 * Picks the serializer for a socket's vsn, and encodes a frame shared by many sockets once per
 * serializer: a presence diff or a broadcast is serialized at most twice (vsn 1 and vsn 2),
 * however many members receive it.
 */
import { decodeV1, encodeV1 } from './codec-v1.js'
import { decodeV2, encodeV2 } from './codec-v2.js'
import type { EncodedFrame, Inbound, Outbound, Vsn } from './frames.js'

export function decode(vsn: Vsn, data: string | Uint8Array): Inbound {
  return vsn === '2.0.0' ? decodeV2(data) : decodeV1(data)
}

/** The frame for one socket; undefined when its serializer cannot carry it (binary to vsn 1). */
export function encode(vsn: Vsn, out: Outbound): EncodedFrame | undefined {
  const data = vsn === '2.0.0' ? encodeV2(out) : encodeV1(out)
  return data === undefined ? undefined : { data }
}

/** An outbound frame for many sockets: encoded lazily, once per vsn. */
export class SharedFrame {
  private v1: EncodedFrame | undefined | null = null
  private v2: EncodedFrame | undefined | null = null

  constructor(readonly out: Outbound) {}

  for(vsn: Vsn): EncodedFrame | undefined {
    if (vsn === '2.0.0') {
      if (this.v2 === null) this.v2 = encode(vsn, this.out)
      return this.v2
    }
    if (this.v1 === null) this.v1 = encode(vsn, this.out)
    return this.v1
  }
}

/**
 * The serializer a `vsn` query value selects, as Phoenix negotiates it (`~> 1.0.0`, `~> 2.0.0`);
 * absent means 1.0.0; undefined for anything else (Phoenix answers 403).
 */
export function negotiateVsn(vsn: string | null | undefined): Vsn | undefined {
  if (vsn === null || vsn === undefined) return '1.0.0'
  const match = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(vsn)
  if (!match) return undefined
  if (match[1] === '1' && match[2] === '0') return '1.0.0'
  if (match[1] === '2' && match[2] === '0') return '2.0.0'
  return undefined
}
