/**
 * The demo's own delivery routes, as the notification router's hooks: nothing is sent. Each hook
 * call becomes an outbox entry — "SMS to Oskar Lindqvist (07700 900105)", "email to Sofia Marin
 * (sofia@example.com)", a push, an in-app inbox row — that the demo prints and tests read. The
 * fallback is SMS or email as the cast says for each person.
 */
import type {
  DeliveryContext,
  Notification,
  NotificationHooks,
  SentPayload,
} from '@wedsync/presence-coordination'
import { supplierById } from '../cast.js'
import { parseUrgent } from '../urgent.js'

/** Where an entry went: the router's in-app and push routes, and the fallback as SMS or email. */
export type OutboxChannel = 'in-app' | 'push' | 'sms' | 'email'

export interface OutboxEntry {
  /** The notification's id (`<broadcast id>:<user id>` for urgent broadcasts). */
  readonly id: string
  readonly channel: OutboxChannel
  readonly recipientId: string
  /** Whom and where, in words: "Oskar Lindqvist (07700 900105)". */
  readonly to: string
  readonly senderId: string
  readonly text: string
  /** Set when the router held the notification first (a routine message to someone busy). */
  readonly heldForMs?: number
}

export interface Outbox {
  /** The router's hooks: each call is recorded, never delivered. */
  readonly hooks: NotificationHooks<SentPayload>
  entries(): readonly OutboxEntry[]
  /** Hears every new entry; returns the unsubscribe. */
  subscribe(listener: (entry: OutboxEntry) => void): () => void
}

/** The message's text, from an urgent broadcast's payload (`broadcastUrgent`) or a bare `{ text }`. */
export function messageText(payload: unknown): string {
  const inner =
    typeof payload === 'object' && payload !== null && 'payload' in payload
      ? (payload as { payload: unknown }).payload
      : payload
  return parseUrgent(inner)?.text ?? parseUrgent(payload)?.text ?? '(no text)'
}

/** "SMS to Oskar Lindqvist (07700 900105): “Ceremony moved…” — from Maya Okafor". */
export function describeEntry(entry: OutboxEntry): string {
  const verb = { 'in-app': 'In-app inbox of', push: 'Push to', sms: 'SMS to', email: 'Email to' }
  const from = supplierById(entry.senderId)?.name ?? entry.senderId
  const held =
    entry.heldForMs === undefined ? '' : ` (held ${Math.round(entry.heldForMs / 60_000)} min)`
  return `${verb[entry.channel]} ${entry.to}${held}: “${entry.text}” — from ${from}`
}

function addressOf(recipientId: string, channel: OutboxChannel): string {
  const person = supplierById(recipientId)
  if (!person) return recipientId
  if (channel === 'sms') return `${person.name} (${person.phone})`
  if (channel === 'email') return `${person.name} (${person.email})`
  return person.name
}

/** The outbox keeps the latest entries only: the demo may run for hours. */
const MAX_ENTRIES = 1_000

export function createOutbox(): Outbox {
  const entries: OutboxEntry[] = []
  const listeners = new Set<(entry: OutboxEntry) => void>()
  const record =
    (route: 'in-app' | 'push' | 'fallback') =>
    (n: Notification<SentPayload>, context: DeliveryContext) => {
      const channel: OutboxChannel =
        route === 'fallback' ? (supplierById(n.recipientId)?.fallback ?? 'email') : route
      const entry: OutboxEntry = {
        id: n.id,
        channel,
        recipientId: n.recipientId,
        to: addressOf(n.recipientId, channel),
        senderId: n.payload.senderId,
        text: messageText(n.payload.payload),
        ...(context.heldForMs === undefined ? {} : { heldForMs: context.heldForMs }),
      }
      entries.push(entry)
      if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES)
      for (const listener of Array.from(listeners)) listener(entry)
    }
  return {
    hooks: { inApp: record('in-app'), push: record('push'), fallback: record('fallback') },
    entries: () => entries,
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
  }
}
