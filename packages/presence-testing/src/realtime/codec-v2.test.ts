import { describe, expect, it } from 'vitest'
import { negotiateVsn, SharedFrame } from './codec.js'
import { decodeV2, encodeMessageV2, encodeUserBroadcastV2, encodeV2 } from './codec-v2.js'
import { DecodeError, RawJson } from './frames.js'

const text = (s: string) => [...new TextEncoder().encode(s)]
const hex = (data: string | Uint8Array) =>
  typeof data === 'string' ? data : Buffer.from(data).toString('hex')

describe('codec v2 (vsn 2.0.0): decode', () => {
  it('decodes a JSON-array join', () => {
    expect(
      decodeV2(
        '["6","6","realtime:room1","phx_join",{"config":{"broadcast":{"self":true,"ack":true}},"access_token":"my.jwt.token"}]',
      ),
    ).toEqual({
      kind: 'message',
      message: {
        joinRef: '6',
        ref: '6',
        topic: 'realtime:room1',
        event: 'phx_join',
        payload: { config: { broadcast: { self: true, ack: true } }, access_token: 'my.jwt.token' },
      },
    })
    expect(decodeV2('[null,"10","phoenix","heartbeat",{},"extra"]')).toMatchObject({
      message: { joinRef: null, ref: '10', topic: 'phoenix' },
    })
  })

  it('decodes the kind-3 frame realtime-js sends for a broadcast', () => {
    const frame = new Uint8Array([
      3,
      1,
      1,
      14,
      6,
      0,
      1,
      ...text('6'),
      ...text('8'),
      ...text('realtime:room1'),
      ...text('cursor'),
      ...text('{"x":1,"y":2}'),
    ])
    expect(decodeV2(frame)).toEqual({
      kind: 'user-broadcast',
      joinRef: '6',
      ref: '8',
      broadcast: {
        topic: 'realtime:room1',
        event: 'cursor',
        encoding: 'json',
        payload: new Uint8Array(text('{"x":1,"y":2}')),
        meta: {},
      },
    })
  })

  it('decodes kind-3 metadata and a raw binary payload', () => {
    const meta = '{"persist":true}'
    const frame = new Uint8Array([
      3,
      0,
      0,
      1,
      1,
      meta.length,
      0,
      ...text('t'),
      ...text('e'),
      ...text(meta),
      0xff,
      0x00,
    ])
    expect(decodeV2(frame)).toEqual({
      kind: 'user-broadcast',
      joinRef: null,
      ref: null,
      broadcast: {
        topic: 't',
        event: 'e',
        encoding: 'binary',
        payload: new Uint8Array([0xff, 0]),
        meta: { persist: true },
      },
    })
  })

  it('reads a Phoenix binary push (kind 0) as a frame no channel handles', () => {
    const frame = new Uint8Array([
      0,
      1,
      1,
      1,
      1,
      ...text('1'),
      ...text('2'),
      ...text('t'),
      ...text('e'),
      9,
    ])
    expect(decodeV2(frame)).toEqual({ kind: 'ignored', topic: 't' })
  })

  it('ignores a text frame whose payload is not an object', () => {
    expect(decodeV2('[null,null,"t","e",null]')).toEqual({ kind: 'ignored', topic: 't' })
  })

  it.each([
    ['not JSON', ']'],
    ['a short array', '[null,null,"t","e"]'],
    ['a numeric event', '[null,null,"t",1,{}]'],
    ['an unknown binary kind', new Uint8Array([4, 0, 0, 0, 1])],
    ['a truncated binary frame', new Uint8Array([3, 1, 1, 14])],
    [
      'bad metadata',
      new Uint8Array([3, 0, 0, 1, 1, 1, 1, ...text('t'), ...text('e'), ...text('{')]),
    ],
    [
      'metadata that is not an object',
      new Uint8Array([3, 0, 0, 1, 1, 1, 1, ...text('t'), ...text('e'), ...text('1')]),
    ],
    ['a field that is not UTF-8', new Uint8Array([3, 0, 0, 1, 1, 0, 1, 0xff, ...text('e')])],
  ])('refuses %s', (_name, frame) => {
    expect(() => decodeV2(frame)).toThrow(DecodeError)
  })
})

describe('codec v2 (vsn 2.0.0): encode', () => {
  it('writes messages as JSON arrays', () => {
    expect(
      encodeMessageV2({
        joinRef: null,
        ref: '10',
        topic: 'phoenix',
        event: 'phx_reply',
        payload: { status: 'ok', response: {} },
      }),
    ).toBe('[null,"10","phoenix","phx_reply",{"status":"ok","response":{}}]')
    expect(
      encodeV2({
        kind: 'message',
        message: {
          joinRef: null,
          ref: null,
          topic: 'realtime:r',
          event: 'presence_diff',
          payload: new RawJson('{"joins":{},"leaves":{}}'),
        },
      }),
    ).toBe('[null,null,"realtime:r","presence_diff",{"joins":{},"leaves":{}}]')
  })

  it('writes user broadcasts as kind 4', () => {
    const frame = encodeUserBroadcastV2({
      topic: 'realtime:room1',
      event: 'cursor',
      encoding: 'json',
      payload: new Uint8Array(text('{"x":1}')),
    })
    expect(hex(frame)).toBe(
      Buffer.from([
        4,
        14,
        6,
        0,
        1,
        ...text('realtime:room1'),
        ...text('cursor'),
        ...text('{"x":1}'),
      ]).toString('hex'),
    )
    const withMeta = encodeUserBroadcastV2({
      topic: 't',
      event: 'e',
      encoding: 'binary',
      payload: new Uint8Array([7]),
      meta: { id: 1 },
    })
    expect([...withMeta]).toEqual([
      4,
      1,
      1,
      8,
      0,
      ...text('t'),
      ...text('e'),
      ...text('{"id":1}'),
      7,
    ])
  })

  it('refuses names longer than 255 bytes', () => {
    expect(() =>
      encodeUserBroadcastV2({
        topic: 'x'.repeat(256),
        event: 'e',
        encoding: 'json',
        payload: new Uint8Array(),
      }),
    ).toThrow(RangeError)
  })
})

describe('shared frames and vsn negotiation', () => {
  it('encodes a shared frame once per serializer', () => {
    const frame = new SharedFrame({
      kind: 'user-broadcast',
      broadcast: { topic: 't', event: 'e', encoding: 'binary', payload: new Uint8Array([1]) },
    })
    expect(frame.for('2.0.0')).toBe(frame.for('2.0.0'))
    expect(frame.for('1.0.0')).toBeUndefined()
    const message = new SharedFrame({
      kind: 'message',
      message: { joinRef: null, ref: null, topic: 't', event: 'e', payload: {} },
    })
    expect(message.for('1.0.0')).toBe(message.for('1.0.0'))
    expect(message.for('1.0.0')?.data).toBe('{"event":"e","payload":{},"ref":null,"topic":"t"}')
  })

  it('negotiates ~> 1.0.0 and ~> 2.0.0; absent means 1.0.0', () => {
    expect(negotiateVsn(undefined)).toBe('1.0.0')
    expect(negotiateVsn('1.0.0')).toBe('1.0.0')
    expect(negotiateVsn('1.0.5')).toBe('1.0.0')
    expect(negotiateVsn('2.0.0')).toBe('2.0.0')
    expect(negotiateVsn('2.1.0')).toBeUndefined()
    expect(negotiateVsn('3.0.0')).toBeUndefined()
    expect(negotiateVsn('abc')).toBeUndefined()
  })
})
