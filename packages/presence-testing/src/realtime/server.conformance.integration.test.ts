import WebSocket from 'ws'
import { describeConformance } from '../../test/realtime/test-conformance.js'
import { startProxy } from '../../test/realtime/test-proxy.js'
import { startRealtimeServer } from './server.js'

describeConformance({
  name: 'ws server',
  realSockets: true,
  async start(options) {
    const server = await startRealtimeServer(options)
    const target = { url: server.url, socketUrl: server.socketUrl, transport: WebSocket }
    return {
      target,
      stats: () => server.stats(),
      restart: () => server.restart(),
      stop: () => server.stop(),
      async proxied() {
        const proxy = await startProxy(server.port)
        const base = `127.0.0.1:${proxy.port}`
        return {
          proxy,
          target: { url: `http://${base}`, socketUrl: `ws://${base}/socket`, transport: WebSocket },
        }
      },
    }
  },
})
