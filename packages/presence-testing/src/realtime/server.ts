/**
 * `startRealtimeServer`: the protocol core over node:http and ws. WebSocket endpoints
 * `/socket/websocket` and `/realtime/v1/websocket`; REST broadcast under `/api` and
 * `/realtime/v1/api`. Handshake refusals are HTTP answers with Supabase's status and JSON body.
 * Frames go out pre-framed and coalesced per socket per event-loop turn.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { RealtimeOptions } from './options.js'
import type { ConnectionHandle, RealtimeCore } from './realtime-core.js'
import { createRealtimeCore } from './realtime-core.js'
import { handleRestBroadcast } from './rest-broadcast.js'
import { OutboxFlusher, SocketOutbox } from './socket-outbox.js'
import type { RealtimeStats } from './stats.js'

export interface RealtimeServerOptions extends RealtimeOptions {
  /** TCP port; 0 (the default) picks a free one. */
  readonly port?: number
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host?: string
}

export interface RealtimeServer {
  /** HTTP base URL, what `createClient(url, key)` takes: `http://127.0.0.1:<port>`. */
  readonly url: string
  /** Endpoint for `new RealtimeClient(socketUrl, …)`: `ws://127.0.0.1:<port>/socket`. */
  readonly socketUrl: string
  readonly port: number
  stats(): RealtimeStats
  /** Closes every socket (1012, service restart), then stops listening. All state is lost. */
  stop(): Promise<void>
  /** `stop()`, then listens again on the same port with empty state, as a restarted server. */
  restart(): Promise<void>
}

const WEBSOCKET_PATHS = new Set(['/socket/websocket', '/realtime/v1/websocket'])
const CLOSE_SERVICE_RESTART = 1012
/** Unsent bytes per socket past which a client that does not read is dropped. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, apikey, x-api-key, content-type, x-client-info',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
}

export async function startRealtimeServer(
  options: RealtimeServerOptions = {},
): Promise<RealtimeServer> {
  const host = options.host ?? '127.0.0.1'
  let instance = await listen(options, host, options.port ?? 0)
  const port = instance.port
  const base = `${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    url: `http://${base}`,
    socketUrl: `ws://${base}/socket`,
    port,
    stats: () => instance.core.stats(),
    stop: () => instance.stop(),
    async restart() {
      await instance.stop()
      instance = await listen(options, host, port)
    },
  }
}

interface Instance {
  readonly core: RealtimeCore
  readonly port: number
  stop(): Promise<void>
}

async function listen(
  options: RealtimeServerOptions,
  host: string,
  port: number,
): Promise<Instance> {
  const core = createRealtimeCore(options)
  const flusher = new OutboxFlusher()
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: core.limits.frameBytes,
  })
  const sockets = new Set<Duplex>()
  const server: Server = createServer((request, response) => {
    void serveHttp(core, request, response).catch((error: unknown) => {
      options.onError?.(error)
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    void upgrade(core, wss, flusher, request, socket, head).catch((error: unknown) => {
      options.onError?.(error)
      socket.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const bound = (server.address() as AddressInfo).port
  let stopping: Promise<void> | undefined
  return {
    core,
    port: bound,
    stop() {
      stopping ??= (async () => {
        core.closeAll(CLOSE_SERVICE_RESTART, 'server stopping')
        flusher.flush()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // Sockets still open after their close frame went out (or idle HTTP keep-alives).
        setImmediate(() => {
          for (const socket of sockets) socket.destroy()
        })
        await closed
        wss.close()
      })()
      return stopping
    },
  }
}

async function upgrade(
  core: RealtimeCore,
  wss: WebSocketServer,
  flusher: OutboxFlusher,
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const path = url.pathname.replace(/\/+$/, '')
  if (!WEBSOCKET_PATHS.has(path)) {
    refuse(socket, 404, '')
    return
  }
  const header = (name: string) => {
    const value = request.headers[name]
    return Array.isArray(value) ? value[0] : value
  }
  const handshake = await core.handshake({
    apiKey: header('x-api-key') ?? header('apikey') ?? url.searchParams.get('apikey') ?? undefined,
    vsn: url.searchParams.get('vsn') ?? undefined,
  })
  if (!handshake.ok) {
    refuse(socket, handshake.status, handshake.body)
    return
  }
  if (socket.destroyed) return
  wss.handleUpgrade(request, socket, head, (ws) => {
    let handle: ConnectionHandle | undefined
    const outbox = new SocketOutbox(socket, flusher, MAX_BUFFERED_BYTES, () => socket.destroy())
    handle = core.connect(
      {
        send: (frame) => outbox.send(frame),
        close(code, reason) {
          outbox.flush()
          ws.close(code, reason)
        },
      },
      handshake.info,
    )
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      handle?.receive(isBinary ? new Uint8Array(data) : data.toString('utf8'))
    })
    ws.on('close', () => {
      handle?.closed()
      handle = undefined
    })
    ws.on('error', () => ws.terminate())
  })
}

async function serveHttp(
  core: RealtimeCore,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost')
  if (request.method === 'OPTIONS') {
    response.writeHead(204, CORS_HEADERS)
    response.end()
    return
  }
  if (WEBSOCKET_PATHS.has(url.pathname.replace(/\/+$/, ''))) {
    response.writeHead(400, CORS_HEADERS) // Phoenix: not a WebSocket upgrade
    response.end()
    return
  }
  const answer = await handleRestBroadcast(core, {
    method: request.method ?? 'GET',
    pathname: url.pathname,
    searchParams: url.searchParams,
    header: (name) => {
      const value = request.headers[name.toLowerCase()]
      return Array.isArray(value) ? value[0] : value
    },
    body: () => readBody(request),
  })
  if (!answer) {
    response.writeHead(404, { ...CORS_HEADERS, 'content-type': 'application/json' })
    response.end(JSON.stringify({ message: 'Not Found' }))
    return
  }
  response.writeHead(answer.status, { ...CORS_HEADERS, ...answer.headers })
  response.end(answer.body)
}

function readBody(request: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

/** Answers a refused upgrade with an HTTP status and JSON body, then closes the socket. */
function refuse(socket: Duplex, status: number, body: string): void {
  if (socket.destroyed) return
  const length = Buffer.byteLength(body)
  const type = body === '' ? '' : 'content-type: application/json\r\n'
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${type}content-length: ${length}\r\nconnection: close\r\n\r\n${body}`,
  )
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
}
