import { describe, expect, it } from 'vitest'
import { PRESENCE, setup } from '../../test/realtime/test-core.js'

describe('realtime core: presence', () => {
  it('tracks, updates as one diff, and untracks', async () => {
    const { open } = await setup()
    const a = await open()
    const b = await open({ vsn: '1.0.0' })
    a.join('realtime:room', '1', PRESENCE)
    b.handle.receive(
      '{"topic":"realtime:room","event":"phx_join","payload":{"config":{"presence":{"key":"b","enabled":true}}},"ref":"1","join_ref":"1"}',
    )
    a.take()
    b.take()
    a.push('1', '2', 'realtime:room', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { s: 1 },
    })
    a.push('1', '3', 'realtime:room', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { s: 2 },
    })
    a.push('1', '4', 'realtime:room', 'presence', { type: 'presence', event: 'untrack' })
    const [reply, join, , update, , leave] = a.take() as string[]
    expect(reply).toBe('["1","2","realtime:room","phx_reply",{"status":"ok","response":{}}]')
    const joinDiff = JSON.parse(join!)
    expect(joinDiff.slice(0, 4)).toEqual([null, null, 'realtime:room', 'presence_diff'])
    const ref1 = joinDiff[4].joins.a.metas[0].phx_ref as string
    expect(ref1).toMatch(/^[\w-]{16}$/)
    const updateDiff = JSON.parse(update!)[4]
    const ref2 = updateDiff.joins.a.metas[0].phx_ref
    expect(updateDiff).toEqual({
      joins: { a: { metas: [{ s: 2, phx_ref: ref2, phx_ref_prev: ref1 }] } },
      leaves: { a: { metas: [{ s: 1, phx_ref: ref1 }] } },
    })
    expect(JSON.parse(leave!)[4]).toEqual({
      joins: {},
      leaves: { a: { metas: [{ s: 2, phx_ref: ref2, phx_ref_prev: ref1 }] } },
    })
    const atB = (b.take() as string[]).map((f) => JSON.parse(f))
    expect(atB.map((f) => [f.event, f.ref, 'join_ref' in f])).toEqual([
      ['presence_diff', null, false],
      ['presence_diff', null, false],
      ['presence_diff', null, false],
    ])
  })

  it('turns presence on at the first track: reply, presence_state, then the diff', async () => {
    const { open } = await setup()
    const other = await open()
    other.join('realtime:room', '1', { config: { presence: { key: 'o', enabled: true } } })
    other.push('1', '2', 'realtime:room', 'presence', {
      type: 'presence',
      event: 'track',
      payload: {},
    })
    const c = await open()
    c.join('realtime:room', '1', { config: { presence: { key: 'late' } } })
    expect(c.take()).toHaveLength(1) // the join reply only: no presence_state while presence is off
    c.push('1', '2', 'realtime:room', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { n: 1 },
    })
    const frames = (c.take() as string[]).map((f) => JSON.parse(f))
    expect(frames.map((f) => f[3])).toEqual(['phx_reply', 'presence_state', 'presence_diff'])
    expect(Object.keys(frames[1][4])).toEqual(['o'])
    expect(frames[1][0]).toBe('1')
  })

  it('answers track refusals with error replies', async () => {
    const { open } = await setup()
    const c = await open()
    c.join('realtime:r', '1', { config: { presence: { key: 'ids' } } })
    c.join('realtime:s', '2')
    c.take()
    c.push('1', '3', 'realtime:r', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { a: 1 },
    })
    c.push('2', '4', 'realtime:s', 'presence', { type: 'presence', event: 'track', payload: null })
    c.push('2', '5', 'realtime:s', 'presence', { type: 'presence', event: 'wave' })
    c.push('2', '6', 'realtime:s', 'presence', { type: 'presence' })
    c.push('2', '7', 'realtime:s', 'presence', { type: 'presence', event: 'TRACK' })
    const frames = c.take() as string[]
    expect(frames.slice(0, 4)).toEqual([
      '["1","3","realtime:r","phx_reply",{"status":"error","response":{"reason":"Presence key \\"ids\\" is reserved by the client"}}]',
      '["2","4","realtime:s","phx_reply",{"status":"error","response":{"reason":"Presence track payload must be a map"}}]',
      '["2","5","realtime:s","phx_reply",{"status":"error","response":{}}]',
      '["2","6","realtime:s","phx_reply",{"status":"ok","response":{}}]',
    ])
    expect(JSON.parse(frames[4]!)[3]).toBe('phx_reply') // a track with no payload tracks {}
    expect(JSON.parse(frames[6]!)[4].joins).toBeDefined()
  })

  it('closes the channel on the 6th presence call inside the window; the window then resets', async () => {
    const { open, clock, core } = await setup()
    const c = await open()
    c.join('realtime:room', '1', PRESENCE)
    for (let i = 0; i < 5; i++) {
      c.push('1', `t${i}`, 'realtime:room', 'presence', {
        type: 'presence',
        event: 'track',
        payload: { i },
      })
      await clock.advance(5_000)
    }
    await clock.advance(5_000) // 30 s after the first call: still inside Supabase's window
    c.take()
    c.push('1', 't5', 'realtime:room', 'presence', { type: 'presence', event: 'untrack' })
    expect(c.take()).toEqual([
      '["1",null,"realtime:room","system",{"extension":"system","status":"error","message":"Client presence rate limit exceeded","channel":"room"}]',
      '["1","1","realtime:room","phx_close",{}]',
    ])
    expect(core.stats()).toMatchObject({ channelsClosed: 1, presences: 0, members: 0 })

    c.join('realtime:room', '2', PRESENCE)
    for (let i = 0; i < 5; i++) {
      c.push('2', `u${i}`, 'realtime:room', 'presence', {
        type: 'presence',
        event: 'track',
        payload: { i },
      })
    }
    await clock.advance(30_001)
    c.take()
    c.push('2', 'u5', 'realtime:room', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { i: 5 },
    })
    expect(JSON.parse((c.take() as string[])[0]!)[4]).toEqual({ status: 'ok', response: {} })
  })

  it('has no presence limit when it is turned off', async () => {
    const { open } = await setup({ limits: { presence: false } })
    const c = await open()
    c.join('realtime:room', '1', PRESENCE)
    for (let i = 0; i < 10; i++) {
      c.push('1', `${i}`, 'realtime:room', 'presence', {
        type: 'presence',
        event: 'track',
        payload: { i },
      })
    }
    expect((c.take() as string[]).some((f) => f.includes('system'))).toBe(false)
  })

  it('closes the channel for a track payload over the size limit', async () => {
    const { open } = await setup({ limits: { payloadBytes: 10 } })
    const c = await open()
    c.join('realtime:room', '1')
    c.take()
    c.push('1', '2', 'realtime:room', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { long: 'xxxxxxxxxx' },
    })
    expect(c.take()).toEqual([
      '["1",null,"realtime:room","system",{"extension":"system","status":"error","message":"Track message size exceeded","channel":"room"}]',
      '["1","1","realtime:room","phx_close",{}]',
    ])
  })
})

describe('realtime core: broadcast', () => {
  it('sends JSON broadcasts to the others, acks, and never passes an ids key on', async () => {
    const { open } = await setup()
    const a = await open()
    const b = await open()
    a.join('realtime:bc', '1', { config: { broadcast: { ack: true } } })
    b.join('realtime:bc', '1')
    a.take()
    b.take()
    a.push('1', '2', 'realtime:bc', 'broadcast', {
      type: 'broadcast',
      event: 'e',
      payload: { x: 1 },
      ids: [1],
    })
    expect(a.take()).toEqual(['["1","2","realtime:bc","phx_reply",{"status":"ok","response":{}}]'])
    expect(b.take()).toEqual([
      '[null,null,"realtime:bc","broadcast",{"type":"broadcast","event":"e","payload":{"x":1}}]',
    ])
  })

  it('turns a binary broadcast into kind 4 for vsn 2 and JSON for vsn 1', async () => {
    const { open } = await setup()
    const a = await open()
    const v1 = await open({ vsn: '1.0.0' })
    a.join('realtime:bc', '1', { config: { broadcast: { self: true } } })
    v1.handle.receive(
      '{"topic":"realtime:bc","event":"phx_join","payload":{},"ref":"1","join_ref":"1"}',
    )
    a.take()
    v1.take()
    const enc = (s: string) => [...new TextEncoder().encode(s)]
    a.handle.receive(
      new Uint8Array([
        3,
        1,
        1,
        11,
        1,
        16,
        1,
        ...enc('1'),
        ...enc('2'),
        ...enc('realtime:bc'),
        ...enc('e'),
        ...enc('{"persist":true}'),
        ...enc('{"x":1}'),
      ]),
    )
    expect([...(a.take()[0] as Uint8Array)]).toEqual([
      4,
      11,
      1,
      0,
      1,
      ...enc('realtime:bc'),
      ...enc('e'),
      ...enc('{"x":1}'),
    ])
    expect(v1.take()).toEqual([
      '{"event":"broadcast","payload":{"event":"e","payload":{"x":1},"type":"broadcast"},"ref":null,"topic":"realtime:bc"}',
    ])
  })

  it('answers ack with an error for an oversized or invalid broadcast and sends nothing', async () => {
    const { open } = await setup({ limits: { payloadBytes: 20 } })
    const a = await open()
    const b = await open()
    a.join('realtime:bc', '1', { config: { broadcast: { ack: true } } })
    b.join('realtime:bc', '1')
    a.take()
    b.take()
    a.push('1', '2', 'realtime:bc', 'broadcast', {
      type: 'broadcast',
      event: 'e',
      payload: { x: 'x'.repeat(50) },
    })
    const enc = (s: string) => [...new TextEncoder().encode(s)]
    a.handle.receive(
      new Uint8Array([
        3,
        1,
        1,
        11,
        1,
        0,
        1,
        ...enc('1'),
        ...enc('3'),
        ...enc('realtime:bc'),
        ...enc('e'),
        ...enc('{'),
      ]),
    )
    expect(a.take()).toEqual([
      '["1","2","realtime:bc","phx_reply",{"status":"error","response":{"error":"payload_size_exceeded"}}]',
      '["1","3","realtime:bc","phx_reply",{"status":"error","response":{"error":"invalid_json_payload"}}]',
    ])
    expect(b.take()).toEqual([])
  })
})
