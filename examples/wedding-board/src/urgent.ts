/**
 * The urgent broadcast's event and payload. Payloads come from other clients, so the board and the
 * bots read them through `parseUrgent`: text only, cleaned and bounded, never HTML (React renders
 * it as text).
 */
import { sanitizeText } from '@wedsync/presence-core'

export const URGENT_EVENT = 'urgent'
export const URGENT_MAX_CHARACTERS = 200
/** How long the sender waits for receipts before the report is final. */
export const URGENT_RECEIPT_TIMEOUT_MS = 3_000

export interface UrgentMessage {
  readonly text: string
}

export function parseUrgent(payload: unknown): UrgentMessage | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined
  const { text } = payload as { text?: unknown }
  if (typeof text !== 'string') return undefined
  const clean = sanitizeText(text, URGENT_MAX_CHARACTERS)
  return clean ? { text: clean } : undefined
}
