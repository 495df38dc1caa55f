import { describe, expect, it } from 'vitest'
import { PRESENCE, setup, until } from '../../test/realtime/test-core.js'
import { createAccessToken } from './access-token.js'
import { DEV_ANON_KEY, DEV_JWT_SECRET } from './options.js'

describe('realtime core: socket', () => {
  it('answers a heartbeat on phoenix', async () => {
    const { open } = await setup()
    const c = await open()
    c.push(null, '1', 'phoenix', 'heartbeat', {})
    expect(c.take()).toEqual(['[null,"1","phoenix","phx_reply",{"status":"ok","response":{}}]'])
  })

  it('answers vsn 1.0.0 frames as objects without join_ref', async () => {
    const { open } = await setup()
    const c = await open({ vsn: '1.0.0' })
    c.handle.receive('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"7"}')
    expect(c.take()).toEqual([
      '{"event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"7","topic":"phoenix"}',
    ])
  })

  it('closes the socket 60 s after the last frame, not before', async () => {
    const { open, clock, core } = await setup()
    const c = await open()
    await clock.advance(30_000)
    c.push(null, '1', 'phoenix', 'heartbeat', {})
    await clock.advance(59_999)
    expect(c.closed).toBeUndefined()
    await clock.advance(1)
    expect(c.closed).toEqual({ code: 1000, reason: 'idle timeout' })
    expect(core.stats()).toMatchObject({ connections: 0, idleTimeouts: 1 })
  })

  it('closes the socket with 1011 on a frame it cannot decode', async () => {
    const { open } = await setup()
    const c = await open()
    c.handle.receive('{"not":"an array"}')
    expect(c.closed).toEqual({ code: 1011, reason: 'expected V2 array' })
    c.push(null, '1', 'phoenix', 'heartbeat', {})
    expect(c.take()).toEqual([])
  })

  it('refuses pushes to topics it does not know with "unmatched topic"', async () => {
    const { open } = await setup()
    const c = await open()
    c.join('room1', '1')
    c.push('1', '2', 'realtime:nowhere', 'broadcast', {
      type: 'broadcast',
      event: 'e',
      payload: {},
    })
    c.push('1', '3', 'realtime:nowhere', 'phx_leave', {})
    c.handle.receive(new Uint8Array([3, 0, 1, 1, 1, 0, 1, 0x34, 0x74, 0x65, 0x7b, 0x7d]))
    expect(c.take()).toEqual([
      '[null,"1","room1","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]',
      '[null,"2","realtime:nowhere","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]',
      '["1","3","realtime:nowhere","phx_reply",{"status":"ok","response":{}}]',
      '[null,"4","t","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]',
    ])
  })
})

describe('realtime core: joining', () => {
  it('replies ok with postgres_changes, then sends presence_state with the join_ref', async () => {
    const { open } = await setup()
    const c = await open()
    c.join('realtime:room1', '6', PRESENCE)
    expect(c.take()).toEqual([
      '["6","6","realtime:room1","phx_reply",{"status":"ok","response":{"postgres_changes":[]}}]',
      '["6",null,"realtime:room1","presence_state",{}]',
    ])
  })

  it('sends no presence_state when presence is off, and echoes postgres_changes with ids', async () => {
    const { open } = await setup()
    const c = await open()
    c.join('realtime:db', '1', { config: { postgres_changes: [{ event: '*', schema: 'public' }] } })
    expect(c.take()).toEqual([
      '["1","1","realtime:db","phx_reply",{"status":"ok","response":{"postgres_changes":[{"event":"*","schema":"public","id":1}]}}]',
    ])
  })

  it('refuses an empty topic name', async () => {
    const { open, core } = await setup()
    const c = await open()
    c.join('realtime:', '1')
    expect(c.take()).toEqual([
      '["1","1","realtime:","phx_reply",{"status":"error","response":{"reason":"TopicNameRequired: You must provide a topic name"}}]',
    ])
    expect(core.stats().joinErrors).toBe(1)
  })

  it('closes the first membership when a topic is joined again', async () => {
    const { open } = await setup()
    const c = await open()
    c.join('realtime:room1', '1', PRESENCE)
    c.push('1', '2', 'realtime:room1', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { n: 1 },
    })
    c.take()
    c.join('realtime:room1', '3', PRESENCE)
    const frames = c.take() as string[]
    expect(frames[0]).toBe('["1","1","realtime:room1","phx_close",{}]')
    expect(frames[1]).toBe(
      '["3","3","realtime:room1","phx_reply",{"status":"ok","response":{"postgres_changes":[]}}]',
    )
    expect(frames[2]).toBe('["3",null,"realtime:room1","presence_state",{}]')
  })

  it('leaves with an ok reply then phx_close, and ignores pushes with an old join_ref', async () => {
    const { open } = await setup()
    const c = await open()
    c.join('realtime:room1', '1')
    c.take()
    c.push('0', '2', 'realtime:room1', 'phx_leave', {})
    expect(c.take()).toEqual([])
    c.push('1', '3', 'realtime:room1', 'phx_leave', {})
    expect(c.take()).toEqual([
      '["1","3","realtime:room1","phx_reply",{"status":"ok","response":{}}]',
      '["1","1","realtime:room1","phx_close",{}]',
    ])
  })

  it('limits channels per socket', async () => {
    const { open } = await setup({ limits: { channelsPerClient: 1 } })
    const c = await open()
    c.join('realtime:a', '1')
    c.join('realtime:b', '2')
    expect(c.take()[1]).toBe(
      '["2","2","realtime:b","phx_reply",{"status":"error","response":{"reason":"ChannelRateLimitReached: Too many channels"}}]',
    )
  })

  it('can hold a join error back, as Supabase does for 5 s', async () => {
    const { open, clock } = await setup({ joinErrorDelayMs: 5_000 })
    const c = await open()
    c.join('realtime:', '1')
    c.push(null, '2', 'phoenix', 'heartbeat', {})
    expect(c.take()).toEqual([])
    await clock.advance(5_000)
    expect((c.take() as string[]).map((f) => JSON.parse(f)[3])).toEqual(['phx_reply', 'phx_reply'])
  })

  it('refuses a join with an expired or invalid access token', async () => {
    const { open, clock } = await setup()
    const c = await open()
    const expired = await createAccessToken({ now: clock.now(), expiresInSeconds: -5 })
    c.join('realtime:a', '1', { access_token: expired })
    c.join('realtime:b', '2', { access_token: 'x.y.z' })
    c.join('realtime:c', '3', { access_token: 'garbage' })
    await until(() => c.frames.length === 3)
    expect(c.take()).toEqual([
      '["1","1","realtime:a","phx_reply",{"status":"error","response":{"reason":"InvalidJWTToken: Token has expired 5 seconds ago"}}]',
      '["2","2","realtime:b","phx_reply",{"status":"error","response":{"reason":"MalformedJWT: The token provided is not a valid JWT"}}]',
      '["3","3","realtime:c","phx_reply",{"status":"error","response":{"reason":"MalformedJWT: The token provided is not a valid JWT"}}]',
    ])
  })

  it('refuses tokens signed with another secret or without role and exp', async () => {
    const { open, clock } = await setup()
    const c = await open()
    const other = await createAccessToken({
      now: clock.now(),
      secret: 'another-secret-of-at-least-32-characters',
    })
    c.join('realtime:a', '1', { access_token: other })
    await until(() => c.frames.length === 1)
    const noRole = await createAccessToken({ now: clock.now(), claims: { role: undefined } })
    c.join('realtime:b', '2', { access_token: noRole })
    await until(() => c.frames.length === 2)
    expect(c.take()).toEqual([
      '["1","1","realtime:a","phx_reply",{"status":"error","response":{"reason":"JwtSignatureError: Failed to validate JWT signature"}}]',
      '["2","2","realtime:b","phx_reply",{"status":"error","response":{"reason":"InvalidJWTToken: Fields `role` and `exp` are required in JWT"}}]',
    ])
  })
})

describe('realtime core: handshake', () => {
  it('answers with the statuses and bodies Supabase uses', async () => {
    const { core, clock } = await setup({ limits: { connections: 1 } })
    expect(await core.handshake({ apiKey: DEV_ANON_KEY, vsn: '9.0.0' })).toEqual({
      ok: false,
      status: 403,
      body: '',
    })
    expect(await core.handshake({ apiKey: undefined, vsn: '2.0.0' })).toEqual({
      ok: false,
      status: 401,
      body: '{"error":"API key is missing"}',
    })
    expect(await core.handshake({ apiKey: 'wrong', vsn: undefined })).toEqual({
      ok: false,
      status: 401,
      body: '{"error":"The token provided is not a valid JWT"}',
    })
    const expired = await createAccessToken({ now: clock.now(), expiresInSeconds: -1 })
    expect(await core.handshake({ apiKey: expired, vsn: undefined })).toMatchObject({
      status: 401,
      body: '{"error":"Token has expired"}',
    })
    const signed = await createAccessToken({ now: clock.now(), secret: DEV_JWT_SECRET })
    const accepted = await core.handshake({ apiKey: signed, vsn: undefined })
    expect(accepted).toMatchObject({ ok: true, info: { vsn: '1.0.0', apiKey: signed } })
    if (accepted.ok) core.connect({ send() {}, close() {} }, accepted.info)
    expect(await core.handshake({ apiKey: DEV_ANON_KEY, vsn: '2.0.0' })).toEqual({
      ok: false,
      status: 429,
      body: '{"error":"Too many connected users"}',
    })
    expect(core.stats().refusedHandshakes).toBe(5)
  })

  it('reports connections, channels, presences and frames', async () => {
    const { open, core } = await setup()
    const c = await open()
    c.join('realtime:a', '1', PRESENCE)
    c.join('realtime:b', '2', { config: { private: true } })
    c.push('1', '3', 'realtime:a', 'presence', { type: 'presence', event: 'track', payload: {} })
    expect(core.stats()).toEqual({
      connections: 1,
      channels: 2,
      members: 2,
      presences: 1,
      framesIn: 3,
      framesOut: 5,
      joins: 2,
      joinErrors: 0,
      channelsClosed: 0,
      refusedHandshakes: 0,
      idleTimeouts: 0,
    })
    core.closeAll(1012, 'restart')
    expect(c.closed).toEqual({ code: 1012, reason: 'restart' })
    expect(core.stats()).toMatchObject({ connections: 0, channels: 0, members: 0, presences: 0 })
  })
})
