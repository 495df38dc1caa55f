import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { describeConformance } from '../../test/realtime/test-conformance.js'
import { realtimeHandlers } from './msw-handlers.js'
import { DEV_ANON_KEY } from './options.js'

// Node 20 has no global WebSocket; msw intercepts the global one, so give it one to wrap (it is
// never used to open a real connection: the handlers answer every socket in process).
Object.defineProperty(globalThis, 'WebSocket', {
  value: WebSocket,
  configurable: true,
  writable: true,
})
const msw = setupServer()
beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }))
afterAll(() => msw.close())

let hosts = 0

describeConformance({
  name: 'msw handlers',
  realSockets: false,
  async start(options) {
    const url = `http://realtime-${++hosts}.test`
    const realtime = realtimeHandlers({ ...options, url })
    msw.use(...realtime)
    return {
      target: {
        url,
        socketUrl: `ws://realtime-${hosts}.test/socket`,
        transport: globalThis.WebSocket,
      },
      stats: () => realtime.stats(),
      async restart() {
        realtime.restart()
      },
      async stop() {
        realtime.restart()
      },
    }
  },
})

describe('msw handlers: handshake', () => {
  const closeOf = (url: string) =>
    new Promise<{ code: number; reason: string }>((resolve) => {
      const socket = new globalThis.WebSocket(url)
      socket.addEventListener('close', (event) =>
        resolve({ code: event.code, reason: event.reason }),
      )
    })

  it('closes a refused socket with 3000 + the status and the JSON body as the reason', async () => {
    const realtime = realtimeHandlers({ url: 'http://refusals.test' })
    msw.use(...realtime)
    expect(await closeOf('ws://refusals.test/socket/websocket?vsn=2.0.0')).toEqual({
      code: 3000,
      reason: '{"error":"API key is missing"}',
    })
    expect(
      await closeOf(`ws://refusals.test/socket/websocket?apikey=${DEV_ANON_KEY}&vsn=9.0.0`),
    ).toEqual({
      code: 3003,
      reason: '',
    })
    expect(realtime.stats().refusedHandshakes).toBe(2)
  })
})
