import { describe, expect, it } from 'vitest'
import { buildFrame, frameHeader, OPCODE_BINARY, OPCODE_TEXT } from './ws-frame.js'

describe('WebSocket framing (server to client)', () => {
  it('uses the 7-bit, 16-bit and 64-bit lengths of RFC 6455', () => {
    expect([...frameHeader(OPCODE_TEXT, 5)]).toEqual([0x81, 5])
    expect([...frameHeader(OPCODE_BINARY, 126)]).toEqual([0x82, 126, 0, 126])
    expect([...frameHeader(OPCODE_TEXT, 65_535)]).toEqual([0x81, 126, 0xff, 0xff])
    expect([...frameHeader(OPCODE_TEXT, 65_536)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0])
  })

  it('frames text as UTF-8 and bytes as binary', () => {
    expect([...buildFrame('hé')]).toEqual([0x81, 3, 0x68, 0xc3, 0xa9])
    expect([...buildFrame(new Uint8Array([4, 1, 2]).subarray(1))]).toEqual([0x82, 2, 1, 2])
  })
})
