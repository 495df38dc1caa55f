/**
 * A TCP proxy for tests that need a network to fail silently: while `blackhole` is on, bytes in
 * both directions are dropped and closes are not passed on, so neither side learns anything, as
 * when a laptop lid shuts. New connections made meanwhile are reset (the network is down).
 */

import type { AddressInfo } from 'node:net'
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface TestProxy {
  readonly port: number
  blackhole(on: boolean): void
  close(): Promise<void>
}

export async function startProxy(targetPort: number, host = '127.0.0.1'): Promise<TestProxy> {
  let dropping = false
  const sockets = new Set<Socket>()
  const pipe = (client: Socket) => {
    const upstream = connect(targetPort, host)
    sockets.add(upstream)
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk: Buffer) => {
        if (!dropping) to.write(chunk)
      })
      from.on('end', () => {
        if (!dropping) to.end()
      })
      from.on('close', () => sockets.delete(from))
      from.on('error', () => from.destroy())
    }
    forward(client, upstream)
    forward(upstream, client)
  }
  const server: Server = createServer((client) => {
    if (dropping) {
      client.resetAndDestroy()
      return
    }
    sockets.add(client)
    pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, host, resolve))
  return {
    port: (server.address() as AddressInfo).port,
    blackhole(on) {
      dropping = on
    },
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
