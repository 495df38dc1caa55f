/**
 * The proof a session attaches to what it publishes, and the checks an observer makes of it once
 * the signatures hold. On the wire a signed payload is the payload plus one field, `proof`:
 * `{ v: 1, cred, room, at, until?, sig }` — the session's credential, the room it was signed for,
 * when (the sender's clock, epoch ms), until when a presence meta may count (at most its lease),
 * and an ES256 signature by the session's key over `signingInput`. Everything here is pure: time
 * is an argument, and nothing but the signature needs crypto.
 */
import { BROADCAST_EVENT, RECEIPT_EVENT } from '../broadcast.js'
import { META_LIMITS } from '../meta-schema.js'
import { decodeBase64url } from './base64url.js'
import { canonicalJson } from './canonical-json.js'
import { admitsRoom, type CredentialClaims } from './credential.js'
import { type Checked, failed, passed } from './failures.js'

export const PROOF_FIELD = 'proof'
const VERSION = 'wedsync-presence/1'

export interface Proof {
  readonly v: 1
  readonly cred: string
  readonly room: string
  readonly at: number
  /** Presence only: the end of the window in which the meta counts. */
  readonly until?: number
  readonly sig: string
}

/** The room a payload was signed for: a private and a public room of one name are different rooms. */
export interface RoomScope {
  readonly roomId: string
  readonly private: boolean
}

/** What is signed: a meta under a presence key, or a message under its event name. */
export type Subject =
  | { readonly kind: 'presence'; readonly key: string }
  | { readonly kind: 'message'; readonly event: string }

/**
 * The fields of our own messages that name their sender: they must be the credential's. Other
 * messages carry no identity beyond their signature.
 */
const SENDER_FIELDS: Readonly<Record<string, { readonly user: string; readonly session: string }>> =
  {
    [BROADCAST_EVENT]: { user: 'from', session: 'session' },
    [RECEIPT_EVENT]: { user: 'user', session: 'session' },
  }

const encoder = new TextEncoder()

/**
 * The bytes a proof's signature covers, as text: the version, the room, the subject, the times and
 * the payload without its proof, as canonical JSON (canonical-json.ts says why).
 */
export function signingText(
  scope: RoomScope,
  subject: Subject,
  at: number,
  until: number | undefined,
  body: object,
): string {
  const name = subject.kind === 'presence' ? subject.key : subject.event
  return canonicalJson([
    VERSION,
    scope.private ? 'private' : 'public',
    scope.roomId,
    subject.kind,
    name,
    at,
    until ?? null,
    body,
  ])
}

export const encodeText = (text: string): Uint8Array => encoder.encode(text)

const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0

/** A signed payload split into its body and its proof (shape-checked), or why it cannot be. */
export function splitProof(payload: unknown): Checked<{
  readonly body: Record<string, unknown>
  readonly proof: Proof
  readonly signature: Uint8Array
}> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
    return failed('missing-proof')
  const { [PROOF_FIELD]: proof, ...body } = payload as Record<string, unknown>
  if (proof === undefined) return failed('missing-proof')
  const p = proof as Partial<Record<keyof Proof, unknown>> | null
  const signature = typeof p?.sig === 'string' ? decodeBase64url(p.sig) : undefined
  if (
    p?.v !== 1 ||
    typeof p.cred !== 'string' ||
    typeof p.room !== 'string' ||
    !isTime(p.at) ||
    (p.until !== undefined && !isTime(p.until)) ||
    signature?.byteLength !== 64
  )
    return failed('malformed-proof')
  return passed({ body, proof: p as Proof, signature })
}

export interface BindingRules {
  readonly scope: RoomScope
  readonly now: number
  /** How far senders' clocks may be ahead of this one. */
  readonly skewMs: number
  /** How long a message may take to arrive (replays of older ones are refused). */
  readonly maxMessageAgeMs: number
}

/**
 * Whether a payload whose signature and credential verified may be applied here and now: signed
 * for this room, by the user and session it names, within its window. Presence windows are at
 * most the meta's own lease (`lease`, when it has one), and end where a replay stops counting.
 */
export function checkBinding(
  subject: Subject,
  body: Record<string, unknown>,
  proof: Proof,
  claims: CredentialClaims,
  rules: BindingRules,
): Checked<Proof> {
  const { scope, now, skewMs } = rules
  // Checked again at every use: a credential verified earlier may have expired since.
  if (claims.expiresAt <= now - skewMs) return failed('credential-expired')
  if (proof.room !== scope.roomId) return failed('wrong-room')
  if (!admitsRoom(claims, scope.roomId)) return failed('room-not-allowed')
  if (subject.kind === 'presence') {
    if (subject.key !== claims.userId) return failed('wrong-user')
    // A meta that names its session must name the credential's (the core's metas always do).
    if (body.session !== undefined && body.session !== claims.sessionId)
      return failed('wrong-session')
  } else {
    const sender = SENDER_FIELDS[subject.event]
    if (sender && body[sender.user] !== claims.userId) return failed('wrong-user')
    if (sender && body[sender.session] !== claims.sessionId) return failed('wrong-session')
  }
  if (proof.at > now + skewMs) return failed('from-the-future')
  if (subject.kind === 'message') {
    if (proof.until !== undefined) return failed('malformed-proof')
    return proof.at < now - rules.maxMessageAgeMs - skewMs ? failed('too-old') : passed(proof)
  }
  if (proof.until === undefined || proof.until <= proof.at) return failed('malformed-proof')
  const lease = typeof body.lease === 'number' ? body.lease : META_LIMITS.maxLeaseMs
  if (proof.until - proof.at > lease) return failed('window-too-long')
  if (proof.until + skewMs <= now) return failed('window-passed')
  return passed(proof)
}

/**
 * The lease an observer may grant a verified meta heard at `now`: its own, cut to what is left of
 * its window, so a meta replayed after its session left cannot keep anyone online past the window.
 */
export function leaseWithinWindow(lease: number, proof: Proof, now: number, skewMs: number) {
  return Math.min(lease, (proof.until ?? now) + skewMs - now)
}
