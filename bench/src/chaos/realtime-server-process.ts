/**
 * The local Realtime server in its own process, for scenarios that SIGKILL it (no close frames,
 * every socket reset by the OS) or weigh its memory apart from the clients'. Argument: the port
 * (0 or absent: a free one). Tells its parent `{type: 'listening', url, port}`; answers `memory`
 * with `process.memoryUsage()` after a full GC and `stats` with the server's stats; on `stop`,
 * closes and exits.
 */
import { startRealtimeServer } from '@wedsync/presence-testing/server'

const server = await startRealtimeServer({ port: Number(process.argv[2] ?? 0) })
const send = (message: unknown) => process.send?.(message)
send({ type: 'listening', url: server.url, port: server.port })
process.on('message', (message: { type: string }) => {
  if (message.type === 'memory') {
    ;(globalThis as { gc?: () => void }).gc?.()
    send({ type: 'memory', usage: process.memoryUsage() })
  }
  if (message.type === 'stats') send({ type: 'stats', stats: server.stats() })
  if (message.type === 'stop') void server.stop().then(() => process.exit(0))
})
process.on('disconnect', () => process.exit(0))
