/**
 * Broadcast with receipts in one room: sends envelopes, waits for receipts until every recipient
 * who was online confirmed or the timeout passed, and answers other sessions' envelopes that ask
 * for a receipt. The wire format and the report are broadcast.ts's; the room supplies the moment's
 * facts through `BroadcastContext`. Invariants: a receipt goes out only when the room says our
 * presence there is confirmed and the sender's session is present (`confirmable`), and within the
 * receipt throttle; no broadcast waits past its timeout or the room's end (`close`).
 */
import { EventEmitter } from 'eventemitter3'
import type { ZodMiniType } from 'zod/mini'
import {
  BROADCAST_EVENT,
  type BroadcastEnvelope,
  broadcastEnvelopeSchema,
  buildReport,
  eventSchema,
  expectsReceipt,
  RECEIPT_EVENT,
  type Receipt,
  receiptSchema,
  recipientsOf,
} from './broadcast.js'
import { PresenceError } from './errors.js'
import type { Clock, Scheduler } from './ports.js'
import { EMPTY_THROTTLE, takeReceipt } from './receipt-throttle.js'
import type { BroadcastReport, MemberPresence } from './types.js'
import { check } from './validate-input.js'

export interface BroadcastOptions {
  /** Ask every recipient's devices to confirm, and wait for them. Default false. */
  readonly receipts?: boolean
  /** How long to wait for receipts. Default 2,000 ms. */
  readonly timeoutMs?: number
}

export interface BroadcastMeta {
  readonly id: string
  readonly userId: string
  readonly sessionId: string
}

type BroadcastHandler = (payload: unknown, meta: BroadcastMeta) => void

/** What a broadcaster reads from its room, each time at the moment it needs it. */
export interface BroadcastContext {
  readonly roomId: string
  readonly userId: string
  readonly sessionId: string
  readonly clock: Clock
  readonly scheduler: Scheduler
  /** Sends on the room's current transport room (a re-join replaces it). */
  send(event: string, message: unknown): Promise<void>
  /** The members present now: a broadcast's recipients. */
  members(): Iterable<MemberPresence>
  /**
   * Whether a receipt may tell the room this session is online: our presence is published and
   * confirmed here, and `from`'s `session` is present (a forged sender gets nothing).
   */
  confirmable(from: string, session: string): boolean
  /** The transport's failure of `action`, as the room reports it. */
  transportError(action: string, error: unknown): PresenceError
  report(error: PresenceError): void
}

export interface Broadcaster {
  broadcast(event: string, payload: unknown, options?: BroadcastOptions): Promise<BroadcastReport>
  onBroadcast(event: string, handler: BroadcastHandler): () => void
  /** An envelope heard on the transport. */
  receiveEnvelope(raw: unknown): void
  /** A receipt heard on the transport. */
  receiveReceipt(raw: unknown): void
  /** Settles every waiting broadcast with the receipts so far; later broadcasts throw. */
  close(): void
}

const DEFAULT_RECEIPT_TIMEOUT_MS = 2_000

export function createBroadcaster(ctx: BroadcastContext): Broadcaster {
  const { roomId, userId, sessionId, clock, scheduler, report } = ctx
  /** Broadcast handlers by event name. */
  const handlers = new EventEmitter<Record<string, BroadcastHandler>>()
  /** Broadcasts waiting for receipts: each records a receipt from a user, or settles without one. */
  const pending = new Map<string, (user?: string) => void>()
  let counter = 0
  let throttle = EMPTY_THROTTLE
  let closed = false

  async function broadcast(
    event: string,
    payload: unknown,
    options: BroadcastOptions = {},
  ): Promise<BroadcastReport> {
    if (closed) throw new PresenceError('PRESENCE_ROOM_LEFT')
    check(eventSchema, event, 'broadcast event')
    const id = `${sessionId}.${++counter}`
    const base = { id, event, sentAt: clock.now() }
    const recipients = recipientsOf(ctx.members(), userId)
    const receipts = !!options.receipts
    const envelope: BroadcastEnvelope = {
      v: 1,
      id,
      event,
      from: userId,
      session: sessionId,
      receipts,
      payload,
    }
    const sent = ctx.send(BROADCAST_EVENT, envelope)
    const latencies = new Map<string, number>()
    if (!receipts || !recipients.some(expectsReceipt)) {
      await sent
      return buildReport(base, recipients, latencies)
    }
    return new Promise<BroadcastReport>((resolve, reject) => {
      const cancelTimer = scheduler.schedule(options.timeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS, () =>
        settle(),
      )
      const done = () => {
        cancelTimer()
        pending.delete(id)
      }
      // Receipts from people who were not recipients are left out of the report by buildReport.
      const settle = (user?: string) => {
        if (user !== undefined) {
          if (!latencies.has(user)) latencies.set(user, clock.now() - base.sentAt)
          if (recipients.some((r) => expectsReceipt(r) && !latencies.has(r.userId))) return
        }
        done()
        resolve(buildReport(base, recipients, latencies))
      }
      pending.set(id, settle)
      sent.catch((error: unknown) => {
        done()
        reject(ctx.transportError('broadcast', error))
      })
    })
  }

  /** Validates a message from another client; a malformed one is dropped and reported (rule 7). */
  function accept<T>(schema: ZodMiniType<T>, raw: unknown, what: string): T | undefined {
    const parsed = schema.safeParse(raw)
    if (parsed.success) return parsed.data
    report(
      new PresenceError('PRESENCE_PAYLOAD_INVALID', `Dropped a malformed ${what} in ${roomId}`),
    )
  }

  /**
   * Whether to confirm a broadcast from `from`'s `session`: when the room lets us (see
   * `confirmable`), and within the receipt throttle (no receipt storms), reporting once per window
   * a sender that asks for more.
   */
  function mayConfirm(from: string, session: string): boolean {
    if (!ctx.confirmable(from, session)) return false
    const decision = takeReceipt(throttle, JSON.stringify([from, session]), clock.now())
    throttle = decision.throttle
    if (decision.report)
      report(
        new PresenceError(
          'PRESENCE_RATE_LIMITED',
          `Too many receipt requests from ${from} in ${roomId}: receipts withheld`,
          { details: { roomId, userId: from, sessionId: session } },
        ),
      )
    return decision.send
  }

  function receiveEnvelope(raw: unknown): void {
    const envelope = accept(broadcastEnvelopeSchema, raw, 'broadcast')
    if (!envelope || envelope.session === sessionId) return
    const { id, event, from, session } = envelope
    if (envelope.receipts && mayConfirm(from, session)) {
      const receipt: Receipt = { v: 1, id, user: userId, session: sessionId, to: session }
      ctx
        .send(RECEIPT_EVENT, receipt)
        .catch((error: unknown) => report(ctx.transportError('receipt', error)))
    }
    const meta: BroadcastMeta = { id, userId: from, sessionId: session }
    for (const handler of handlers.listeners(event)) {
      try {
        handler((raw as BroadcastEnvelope).payload, meta)
      } catch (error) {
        report(
          new PresenceError('PRESENCE_INVALID_ARGUMENT', `broadcast handler for "${event}" threw`, {
            cause: error,
          }),
        )
      }
    }
  }

  function receiveReceipt(raw: unknown): void {
    const receipt = accept(receiptSchema, raw, 'receipt')
    if (receipt?.to === sessionId) pending.get(receipt.id)?.(receipt.user)
  }

  return {
    broadcast,
    onBroadcast(event, handler) {
      handlers.on(event, handler)
      return () => {
        handlers.off(event, handler)
      }
    },
    receiveEnvelope,
    receiveReceipt,
    close() {
      for (const settle of pending.values()) settle()
      closed = true
      handlers.removeAllListeners()
    },
  }
}
