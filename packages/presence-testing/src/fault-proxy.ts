/**
 * `createFaultProxy`: a TCP proxy in front of one target (Postgres, Redis, a WebSocket server,
 * anything on TCP) that a test can break on purpose: `stall()` keeps accepting connections but
 * forwards no bytes either way (a silent network, not a refused one), `resume()` forwards again
 * (what was held goes through in order), `latency(ms)` delays every chunk, `dropAll()` destroys
 * every open connection, and `blackHole()` accepts new connections that are never answered (a load
 * balancer whose backend hangs: a WebSocket upgrade sent into it waits forever), while the
 * connections already open keep working. Node-only (`/fault-proxy` entry).
 *
 * Invariants: the port is chosen by the OS and known once the promise resolves; bytes on a
 * forwarded connection are never reordered or dropped except by `dropAll()`; a connection accepted
 * into the black hole is never forwarded, not even after `resume()` (its bytes are discarded, it
 * stays open and silent until its client gives up, `dropAll()` or `close()`); `close()` ends every
 * connection and the listener, and is idempotent.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export interface FaultProxyOptions {
  readonly target: { readonly host: string; readonly port: number }
  /** Address to listen on. Default 127.0.0.1. */
  readonly host?: string
}

export interface FaultProxy {
  readonly host: string
  readonly port: number
  /** Accept, but forward nothing, until `resume()`. */
  stall(): void
  /**
   * From now on, accept new connections but never connect them to the target and never answer
   * them, until `resume()`. Connections open before keep forwarding; those accepted meanwhile stay
   * silent for good (a WebSocket upgrade sent into one is never answered).
   */
  blackHole(): void
  /** Ends a stall (held bytes go through in order) and a black hole (for new connections). */
  resume(): void
  /** Delay each chunk by `ms` (0: none). */
  latency(ms: number): void
  /** Destroy every open connection (both sides), black-holed ones too. New ones are accepted. */
  dropAll(): void
  /** Connections open now, black-holed ones included. */
  connections(): number
  /** Connections open now that were accepted into the black hole. */
  blackHoled(): number
  close(): Promise<void>
}

interface Pipe {
  readonly client: Socket
  /** Absent for a connection accepted into the black hole. */
  readonly upstream?: Socket
}

export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const host = options.host ?? '127.0.0.1'
  const pipes = new Set<Pipe>()
  let stalled = false
  let blackHoling = false
  let delayMs = 0
  // Deliveries held while stalled, every connection's, in arrival order.
  const held: Array<() => void> = []

  const forward = (from: Socket, to: Socket) => {
    // When this direction's last delayed chunk is due: a chunk is never due before it, so
    // lowering the latency mid-stream cannot reorder bytes.
    let lastDue = 0
    from.on('data', (chunk: Buffer) => {
      const send = () => {
        if (!to.destroyed) to.write(chunk)
      }
      const deliver = () => {
        const due = Math.max(Date.now() + delayMs, lastDue)
        if (due <= Date.now()) return send()
        lastDue = due
        setTimeout(send, due - Date.now())
      }
      if (stalled) held.push(deliver)
      else deliver()
    })
  }

  const server: Server = createServer((client) => {
    if (blackHoling) {
      // Read and discard, so the client's writes never block; answer nothing, ever.
      const pipe: Pipe = { client }
      pipes.add(pipe)
      client.resume()
      const end = () => {
        pipes.delete(pipe)
        client.destroy()
      }
      client.on('error', end).on('close', end)
      return
    }
    const upstream = connect(options.target.port, options.target.host)
    const pipe: Pipe = { client, upstream }
    pipes.add(pipe)
    const end = () => {
      pipes.delete(pipe)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    forward(client, upstream)
    forward(upstream, client)
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve())
  })
  const address = server.address()
  if (address === null || typeof address === 'string')
    throw new Error('fault proxy: no TCP address after listen')
  let closed: Promise<void> | undefined

  const dropAll = () => {
    held.length = 0
    for (const { client, upstream } of pipes) {
      client.destroy()
      upstream?.destroy()
    }
    pipes.clear()
  }

  return {
    host,
    port: address.port,
    stall() {
      stalled = true
    },
    blackHole() {
      blackHoling = true
    },
    resume() {
      stalled = false
      blackHoling = false
      for (const deliver of held.splice(0)) deliver()
    },
    latency(ms) {
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`latency needs a finite ms >= 0, got ${ms}`)
      delayMs = ms
    },
    dropAll,
    connections: () => pipes.size,
    blackHoled: () => [...pipes].filter((p) => p.upstream === undefined).length,
    close() {
      closed ??= new Promise<void>((resolve) => {
        dropAll()
        server.close(() => resolve())
      })
      return closed
    },
  }
}
