/**
 * `realtimeHandlers`: the same protocol core inside msw, so a test (Node with a global
 * WebSocket, jsdom, happy-dom or a browser) emulates Supabase Realtime in process, without a
 * port. WebSocket links for `/socket/websocket` and `/realtime/v1/websocket`, HTTP handlers for
 * the REST broadcast endpoints. A refused handshake closes the socket (there is no HTTP status to
 * answer with): code 3000 for 401, 3003 for 403, 3029 for 429, the JSON body as the reason.
 */
import { http, type RequestHandler, type WebSocketHandler, ws } from 'msw'
import type { RealtimeOptions } from './options.js'
import type { ConnectionHandle } from './realtime-core.js'
import { createRealtimeCore } from './realtime-core.js'
import { handleRestBroadcast } from './rest-broadcast.js'
import type { RealtimeStats } from './stats.js'

export interface RealtimeHandlersOptions extends RealtimeOptions {
  /** The Supabase URL clients use (http or https). Default: the CLI's `http://localhost:54321`. */
  readonly url?: string
}

/** msw handlers (spread them into `setupServer`/`setupWorker`), plus control of the core. */
export type RealtimeHandlers = Array<RequestHandler | WebSocketHandler> & {
  stats(): RealtimeStats
  /** Closes every socket with 1012 and starts over with empty state: a server restart. */
  restart(): void
}

const CLOSE_SERVICE_RESTART = 1012
/** Close codes for handshake refusals: 3000 + the last two digits of the HTTP status. */
const REFUSAL_CODE: Record<number, number> = { 401: 3000, 403: 3003, 404: 3004, 429: 3029 }

export function realtimeHandlers(options: RealtimeHandlersOptions = {}): RealtimeHandlers {
  const base = new URL(options.url ?? 'http://localhost:54321')
  const httpBase = `${base.protocol}//${base.host}`
  const wsBase = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}`
  let core = createRealtimeCore(options)

  const links = ['/socket/websocket', '/realtime/v1/websocket'].map((path) =>
    ws.link(wsBase + path).addEventListener('connection', ({ client }) => {
      const queued: (string | Uint8Array)[] = []
      let handle: ConnectionHandle | undefined
      let closed = false
      const connectionCore = core
      client.addEventListener('message', (event) => {
        const data = toFrameData(event.data)
        if (data === undefined) return
        if (handle) handle.receive(data)
        else queued.push(data)
      })
      client.addEventListener('close', () => {
        closed = true
        handle?.closed()
      })
      const url = new URL(client.url)
      void Promise.resolve(
        connectionCore.handshake({
          apiKey: url.searchParams.get('apikey') ?? undefined,
          vsn: url.searchParams.get('vsn') ?? undefined,
        }),
      ).then((handshake) => {
        if (closed) return
        if (!handshake.ok) {
          client.close(REFUSAL_CODE[handshake.status] ?? 3000, handshake.body.slice(0, 120))
          return
        }
        handle = connectionCore.connect(
          {
            send: (frame) => client.send(toSocketData(frame.data)),
            close: (code, reason) => client.close(code, reason),
          },
          handshake.info,
        )
        for (const data of queued.splice(0)) handle.receive(data)
      }, options.onError)
    }),
  )

  const rest = (path: string) =>
    http.all(httpBase + path, async ({ request }) => {
      const url = new URL(request.url)
      const answer = await handleRestBroadcast(core, {
        method: request.method,
        pathname: url.pathname,
        searchParams: url.searchParams,
        header: (name) => request.headers.get(name),
        body: async () => new Uint8Array(await request.arrayBuffer()),
      })
      if (!answer) return undefined
      return new Response(answer.body === '' ? null : answer.body, {
        status: answer.status,
        headers: answer.headers,
      })
    })

  const handlers = [
    ...links,
    ...['/api/broadcast', '/realtime/v1/api/broadcast'].flatMap((prefix) => [
      rest(prefix),
      rest(`${prefix}/:topic/events/:event`),
    ]),
  ]
  return Object.assign(handlers, {
    stats: () => core.stats(),
    restart() {
      const old = core
      core = createRealtimeCore(options)
      old.closeAll(CLOSE_SERVICE_RESTART, 'server stopping')
    },
  })
}

/** A client frame as the core takes it: text, or bytes. Blobs are not produced by realtime-js. */
function toFrameData(data: unknown): string | Uint8Array | undefined {
  if (typeof data === 'string') return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return undefined
}

/** realtime-js decodes binary frames only when they arrive as an ArrayBuffer. */
function toSocketData(data: string | Uint8Array): string | ArrayBuffer {
  if (typeof data === 'string') return data
  const copy = new Uint8Array(data.byteLength)
  copy.set(data)
  return copy.buffer
}
