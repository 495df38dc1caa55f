import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { EncodedFrame } from './frames.js'
import { OutboxFlusher, SocketOutbox } from './socket-outbox.js'

describe('socket outbox', () => {
  it('writes the frames of one turn in one write, each framed once', async () => {
    const socket = new PassThrough()
    const writes: Buffer[] = []
    socket.on('data', (chunk: Buffer) => writes.push(chunk))
    const flusher = new OutboxFlusher()
    const outbox = new SocketOutbox(socket, flusher, 1 << 20, () => {})
    const shared: EncodedFrame = { data: 'ab' }
    outbox.send(shared)
    outbox.send({ data: new Uint8Array([1]) })
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes.map((w) => [...w])).toEqual([[0x81, 2, 0x61, 0x62, 0x82, 1, 1]])
    expect([...(shared.wire as Buffer)]).toEqual([0x81, 2, 0x61, 0x62])
    outbox.send(shared)
    flusher.flush()
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes.map((w) => [...w])[1]).toEqual([0x81, 2, 0x61, 0x62])
  })

  it('reports a socket whose unsent bytes pass the limit, and skips destroyed sockets', () => {
    const socket = new PassThrough({ highWaterMark: 1 })
    let overflowed = 0
    const flusher = new OutboxFlusher()
    const outbox = new SocketOutbox(socket, flusher, 4, () => overflowed++)
    outbox.send({ data: 'hello world' })
    flusher.flush()
    expect(overflowed).toBe(1)
    socket.destroy()
    outbox.send({ data: 'x' })
    flusher.flush()
    expect(overflowed).toBe(1)
  })
})
