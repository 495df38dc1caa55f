import { describe, expect, it } from 'vitest'
import { DAY, setup, until } from '../../test/realtime/test-core.js'
import { createAccessToken } from './access-token.js'

describe('realtime core: tokens and private channels', () => {
  it('closes a channel when its token expires, on the fake clock', async () => {
    const { open, clock } = await setup({ idleTimeoutMs: DAY })
    const c = await open()
    const token = await createAccessToken({ now: clock.now(), expiresInSeconds: 90 })
    c.join('realtime:room', '1', { access_token: token })
    await until(() => c.frames.length === 1)
    c.take()
    await clock.advance(89_999)
    expect(c.take()).toEqual([])
    await clock.advance(1)
    await until(() => c.frames.length === 2)
    expect(c.take()).toEqual([
      '["1",null,"realtime:room","system",{"extension":"system","status":"error","message":"Token has expired 0 seconds ago","channel":"room"}]',
      '["1","1","realtime:room","phx_close",{}]',
    ])
  })

  it('re-checks a long-lived token every 5 minutes and keeps the channel', async () => {
    const { open, clock, core } = await setup({ idleTimeoutMs: DAY })
    const c = await open()
    const token = await createAccessToken({ now: clock.now(), expiresInSeconds: 3600 })
    c.join('realtime:room', '1', { access_token: token })
    await until(() => c.frames.length === 1)
    await clock.advance(11 * 60_000)
    expect(c.take()).toHaveLength(1)
    expect(core.stats()).toMatchObject({ members: 1, channelsClosed: 0 })
  })

  it('ignores sb_ and unchanged tokens; refreshes to a new one; closes on a bad one', async () => {
    const { open, clock } = await setup({ idleTimeoutMs: DAY })
    const c = await open()
    const first = await createAccessToken({ now: clock.now(), expiresInSeconds: 60 })
    const second = await createAccessToken({
      now: clock.now(),
      expiresInSeconds: 600,
      claims: { sub: 's' },
    })
    c.join('realtime:room', '1', { access_token: first })
    await until(() => c.frames.length === 1)
    c.take()
    c.push('1', '2', 'realtime:room', 'access_token', { access_token: 'sb_publishable_key' })
    c.push('1', '3', 'realtime:room', 'access_token', { access_token: first })
    c.push('1', '4', 'realtime:room', 'access_token', { access_token: second })
    c.push(null, '5', 'phoenix', 'heartbeat', {})
    await until(() => c.frames.length === 1)
    await clock.advance(120_000) // past the first token's expiry: the channel stays
    expect(c.take()).toEqual(['[null,"5","phoenix","phx_reply",{"status":"ok","response":{}}]'])
    const other = await createAccessToken({
      now: clock.now(),
      secret: 'a-different-secret-that-is-long-enough',
    })
    c.push('1', '6', 'realtime:room', 'access_token', { access_token: other })
    await until(() => c.frames.length === 2)
    expect(JSON.parse(c.take()[0] as string)[4].message).toBe(':signature_error')
  })

  it('needs a JWT for private channels; a configured non-JWT key only opens public ones', async () => {
    const { open } = await setup({ apiKeys: ['plain-key'] })
    const c = await open({ apiKey: 'plain-key' })
    c.join('realtime:public', '1', { access_token: 'plain-key' })
    c.join('realtime:private', '2', { config: { private: true } })
    await until(() => c.frames.length === 2)
    expect(c.take()).toEqual([
      '["1","1","realtime:public","phx_reply",{"status":"ok","response":{"postgres_changes":[]}}]',
      '["2","2","realtime:private","phx_reply",{"status":"error","response":{"reason":"MalformedJWT: The token provided is not a valid JWT"}}]',
    ])
  })

  it('asks the authorize hook for read, write and presence, once each per token', async () => {
    const asked: string[] = []
    const { open, clock } = await setup({
      authorize: async ({ action, claims }) => {
        asked.push(`${action}:${claims.sub ?? claims.role}`)
        return action !== 'write'
      },
    })
    const a = await open()
    const b = await open()
    a.join('realtime:p', '1', { config: { private: true, broadcast: { ack: true } } })
    b.join('realtime:p', '1', { config: { private: true } })
    await until(() => a.frames.length === 1 && b.frames.length === 1)
    a.take()
    b.take()
    a.push('1', '2', 'realtime:p', 'broadcast', { type: 'broadcast', event: 'e', payload: {} })
    a.push('1', '3', 'realtime:p', 'presence', { type: 'presence', event: 'track', payload: {} })
    a.push('1', '4', 'realtime:p', 'presence', {
      type: 'presence',
      event: 'track',
      payload: { n: 2 },
    })
    await until(() => a.frames.length === 5)
    expect((a.take() as string[]).map((f) => JSON.parse(f)[3])).toEqual([
      'phx_reply',
      'presence_state',
      'presence_diff',
      'phx_reply',
      'presence_diff',
    ])
    expect(asked).toEqual(['read:anon', 'read:anon', 'write:anon', 'presence:anon'])
    const token = await createAccessToken({ now: clock.now(), claims: { sub: 'u9' } })
    a.push('1', '5', 'realtime:p', 'access_token', { access_token: token })
    await until(() => asked.length === 5)
    expect(asked[4]).toBe('read:u9')
  })

  it('closes a private channel when a refreshed token may no longer read', async () => {
    const { open, clock } = await setup({ authorize: ({ claims }) => claims.sub !== 'banned' })
    const c = await open()
    c.join('realtime:p', '1', { config: { private: true } })
    await until(() => c.frames.length === 1)
    c.take()
    const token = await createAccessToken({ now: clock.now(), claims: { sub: 'banned' } })
    c.push('1', '2', 'realtime:p', 'access_token', { access_token: token })
    await until(() => c.frames.length === 2)
    expect(JSON.parse(c.take()[0] as string)[4].message).toBe(
      'You do not have permissions to read from this Channel topic: p',
    )
  })
})
