// Presence webhooks end to end: a receiver that checks the Standard Webhooks signature and
// handles each webhook-id once, and the server side that sends to it.
//   pnpm build && node examples/webhook-receiver.mjs
// The server side keeps its outbox in memory here; in production use createSqlWebhookStore on
// Postgres (the outbox survives restarts, several instances share it) and an https URL.
import { once } from 'node:events'
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import {
  createMemoryWebhookStore,
  createWebhookWorker,
  signWebhook,
  webhookEndpoint,
} from '@wedsync/presence-coordination'
import { createMemoryStore, createPresenceHandlers } from '@wedsync/presence-server'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'

// ── The receiver: your app's endpoint ─────────────────────────────────────────────────────────
// Reads the raw body (the signature covers the bytes as sent), verifies it, answers 2xx quickly,
// and takes webhook-id as the idempotency key: a retry or a replay of an event it has handled is
// acknowledged and not handled again.
export function presenceWebhookListener({ secret, onEvent }) {
  const webhook = new Webhook(secret) // whsec_…, shown once when the subscription was made
  const handled = new Set() // in production: a table with a unique key on webhook-id
  return async (request, response) => {
    const chunks = []
    for await (const chunk of request) chunks.push(chunk)
    const body = Buffer.concat(chunks).toString('utf8')
    let event
    try {
      event = webhook.verify(body, request.headers)
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error
      response.writeHead(400).end()
      return
    }
    const id = request.headers['webhook-id']
    if (!handled.has(id)) {
      handled.add(id)
      onEvent(event)
    }
    response.writeHead(204).end()
  }
}

// ── The round trip ────────────────────────────────────────────────────────────────────────────
export async function main() {
  const log = []

  // The server: presence handlers with the webhooks extension, and a delivery worker.
  const store = createMemoryWebhookStore()
  const worker = createWebhookWorker({ store })
  const handlers = createPresenceHandlers({
    store: createMemoryStore(),
    // Your authentication goes here; in this example the caller names themself.
    authenticate: async (request) => ({ userId: request.headers.get('x-user'), claims: {} }),
    extensions: [
      // The receiver is on this machine: allowed here only, the default refuses local hosts.
      webhookEndpoint({ store, worker, urlPolicy: { allowPrivateNetworks: true } }),
    ],
  })
  const call = async (userId, method, path, body) => {
    const response = await handlers.fetch(
      new Request(`http://presence.local${path}`, {
        method,
        headers: { 'x-user': userId },
        body: JSON.stringify(body),
      }),
    )
    return { status: response.status, body: await response.json() }
  }

  // The receiver listens first (its URL goes into the subscription), on any free port.
  const receiver = createServer()
  receiver.listen(0, '127.0.0.1')
  await once(receiver, 'listening')
  const url = `http://127.0.0.1:${receiver.address().port}/webhooks/presence`
  worker.start()
  try {
    const created = await call('u-planner', 'POST', '/presence/webhooks', {
      url,
      events: ['presence.online', 'presence.offline', 'presence.custom_status_changed'],
      description: 'CRM sync',
    })
    const { secret, subscription } = created.body
    log.push(`subscribed (${created.status}): ${subscription.events.join(', ')}`)
    log.push(`secret shown once: ${secret.slice(0, 6)}…`)

    // Each event the receiver handles settles the wait for it.
    const waiting = []
    receiver.on(
      'request',
      presenceWebhookListener({
        secret,
        onEvent: (event) => {
          const custom = event.data.customStatus ? `: ${event.data.customStatus.text}` : ''
          waiting.shift()?.(`${event.type} ${event.data.userId} (${event.data.status})${custom}`)
        },
      }),
    )
    const nextEvent = () => new Promise((resolve) => waiting.push(resolve))

    // The photographer comes online, sets a custom status while busy, then goes offline.
    for (const update of [
      { status: 'online' },
      { status: 'busy', customStatus: { text: 'Shooting the ceremony', emoji: '📸' } },
      { status: 'offline', customStatus: null },
    ]) {
      const event = nextEvent()
      await call('u-photo', 'POST', '/presence/status', update)
      log.push(await event)
    }

    // What a retry of a handled event and a forged body get from the receiver.
    const body = JSON.stringify({ type: 'presence.online', data: { userId: 'u-photo' } })
    const headers = signWebhook(secret, 'msg_demo', Date.now(), body)
    const send = (text) => fetch(url, { method: 'POST', headers, body: text }).then((r) => r.status)
    log.push(`first delivery of msg_demo: ${await send(body)}`)
    log.push(`the same event again: ${await send(body)} (handled once)`)
    log.push(`a tampered body: ${await send(body.replace('u-photo', 'u-ghost'))}`)
  } finally {
    await worker.stop()
    receiver.closeAllConnections()
    receiver.close()
  }
  return log
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  for (const line of await main()) console.log(line)
