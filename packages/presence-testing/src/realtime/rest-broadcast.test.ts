import { describe, expect, it } from 'vitest'
import { createFakeClock } from '../fake-clock.js'
import { createAccessToken } from './access-token.js'
import { DEV_ANON_KEY, type RealtimeOptions } from './options.js'
import { createRealtimeCore } from './realtime-core.js'
import { handleRestBroadcast, matchRestRoute, type RestRequest } from './rest-broadcast.js'

interface RequestInit {
  readonly method?: string
  readonly headers?: Record<string, string>
  readonly body?: string | Uint8Array
  readonly search?: string
}

function request(
  pathname: string,
  { method = 'POST', headers = {}, body = '', search = '' }: RequestInit = {},
): RestRequest {
  const lower: Record<string, string> = Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
  )
  return {
    method,
    pathname,
    searchParams: new URLSearchParams(search),
    header: (name) => lower[name.toLowerCase()],
    body: async () => (typeof body === 'string' ? new TextEncoder().encode(body) : body),
  }
}

async function setup(options: RealtimeOptions = {}) {
  const clock = createFakeClock()
  const core = createRealtimeCore({ clock, ...options })
  const handshake = await core.handshake({ apiKey: DEV_ANON_KEY, vsn: '2.0.0' })
  if (!handshake.ok) throw new Error('refused')
  const frames: (string | Uint8Array)[] = []
  const member = core.connect({ send: (f) => frames.push(f.data), close() {} }, handshake.info)
  const join = (topic: string, isPrivate = false) =>
    member.receive(
      JSON.stringify([
        '1',
        '1',
        `realtime:${topic}`,
        'phx_join',
        { config: { private: isPrivate } },
      ]),
    )
  return { core, frames, join, clock }
}

const auth = { apikey: DEV_ANON_KEY, 'content-type': 'application/json' }

describe('REST broadcast', () => {
  it('matches the batch and single routes, with or without /realtime/v1', () => {
    expect(matchRestRoute('/api/broadcast')).toEqual({ kind: 'batch' })
    expect(matchRestRoute('/realtime/v1/api/broadcast/')).toEqual({ kind: 'batch' })
    expect(matchRestRoute('/realtime/v1/api/broadcast/room%3A1/events/cur%20sor')).toEqual({
      kind: 'single',
      topic: 'room:1',
      event: 'cur sor',
    })
    expect(matchRestRoute('/api/broadcast/%E0/events/e')).toBeUndefined()
    expect(matchRestRoute('/api/other')).toBeUndefined()
  })

  it('delivers a batch to public channels and to private ones the token may write to', async () => {
    const { core, frames, join } = await setup({
      authorize: ({ action, topic }) => action !== 'write' || topic === 'ok',
    })
    join('pub')
    join('ok', true)
    join('no', true)
    frames.splice(0)
    const body = JSON.stringify({
      messages: [
        { topic: 'pub', event: 'e', payload: { n: 1 } },
        { topic: 'ok', event: 'e', payload: { n: 2 }, private: true },
        { topic: 'no', event: 'e', payload: { n: 3 }, private: true },
        { topic: 'ok', event: 'e', payload: { n: 4 }, private: true },
      ],
    })
    const answer = await handleRestBroadcast(
      core,
      request('/api/broadcast', { headers: auth, body }),
    )
    expect(answer).toEqual({ status: 202, body: '', headers: {} })
    expect(frames).toEqual([
      '[null,null,"realtime:pub","broadcast",{"type":"broadcast","event":"e","payload":{"n":1}}]',
      '[null,null,"realtime:ok","broadcast",{"type":"broadcast","event":"e","payload":{"n":2}}]',
      '[null,null,"realtime:ok","broadcast",{"type":"broadcast","event":"e","payload":{"n":4}}]',
    ])
  })

  it('sends single JSON and binary broadcasts (httpSend)', async () => {
    const { core, frames, join, clock } = await setup()
    join('room')
    join('secret', true)
    frames.splice(0)
    const token = await createAccessToken({ now: clock.now() })
    const bearer = { authorization: `Bearer ${token}` }
    expect(
      await handleRestBroadcast(
        core,
        request('/api/broadcast/room/events/e', {
          headers: { ...bearer, 'content-type': 'application/json; charset=utf-8' },
          body: '{"x":1}',
        }),
      ),
    ).toMatchObject({ status: 202 })
    expect(
      await handleRestBroadcast(
        core,
        request('/api/broadcast/secret/events/b', {
          headers: { ...bearer, 'content-type': 'application/octet-stream' },
          body: new Uint8Array([9]),
          search: 'private=true',
        }),
      ),
    ).toMatchObject({ status: 202 })
    expect(frames[0]).toBe(
      '[null,null,"realtime:room","broadcast",{"type":"broadcast","event":"e","payload":{"x":1}}]',
    )
    expect([...(frames[1] as Uint8Array)]).toEqual([
      4,
      15,
      1,
      0,
      0,
      ...new TextEncoder().encode('realtime:secretb'),
      9,
    ])
  })

  it('answers 401, 405, 415 and 422 like Supabase', async () => {
    const { core } = await setup({ authorize: () => false })
    const go = (path: string, init: RequestInit) => handleRestBroadcast(core, request(path, init))
    expect(await go('/api/broadcast', { body: '{}' })).toEqual({
      status: 401,
      body: '{"message":"Unauthorized"}',
      headers: { 'content-type': 'application/json' },
    })
    expect(await go('/api/broadcast', { headers: { apikey: 'nope' }, body: '{}' })).toMatchObject({
      status: 401,
    })
    expect(await go('/api/broadcast', { method: 'GET', headers: auth })).toMatchObject({
      status: 405,
    })
    expect(await go('/api/broadcast', { headers: auth, body: '{"messages":[]}' })).toMatchObject({
      status: 422,
      body: '{"errors":{"messages":["can\'t be blank"]}}',
    })
    expect(
      await go('/api/broadcast', { headers: auth, body: '{"messages":[{"topic":"t"}]}' }),
    ).toMatchObject({ status: 422 })
    expect(
      await go('/api/broadcast/t/events/e', {
        headers: { apikey: DEV_ANON_KEY, 'content-type': 'text/plain' },
        body: 'x',
      }),
    ).toMatchObject({ status: 415 })
    expect(await go('/api/broadcast/t/events/e', { headers: auth, body: '[1]' })).toMatchObject({
      status: 422,
    })
    expect(
      await go('/api/broadcast/t/events/e', { headers: auth, body: '{}', search: 'private=true' }),
    ).toMatchObject({ status: 401 })
    expect(await go('/api/nothing', { headers: auth })).toBeUndefined()
  })

  it('refuses payloads over the size limit', async () => {
    const { core } = await setup({ limits: { payloadBytes: 8 } })
    const big = JSON.stringify({
      messages: [{ topic: 't', event: 'e', payload: { x: 'long text' } }],
    })
    expect(
      await handleRestBroadcast(core, request('/api/broadcast', { headers: auth, body: big })),
    ).toMatchObject({ status: 422 })
    expect(
      await handleRestBroadcast(
        core,
        request('/api/broadcast/t/events/e', { headers: auth, body: '{"x":"long text"}' }),
      ),
    ).toMatchObject({ status: 422 })
  })
})
