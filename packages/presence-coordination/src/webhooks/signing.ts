/**
 * Signing the Standard Webhooks way, through the reference library (`standardwebhooks`, pinned):
 * secrets are `whsec_` + base64 of 32 random bytes, made here with Web Crypto (never chosen by a
 * client); each request carries `webhook-id` (the event's id: the receiver's idempotency key,
 * the same on every retry and replay), `webhook-timestamp` (seconds, the attempt's time) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). Receivers check with
 * the same library's `new Webhook(secret).verify(body, headers)`.
 */
import { Webhook } from 'standardwebhooks'

const SECRET_PREFIX = 'whsec_'
const SECRET_BYTES = 32

/** A new signing secret, `whsec_…`. */
export function generateWebhookSecret(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(SECRET_BYTES))
  let binary = ''
  for (const b of bytes) binary += String.fromCharCode(b)
  return `${SECRET_PREFIX}${btoa(binary)}`
}

/** A new event id, `msg_…` (26 characters of randomness, URL-safe). */
export function generateMessageId(): string {
  return `msg_${globalThis.crypto.randomUUID().replace(/-/g, '')}`
}

/** A new subscription id, `wh_…`. */
export function generateSubscriptionId(): string {
  return `wh_${globalThis.crypto.randomUUID().replace(/-/g, '')}`
}

export interface SignedHeaders {
  readonly 'webhook-id': string
  readonly 'webhook-timestamp': string
  readonly 'webhook-signature': string
}

/** The three Standard Webhooks headers for `body` sent as event `id` at `at` (epoch ms). */
export function signWebhook(secret: string, id: string, at: number, body: string): SignedHeaders {
  const timestamp = new Date(at)
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  }
}
