/**
 * Broadcast with presence context: envelopes and receipts on the wire, and the report that says,
 * for every member present at send time, whether it was delivered, had no receipt, or needs
 * another route. Envelopes from other clients are validated like metas (rule 7).
 * A receipt means: this session got the broadcast while its own presence was published and
 * confirmed in the room, from a sender session present there, within 5 receipts per 10 s to that
 * sender. So none comes from a session that is hidden, too public for its visibility or refused
 * by the room's policy, none goes to a forged sender, and a flood of envelopes is not answered.
 */
import { literal, object, type z } from 'zod/mini'
import { idSchema, META_LIMITS, nonEmpty } from './meta-schema.js'
import type { BroadcastOutcome, BroadcastReport, MemberPresence, Status } from './types.js'
import { compareIds, defined } from './util.js'

/** Transport event names: every room broadcast travels under one name so receipts never depend on app handlers. */
export const BROADCAST_EVENT = 'wedsync:broadcast'
export const RECEIPT_EVENT = 'wedsync:receipt'

const id = idSchema
/** A broadcast's event name: 1–64 characters. */
export const eventSchema = nonEmpty(META_LIMITS.actionLength)

export const broadcastEnvelopeSchema = object({
  v: literal(1),
  id,
  event: eventSchema,
  from: id,
  session: id,
  receipts: literal([true, false]), // rather than boolean(): one zod schema type fewer in the bundle
})

export const receiptSchema = object({
  v: literal(1),
  id,
  user: id,
  session: id,
  to: id,
})

/** The payload is the app's own: it travels as it is and is handed over unvalidated. */
export type BroadcastEnvelope = z.infer<typeof broadcastEnvelopeSchema> & {
  readonly payload: unknown
}
export type Receipt = z.infer<typeof receiptSchema>

/** Who a broadcast is for: the other members present at send time, with the status they had. */
export interface Recipient {
  readonly userId: string
  readonly status: Status
}

export function recipientsOf(members: Iterable<MemberPresence>, selfUserId: string): Recipient[] {
  const out: Recipient[] = []
  for (const m of members)
    if (m.userId !== selfUserId) out.push({ userId: m.userId, status: m.status })
  return out.sort((a, b) => compareIds(a.userId, b.userId))
}

/** Only people who were online are expected to confirm; everyone else needs another route. */
export function expectsReceipt(recipient: Recipient): boolean {
  return recipient.status === 'online'
}

/** Builds the report from the recipients and the latency of each receipt that came back. */
export function buildReport(
  base: { readonly id: string; readonly event: string; readonly sentAt: number },
  recipients: readonly Recipient[],
  latencies: ReadonlyMap<string, number>,
): BroadcastReport {
  const outcomes = recipients.map(({ userId, status }): BroadcastOutcome => {
    const latencyMs = latencies.get(userId)
    if (status !== 'online') return defined({ userId, outcome: 'not-present', status, latencyMs })
    return latencyMs === undefined
      ? { userId, outcome: 'no-receipt' }
      : { userId, outcome: 'delivered', latencyMs }
  })
  const withOutcome = (outcome: BroadcastOutcome['outcome']) =>
    outcomes.filter((o) => o.outcome === outcome).map((o) => o.userId)
  return {
    ...base,
    recipients: outcomes,
    delivered: withOutcome('delivered'),
    noReceipt: withOutcome('no-receipt'),
    notPresent: withOutcome('not-present'),
  }
}
