/**
 * Child process of the realtime-server bench: runs `startRealtimeServer` from the working tree
 * and answers the parent over IPC (its port, then stats on request) until told to stop.
 */
import { startRealtimeServer } from '@wedsync/presence-testing/server'

type Request = { readonly type: 'stats' } | { readonly type: 'stop' }

const server = await startRealtimeServer({ port: 0 })
process.send?.({ type: 'ready', port: server.port, url: server.url, pid: process.pid })
process.on('message', (message: Request) => {
  if (message.type === 'stats') {
    const gc = (globalThis as { gc?: () => void }).gc
    gc?.()
    process.send?.({ type: 'stats', stats: server.stats(), rss: process.memoryUsage().rss })
  } else if (message.type === 'stop') {
    void server.stop().then(() => process.exit(0))
  }
})
// Never outlive the bench.
process.on('disconnect', () => process.exit(0))
