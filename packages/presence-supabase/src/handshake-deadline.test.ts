/**
 * The handshake deadline on a fake socket and a fake clock (a socket still connecting at the
 * deadline is closed, one that opened or closed is left alone), on a real `ws` socket whose
 * upgrade a silent TCP server never answers (it closes with 1006, which realtime-js reconnects
 * after), and as `createPresenceSupabaseClient` applies it.
 */
import { once } from 'node:events'
import { createServer, type Socket } from 'node:net'
import { createFakeClock } from '@wedsync/presence-testing'
import { afterEach, describe, expect, it, vi } from 'vitest'
import WebSocket from 'ws'
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  type HandshakeSocket,
  withHandshakeDeadline,
} from './handshake-deadline.js'
import { presenceSupabaseClientOptions } from './supabase-client.js'

const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  vi.unstubAllGlobals()
})

/** A socket that opens or closes when the test says so, with the WHATWG states and events. */
class FakeSocket implements HandshakeSocket {
  static readonly OPEN = 1
  static readonly made: FakeSocket[] = []
  readyState = 0
  closes = 0
  private readonly listeners = new Map<string, Array<() => void>>()
  constructor(
    readonly url: string | URL,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.made.push(this)
  }
  addEventListener(type: string, listener: () => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener])
  }
  private emit(type: string) {
    for (const listener of this.listeners.get(type) ?? []) listener()
  }
  open() {
    this.readyState = 1
    this.emit('open')
  }
  close() {
    this.closes++
    this.readyState = 3
    this.emit('close')
  }
}

describe('withHandshakeDeadline', () => {
  it('closes a socket still connecting at the deadline, not a moment before', async () => {
    const clock = createFakeClock()
    const Deadlined = withHandshakeDeadline(FakeSocket, { timeoutMs: 5_000, scheduler: clock })
    const socket = new Deadlined('ws://example/socket', ['phoenix'])
    // The base's own socket, made with the same arguments.
    expect(socket).toBeInstanceOf(FakeSocket)
    expect(socket.url).toBe('ws://example/socket')
    expect(socket.protocols).toEqual(['phoenix'])
    await clock.advance(4_999)
    expect(socket.closes).toBe(0)
    await clock.advance(1)
    expect(socket.closes).toBe(1)
    expect(clock.pending()).toBe(0)
  })

  it('leaves a socket that opened or closed in time alone, its timer cancelled', async () => {
    const clock = createFakeClock()
    const Deadlined = withHandshakeDeadline(FakeSocket, { scheduler: clock })
    const opened = new Deadlined('ws://example/a')
    const closed = new Deadlined('ws://example/b')
    expect(clock.pending()).toBe(2)
    opened.open()
    closed.close()
    expect(clock.pending()).toBe(0)
    await clock.advance(DEFAULT_HANDSHAKE_TIMEOUT_MS * 2)
    expect(opened.closes).toBe(0)
    expect(closed.closes).toBe(1) // its own close only
  })

  it('keeps the statics and name, never wraps twice, and refuses a useless timeout', () => {
    const Deadlined = withHandshakeDeadline(FakeSocket)
    expect(Deadlined.OPEN).toBe(1)
    expect(Deadlined.name).toBe('FakeSocket')
    expect(withHandshakeDeadline(Deadlined)).toBe(Deadlined)
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => withHandshakeDeadline(FakeSocket, { timeoutMs })).toThrow(/handshake timeout/)
  })

  it('ends a real ws handshake that is never answered: closed 1006, as realtime-js expects', async () => {
    // Accepts the TCP connection, reads the upgrade request, answers nothing.
    const accepted: Socket[] = []
    const silent = createServer((socket) => {
      accepted.push(socket)
      socket.resume()
    })
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    cleanups.push(() => new Promise((resolve) => silent.close(resolve)))
    cleanups.push(() => {
      for (const socket of accepted) socket.destroy()
    })
    const { port } = silent.address() as { port: number }
    const clock = createFakeClock()
    const Deadlined = withHandshakeDeadline(WebSocket, { scheduler: clock })
    const socket = new Deadlined(`ws://127.0.0.1:${port}/socket/websocket`)
    // Listeners, not events.once: once(socket, 'close') would reject on the 'error' that precedes it.
    const errors: Error[] = []
    socket.on('error', (error) => errors.push(error))
    const closed = new Promise<number>((resolve) => socket.on('close', resolve))
    await once(silent, 'connection')
    expect(socket.readyState).toBe(WebSocket.CONNECTING)
    await clock.advance(DEFAULT_HANDSHAKE_TIMEOUT_MS)
    expect(await closed).toBe(1006)
    expect(errors.map((e) => e.message)).toEqual([
      'WebSocket was closed before the connection was established',
    ])
    expect(socket.readyState).toBe(WebSocket.CLOSED)
  })
})

describe('presenceSupabaseClientOptions: the handshake deadline', () => {
  const transportOf = (options: ReturnType<typeof presenceSupabaseClientOptions>) =>
    options.realtime?.transport as unknown as typeof FakeSocket | undefined

  it("wraps the app's transport, and leaves it as it is with handshakeTimeoutMs: false", () => {
    const wrapped = transportOf(
      presenceSupabaseClientOptions({ realtime: { transport: FakeSocket as never } }),
    )
    expect(wrapped).not.toBe(FakeSocket)
    expect(wrapped?.name).toBe('FakeSocket')
    const kept = transportOf(
      presenceSupabaseClientOptions({
        realtime: { transport: FakeSocket as never },
        handshakeTimeoutMs: false,
      }),
    )
    expect(kept).toBe(FakeSocket)
  })

  it('wraps the global WebSocket when the app passes none, and needs none to exist', () => {
    vi.stubGlobal('WebSocket', FakeSocket)
    const options = presenceSupabaseClientOptions({ handshakeTimeoutMs: 3_000 })
    expect(transportOf(options)?.name).toBe('FakeSocket')
    expect(options).not.toHaveProperty('handshakeTimeoutMs') // ours, not supabase-js's
    vi.stubGlobal('WebSocket', undefined)
    expect(transportOf(presenceSupabaseClientOptions({}))).toBeUndefined()
  })
})
