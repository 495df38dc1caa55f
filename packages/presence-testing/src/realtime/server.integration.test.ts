import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { DEV_ANON_KEY } from './options.js'
import { type RealtimeServer, startRealtimeServer } from './server.js'

const servers: RealtimeServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
})

async function start(options: Parameters<typeof startRealtimeServer>[0] = {}) {
  const server = await startRealtimeServer(options)
  servers.push(server)
  return server
}

/** The HTTP answer to a WebSocket upgrade request (a refused handshake). */
function upgrade(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; type: string | undefined }>(
    (resolve, reject) => {
      const req = httpRequest(url, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
          ...headers,
        },
      })
      req.on('response', (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString()
        })
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }),
        )
      })
      req.on('upgrade', (res, socket) => {
        socket.destroy()
        resolve({ status: res.statusCode ?? 101, body: '', type: undefined })
      })
      req.on('error', reject)
      req.end()
    },
  )
}

/** A raw ws client that collects the frames it receives. */
async function connect(url: string) {
  const socket = new WebSocket(url)
  const frames: string[] = []
  const waiters: (() => void)[] = []
  socket.on('message', (data: Buffer, binary: boolean) => {
    frames.push(binary ? `binary:${data.toString('hex')}` : data.toString())
    for (const w of waiters.splice(0)) w()
  })
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  return {
    socket,
    frames,
    async next(count: number): Promise<string[]> {
      while (frames.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
      return frames.splice(0, count)
    },
  }
}

describe('startRealtimeServer', () => {
  it('refuses handshakes with the status and JSON body Supabase uses', async () => {
    const server = await start()
    const ws = `http://127.0.0.1:${server.port}`
    expect(await upgrade(`${ws}/socket/websocket?vsn=2.0.0`)).toEqual({
      status: 401,
      body: '{"error":"API key is missing"}',
      type: 'application/json',
    })
    expect(await upgrade(`${ws}/realtime/v1/websocket?apikey=wrong`)).toMatchObject({
      status: 401,
      body: '{"error":"The token provided is not a valid JWT"}',
    })
    expect(await upgrade(`${ws}/socket/websocket?apikey=x&vsn=3.0.0`)).toMatchObject({
      status: 403,
      body: '',
    })
    expect(await upgrade(`${ws}/elsewhere/websocket`)).toMatchObject({ status: 404 })
    expect(await upgrade(`${ws}/socket/websocket`, { 'x-api-key': DEV_ANON_KEY })).toMatchObject({
      status: 101,
    })
    expect(await upgrade(`${ws}/socket/websocket`, { apikey: DEV_ANON_KEY })).toMatchObject({
      status: 101,
    })
    expect(server.stats().refusedHandshakes).toBe(3)
  })

  it('speaks vsn 1.0.0 when vsn is absent and 2.0.0 when asked, on both paths', async () => {
    const server = await start()
    const v1 = await connect(`${server.socketUrl}/websocket?apikey=${DEV_ANON_KEY}`)
    v1.socket.send('{"topic":"phoenix","event":"heartbeat","payload":{},"ref":"1"}')
    expect(await v1.next(1)).toEqual([
      '{"event":"phx_reply","payload":{"status":"ok","response":{}},"ref":"1","topic":"phoenix"}',
    ])
    const v2 = await connect(
      `ws://127.0.0.1:${server.port}/realtime/v1/websocket?apikey=${DEV_ANON_KEY}&vsn=2.0.0`,
    )
    v2.socket.send('["1","1","realtime:r","phx_join",{"config":{"broadcast":{"self":true}}}]')
    expect(await v2.next(1)).toHaveLength(1)
    v2.socket.send(Buffer.from([3, 1, 1, 10, 1, 0, 1, ...Buffer.from('11realtime:re{}')]))
    expect(await v2.next(1)).toEqual([
      `binary:${Buffer.from([4, 10, 1, 0, 1, ...Buffer.from('realtime:re{}')]).toString('hex')}`,
    ])
    expect(server.stats()).toMatchObject({ connections: 2, channels: 1 })
    v1.socket.close()
    v2.socket.close()
  })

  it('serves REST broadcast with CORS, and 400/404 for what it does not serve', async () => {
    const server = await start()
    const member = await connect(`${server.socketUrl}/websocket?apikey=${DEV_ANON_KEY}&vsn=2.0.0`)
    member.socket.send('["1","1","realtime:room","phx_join",{}]')
    await member.next(1)
    const response = await fetch(`${server.url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { apikey: DEV_ANON_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 'room', event: 'e', payload: { a: 1 } }] }),
    })
    expect(response.status).toBe(202)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(await member.next(1)).toEqual([
      '[null,null,"realtime:room","broadcast",{"type":"broadcast","event":"e","payload":{"a":1}}]',
    ])
    const preflight = await fetch(`${server.url}/api/broadcast`, { method: 'OPTIONS' })
    expect(preflight.status).toBe(204)
    expect((await fetch(`${server.url}/socket/websocket`)).status).toBe(400)
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404)
    member.socket.close()
  })

  it('closes sockets with 1012 on stop and listens again on the same port after restart', async () => {
    const server = await start()
    const client = await connect(`${server.socketUrl}/websocket?apikey=${DEV_ANON_KEY}`)
    const closed = new Promise<number>((resolve) => client.socket.once('close', resolve))
    await server.restart()
    expect(await closed).toBe(1012)
    const again = await connect(`${server.socketUrl}/websocket?apikey=${DEV_ANON_KEY}`)
    expect(server.stats().connections).toBe(1)
    again.socket.close()
  })

  it('closes a socket that sends a frame over the size limit with 1009', async () => {
    const server = await start({ limits: { frameBytes: 64 } })
    const client = await connect(`${server.socketUrl}/websocket?apikey=${DEV_ANON_KEY}`)
    const closed = new Promise<number>((resolve) => client.socket.once('close', resolve))
    client.socket.send('x'.repeat(100))
    expect(await closed).toBe(1009)
  })
})
