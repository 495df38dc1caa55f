/**
 * Server-to-client WebSocket framing (RFC 6455 §5.2): one unmasked, final frame, text or binary.
 * Built once per encoded frame and written as is to every socket that receives it.
 */

export const OPCODE_TEXT = 0x1
export const OPCODE_BINARY = 0x2

export function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length])
  if (length < 0x10000) {
    const header = Buffer.allocUnsafe(4)
    header[0] = 0x80 | opcode
    header[1] = 126
    header.writeUInt16BE(length, 2)
    return header
  }
  const header = Buffer.allocUnsafe(10)
  header[0] = 0x80 | opcode
  header[1] = 127
  header.writeBigUInt64BE(BigInt(length), 2)
  return header
}

/** The whole frame for `data`: text for a string, binary for bytes. */
export function buildFrame(data: string | Uint8Array): Buffer {
  const payload =
    typeof data === 'string'
      ? Buffer.from(data, 'utf8')
      : Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  const header = frameHeader(typeof data === 'string' ? OPCODE_TEXT : OPCODE_BINARY, payload.length)
  return Buffer.concat([header, payload], header.length + payload.length)
}
