/**
 * The fault proxy against a local echo server: forwards, holds bytes while stalled and delivers
 * them in order on resume, drops every connection, and closes idempotently.
 */
import { once } from 'node:events'
import { connect, createServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createFaultProxy, type FaultProxy } from './fault-proxy.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function echo(): Promise<number> {
  const server = createServer((s) => s.pipe(s))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(() => new Promise((r) => server.close(() => r())))
  return (server.address() as { port: number }).port
}

async function through(proxy: FaultProxy): Promise<Socket> {
  const socket = connect(proxy.port, proxy.host)
  await once(socket, 'connect')
  cleanups.push(async () => {
    socket.destroy()
  })
  return socket
}

function read(socket: Socket, bytes: number): Promise<string> {
  return new Promise((resolve) => {
    let got = ''
    const onData = (chunk: Buffer) => {
      got += chunk.toString()
      if (got.length >= bytes) {
        socket.off('data', onData)
        resolve(got)
      }
    }
    socket.on('data', onData)
  })
}

describe('createFaultProxy', () => {
  it('forwards, holds while stalled, and delivers in order on resume', async () => {
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: await echo() } })
    cleanups.push(() => proxy.close())
    expect(proxy.port).toBeGreaterThan(0)
    const socket = await through(proxy)
    socket.write('ab')
    expect(await read(socket, 2)).toBe('ab')
    proxy.stall()
    let got = ''
    socket.on('data', (c: Buffer) => {
      got += c.toString()
    })
    socket.write('cd')
    socket.write('ef')
    // Silence cannot be observed without waiting; what is checked is that nothing held is lost or
    // reordered. The presence-server integration test observes the stall (its 503s).
    proxy.resume()
    await new Promise<void>((resolve) => {
      const check = () => (got.length >= 4 ? resolve() : setImmediate(check))
      check()
    })
    expect(got).toBe('cdef')
    expect(proxy.connections()).toBe(1)
  })

  it('adds latency, drops every connection, and closes idempotently', async () => {
    const proxy = await createFaultProxy({ target: { host: '127.0.0.1', port: await echo() } })
    proxy.latency(5)
    const socket = await through(proxy)
    socket.write('x')
    expect(await read(socket, 1)).toBe('x')
    expect(() => proxy.latency(-1)).toThrow(RangeError)
    proxy.latency(0)
    const closed = once(socket, 'close')
    proxy.dropAll()
    await closed
    expect(proxy.connections()).toBe(0)
    await proxy.close()
    await proxy.close()
  })
})
