import { describe, expect, it } from 'vitest'
import { decodeV1, encodeMessageV1, encodeV1, refOf, userBroadcastAsJson } from './codec-v1.js'
import { DecodeError, RawJson } from './frames.js'

const bytes = (text: string) => new TextEncoder().encode(text)

describe('codec v1 (vsn 1.0.0): decode', () => {
  it('decodes a join with join_ref, and a heartbeat without it', () => {
    expect(
      decodeV1(
        '{"topic":"realtime:room1","event":"phx_join","payload":{"config":{}},"ref":"1","join_ref":"1"}',
      ),
    ).toEqual({
      kind: 'message',
      message: {
        joinRef: '1',
        ref: '1',
        topic: 'realtime:room1',
        event: 'phx_join',
        payload: { config: {} },
      },
    })
    expect(decodeV1('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"7"}')).toEqual({
      kind: 'message',
      message: { joinRef: null, ref: '7', topic: 'phoenix', event: 'heartbeat', payload: {} },
    })
  })

  it('keeps numeric refs as their decimal text', () => {
    expect(refOf(12)).toBe('12')
    expect(refOf(null)).toBeNull()
    expect(refOf({})).toBeNull()
  })

  it('ignores a frame whose payload is not an object', () => {
    expect(decodeV1('{"topic":"t","event":"e","payload":"x","ref":null}')).toEqual({
      kind: 'ignored',
      topic: 't',
    })
  })

  it.each([
    ['not JSON', '{'],
    ['an array', '[null,"1","t","e",{}]'],
    ['a missing ref', '{"topic":"t","event":"e","payload":{}}'],
    ['a numeric topic', '{"topic":1,"event":"e","payload":{},"ref":null}'],
  ])('refuses %s', (_name, frame) => {
    expect(() => decodeV1(frame)).toThrow(DecodeError)
  })

  it('refuses binary frames', () => {
    expect(() => decodeV1(new Uint8Array([3]))).toThrow(DecodeError)
  })
})

describe('codec v1 (vsn 1.0.0): encode', () => {
  it('writes event, payload, ref and topic (never join_ref), keys sorted as Phoenix does', () => {
    expect(
      encodeMessageV1({
        joinRef: '1',
        ref: '1',
        topic: 'realtime:room1',
        event: 'phx_reply',
        payload: { status: 'ok', response: { postgres_changes: [] } },
      }),
    ).toBe(
      '{"event":"phx_reply","payload":{"status":"ok","response":{"postgres_changes":[]}},"ref":"1","topic":"realtime:room1"}',
    )
  })

  it('embeds raw JSON payloads as they are', () => {
    expect(
      encodeMessageV1({
        joinRef: null,
        ref: null,
        topic: 't',
        event: 'presence_state',
        payload: new RawJson('{"a":1}'),
      }),
    ).toBe('{"event":"presence_state","payload":{"a":1},"ref":null,"topic":"t"}')
  })

  it('turns a JSON user broadcast into a broadcast message, and drops a binary one', () => {
    const broadcast = {
      topic: 'realtime:room1',
      event: 'cursor',
      encoding: 'json' as const,
      payload: bytes('{"x":1}'),
    }
    expect(encodeV1({ kind: 'user-broadcast', broadcast })).toBe(
      '{"event":"broadcast","payload":{"event":"cursor","payload":{"x":1},"type":"broadcast"},"ref":null,"topic":"realtime:room1"}',
    )
    expect(
      encodeV1({ kind: 'user-broadcast', broadcast: { ...broadcast, encoding: 'binary' } }),
    ).toBeUndefined()
    expect(userBroadcastAsJson({ ...broadcast, meta: { id: 'm1' } })).toBe(
      '{"event":"cursor","payload":{"x":1},"type":"broadcast","meta":{"id":"m1"}}',
    )
  })
})
