/**
 * Node's http server in front of the handlers, on loopback: requests and responses round-trip,
 * an oversized upload is refused before the handler runs, and a failing handler gives a 500.
 */
import { request as httpRequest } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { testServer, tokenFor } from '../../test/support.js'
import { type RunningServer, servePresence, toNodeListener } from './node-adapter.js'

let running: RunningServer | undefined
afterEach(async () => {
  await running?.close()
  running = undefined
})

/** Posts `size` bytes in chunks without Content-Length (chunked). */
function postChunked(url: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST' }, (res) => {
      let body = ''
      res.on('data', (c) => {
        body += c
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    const chunk = Buffer.alloc(1_024, 'x')
    for (let sent = 0; sent < size; sent += chunk.length) req.write(chunk)
    req.end()
  })
}

describe('servePresence / toNodeListener', () => {
  it('serves the handlers over http', async () => {
    const server = testServer()
    running = await servePresence(server.handlers)
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const token = await tokenFor('u-ana', server.clock)
    const post = await fetch(`${running.url}/presence/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'busy', customStatus: { text: 'On set 📸' } }),
    })
    expect(post.status).toBe(200)
    expect(post.headers.get('ratelimit-remaining')).toBe('9')
    expect((await post.json()).presence.customStatus).toEqual({ text: 'On set 📸' })
    const health = await fetch(`${running.url}/health`)
    expect(await health.json()).toMatchObject({ status: 'ok' })
    const beat = await fetch(`${running.url}/presence/heartbeat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(beat.status).toBe(204)
  })

  it('refuses an upload over the limit with 413 before the handler runs', async () => {
    let called = 0
    running = await servePresence(
      async () => {
        called++
        return new Response('ok')
      },
      { maxBodyBytes: 4_096 },
    )
    const response = await postChunked(`${running.url}/presence/status`, 64 * 1_024)
    expect(response.status).toBe(413)
    expect(JSON.parse(response.body).error.code).toBe('PRESENCE_PAYLOAD_TOO_LARGE')
    expect(called).toBe(0)
  })

  it('answers 500 PRESENCE_INTERNAL when a handler throws', async () => {
    running = await servePresence(async () => {
      throw new Error('boom')
    })
    const response = await fetch(`${running.url}/x`)
    expect(response.status).toBe(500)
    expect(await response.json()).toEqual({
      error: { code: 'PRESENCE_INTERNAL', message: 'Internal error' },
    })
  })

  it('is a plain (req, res) listener', () => {
    expect(toNodeListener(testServer().handlers)).toHaveLength(2)
  })
})
