/**
 * Node's http server in front of the Web-standard handlers: an IncomingMessage becomes a Request
 * (the body read up to a bound, so an oversized upload is refused without buffering it), and the
 * Response is written back. Node-only: imported through `@wedsync/presence-server/node`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { errorResponse, PresenceServerError } from '../errors.js'
import { DEFAULT_MAX_BODY_BYTES } from './bodies.js'
import type { Handler, PresenceHandlers } from './create-handlers.js'

export interface NodeListenerOptions {
  /** Bodies above this get 413 before the handler runs. Default 16 KB. */
  readonly maxBodyBytes?: number
}

export type NodeListener = (req: IncomingMessage, res: ServerResponse) => void

const handlerOf = (h: Handler | PresenceHandlers): Handler =>
  typeof h === 'function' ? h : h.fetch

/** Reads the body; resolves undefined (and stops reading) past `max` bytes. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let total = 0
    let done = false
    req.on('data', (chunk: Buffer) => {
      if (done) return
      total += chunk.length
      if (total > max) {
        done = true
        resolve(undefined)
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks, total))
    })
    req.on('error', reject)
  })
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, key) => {
    headers[key] = value
  })
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined
  res.writeHead(response.status, headers)
  res.end(body)
}

/** A `(req, res)` listener for `http.createServer` (or Express/Fastify's raw handlers). */
export function toNodeListener(
  handlers: Handler | PresenceHandlers,
  options: NodeListenerOptions = {},
): NodeListener {
  const handler = handlerOf(handlers)
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  return (req, res) => {
    void (async () => {
      try {
        const method = req.method ?? 'GET'
        const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`
        const headers = new Headers()
        for (let i = 0; i + 1 < req.rawHeaders.length; i += 2)
          headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!)
        let body: Buffer | undefined
        if (method !== 'GET' && method !== 'HEAD') {
          body = await readBody(req, max)
          if (body === undefined) {
            res.setHeader('connection', 'close')
            await send(
              res,
              errorResponse(
                new PresenceServerError(
                  'PRESENCE_PAYLOAD_TOO_LARGE',
                  `Body larger than ${max} bytes`,
                ),
              ),
            )
            req.resume()
            return
          }
        }
        const request = new Request(url, {
          method,
          headers,
          ...(body?.length ? { body: new Uint8Array(body) } : {}),
        })
        await send(res, await handler(request))
      } catch (error) {
        if (!res.headersSent) await send(res, errorResponse(error)).catch(() => res.destroy())
        else res.destroy()
      }
    })()
  }
}

export interface ServeOptions extends NodeListenerOptions {
  /** Default 0: any free port. */
  readonly port?: number
  /** Default 127.0.0.1. */
  readonly host?: string
  /**
   * Pending-connection queue. Default 4,096 (Node's is 511): when more clients connect at once
   * than the queue holds — everyone reconnecting after a deploy — the kernel drops their SYNs and
   * they retry only after a second. The kernel caps it at net.core.somaxconn.
   */
  readonly backlog?: number
}

export interface RunningServer {
  readonly server: Server
  /** E.g. http://127.0.0.1:54321 */
  readonly url: string
  close(): Promise<void>
}

/** Starts an http server for the handlers; resolves once it listens. */
export function servePresence(
  handlers: Handler | PresenceHandlers,
  options: ServeOptions = {},
): Promise<RunningServer> {
  const server = createServer(toNodeListener(handlers, options))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    const listen = {
      port: options.port ?? 0,
      host: options.host ?? '127.0.0.1',
      backlog: options.backlog ?? 4_096,
    }
    server.listen(listen, () => {
      server.off('error', reject)
      const { address, port } = server.address() as AddressInfo
      const host = address.includes(':') ? `[${address}]` : address
      resolve({
        server,
        url: `http://${host}:${port}`,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()))
            server.closeAllConnections()
          }),
      })
    })
  })
}
