/**
 * A real webhook receiver for the tests and the bench: a node:http server on a free port of
 * 127.0.0.1 that checks every request with the Standard Webhooks library (`Webhook.verify`) and,
 * like a careful receiver, processes each `webhook-id` once. It can be told to answer 503 (an
 * outage that answers) or be closed (connection refused) and opened again on the same port.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import type { WebhookPayload } from '../src/webhooks/webhook-events.js'

export interface ReceivedRequest {
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: string
  /** The signature checked out with the path's secret. */
  readonly verified: boolean
  /** Its webhook-id was seen before (a retry after a lost answer, or a replay). */
  readonly duplicate: boolean
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port><path>`. */
  url(path: string): string
  /** The secret a path's requests are checked with. */
  trust(path: string, secret: string): void
  /** 'ok' answers 204; 'fail' answers 503. */
  mode: 'ok' | 'fail'
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[]
  /** Verified bodies, each webhook-id once, in order of first arrival. */
  readonly processed: {
    readonly id: string
    readonly path: string
    readonly payload: WebhookPayload
  }[]
  /** Stops listening: connections are refused until `open()`. */
  close(): Promise<void>
  open(): Promise<void>
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secrets = new Map<string, string>()
  const seen = new Set<string>()
  const requests: ReceivedRequest[] = []
  const processed: WebhookReceiver['processed'] = []
  let port = 0
  let server: Server | undefined

  const receiver: WebhookReceiver = {
    mode: 'ok',
    requests,
    processed,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    trust: (path, secret) => void secrets.set(path, secret),
    async close() {
      if (!server) return
      const s = server
      server = undefined
      s.closeAllConnections()
      await new Promise<void>((resolve) => s.close(() => resolve()))
    },
    async open() {
      const s = createServer(async (request, response) => {
        const body = await readBody(request)
        const path = request.url ?? '/'
        const headers = Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, String(v)]),
        )
        let payload: WebhookPayload | undefined
        let verified = false
        const secret = secrets.get(path)
        try {
          if (secret) {
            payload = new Webhook(secret).verify(body, headers) as WebhookPayload
            verified = true
          }
        } catch {}
        const id = headers['webhook-id'] ?? ''
        const duplicate = seen.has(id)
        requests.push({ path, headers, body, verified, duplicate })
        if (receiver.mode === 'fail') {
          response.writeHead(503).end()
          return
        }
        if (!verified) {
          response.writeHead(401).end()
          return
        }
        // Idempotent: a webhook-id already processed is acknowledged and not processed again.
        if (!duplicate) {
          seen.add(id)
          processed.push({ id, path, payload: payload! })
        }
        response.writeHead(204).end()
      })
      s.keepAliveTimeout = 1
      s.listen(port, '127.0.0.1')
      await once(s, 'listening')
      port = (s.address() as AddressInfo).port
      server = s
    },
  }
  await receiver.open()
  return receiver
}
