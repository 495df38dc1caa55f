/**
 * The verifying transport: the app's transport wrapped for one session. Outgoing, every meta and
 * message gets a proof signed by the session's key (proof.ts). Incoming, nothing reaches the client
 * before it is verified — credential, signature, then the binding checks — and what fails is
 * dropped and reported as PRESENCE_NOT_VERIFIED with a stable reason. Verification is
 * asynchronous and runs in parallel, but a room's events (statuses, presence, messages) reach the
 * client strictly in the order they arrived: each waits for the ones before it.
 *
 * Invariants: a meta reaches the client only under its credential's user; per session, a `seq`
 * older than one already passed on is refused; a meta's lease is cut to what is left of its
 * window; a message signed twice the same is passed on once. Leaves pass unverified: they come
 * from the server, and only remove refs that verified metas added. Every time signed or checked is
 * on the issuer's clock as this session estimates it (issuer-clock.ts), never the device's own:
 * what is heard waits for the first estimate before it is judged.
 */
import { RECEIPT_EVENT } from '../broadcast.js'
import { invalidArgument, PresenceError } from '../errors.js'
import { META_LIMITS } from '../meta-schema.js'
import type {
  OpenRoomOptions,
  PresenceEvent,
  PresenceState,
  PresenceTransport,
  TransportMeta,
  TransportRoom,
  TransportStatus,
  TransportStatusDetail,
  TrustSession,
} from '../ports.js'
import { encodeBase64url } from './base64url.js'
import type { CredentialClaims } from './credential.js'
import type { CredentialVerifier } from './credential-verifier.js'
import { type Checked, failed, passed, VERIFICATION_FAILURES } from './failures.js'
import type { IssuerClock } from './issuer-clock.js'
import {
  checkBinding,
  encodeText,
  leaseWithinWindow,
  PROOF_FIELD,
  type Proof,
  type RoomScope,
  type Subject,
  signingText,
  splitProof,
} from './proof.js'
import type { SessionCredentials } from './session-credentials.js'
import type { SignatureSuite } from './signature-suite.js'

export interface VerifyingTransportOptions {
  readonly session: TrustSession
  readonly credentials: SessionCredentials
  /** The issuer's clock (`credentials.clock`): every time signed or checked is on it. */
  readonly clock: IssuerClock
  readonly verifier: CredentialVerifier
  readonly suite: SignatureSuite
  readonly skewMs: number
  readonly maxMessageAgeMs: number
}

/** A payload whose credential and signature verified: what is left is the binding checks. */
interface Verified {
  readonly body: Record<string, unknown>
  readonly proof: Proof
  readonly claims: CredentialClaims
}

/** The window a meta without a lease of its own is signed for. */
const DEFAULT_WINDOW_MS = 30_000
/** Signatures kept with what they were checked over: own echoes and re-syncs verify for free. */
const KEPT_SIGNATURES = 1_024
/**
 * Messages heard but not yet checked. They wait for the issuer clock's first estimate (up to the
 * credential source's answer) and for crypto; past this many, new ones are dropped and reported,
 * so a member flooding the room while this session waits cannot grow its memory without bound.
 * Presence events are not capped: Realtime limits presence calls per client, and a dropped join
 * would leave the room wrong until the next sync.
 */
export const MAX_WAITING_MESSAGES = 1_000

export function createVerifyingTransport(
  inner: PresenceTransport,
  options: VerifyingTransportOptions,
): PresenceTransport {
  return {
    openRoom(roomId, openOptions) {
      if (openOptions?.key !== options.session.userId)
        throw invalidArgument(
          `a verified session publishes only under its own user id (${options.session.userId})`,
        )
      return new VerifyingRoom(inner.openRoom(roomId, openOptions), roomId, openOptions, options)
    },
  }
}

type Emit = () => void

class VerifyingRoom implements TransportRoom {
  private readonly scope: RoomScope
  private readonly presenceListeners: Listeners<[PresenceEvent]> = new Set()
  private readonly statusListeners: Listeners<[TransportStatus, TransportStatusDetail?]> = new Set()
  private readonly messageListeners = new Map<string, Listeners<[unknown]>>()
  /** Settles when everything heard so far has been passed on or dropped. */
  private inbound: Promise<void> = Promise.resolve()
  /** Settles when everything sent so far has been signed. */
  private outbound: Promise<unknown> = Promise.resolve()
  /** Bumped by every track and untrack: a track whose signing finished late is not sent. */
  private presenceCall = 0
  /** Per `key \0 session`: the newest seq passed on, and the signature it came with. */
  private readonly newest = new Map<string, { seq: number; sig: string; until: number }>()
  /** `newest` is pruned of passed windows when it grows past this. */
  private pruneNewestAt = 256
  /** Messages passed on, by signature, until they would be too old anyway. */
  private readonly heard = new Map<string, number>()
  /** Messages heard whose check has not finished (see MAX_WAITING_MESSAGES). */
  private waitingMessages = 0
  /** Signatures checked, with the text they were checked over. */
  private readonly signatures = new Map<
    string,
    { text: string; result: Promise<Checked<CredentialClaims>> }
  >()

  constructor(
    private readonly room: TransportRoom,
    private readonly roomId: string,
    private readonly open: OpenRoomOptions,
    private readonly options: VerifyingTransportOptions,
  ) {
    this.scope = { roomId, private: open.private === true }
    // The inner room lives as long as this one: its listeners go with it.
    room.onStatus((status, detail) =>
      this.inOrder(Promise.resolve(() => this.emitStatus(status, detail))),
    )
    room.onPresence((event) => this.inOrder(this.verifyPresence(event)))
  }

  // ── outgoing ──────────────────────────────────────────────────────────────

  async track(meta: unknown): Promise<void> {
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
      throw invalidArgument('a presence meta must be a plain object')
    const call = ++this.presenceCall
    const lease = (meta as { lease?: unknown }).lease
    const signed = await this.sign(
      { kind: 'presence', key: this.open.key },
      meta as Record<string, unknown>,
      typeof lease === 'number' ? lease : DEFAULT_WINDOW_MS,
    )
    // A newer track or an untrack came while this one waited for its credential: it says more.
    if (call !== this.presenceCall) return
    await this.room.track(signed)
  }

  untrack(): Promise<void> {
    this.presenceCall++
    return this.room.untrack()
  }

  send(event: string, payload: unknown): Promise<void> {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return Promise.reject(invalidArgument('a verified message must be a plain object'))
    // Signed in the order sent, so they reach the transport in that order.
    const signed = this.outbound.then(() =>
      this.sign({ kind: 'message', event }, payload as Record<string, unknown>),
    )
    this.outbound = signed.catch(() => {})
    return signed.then((message) => this.room.send(event, message))
  }

  private async sign(
    subject: Subject,
    body: Record<string, unknown>,
    windowMs?: number,
  ): Promise<Record<string, unknown>> {
    const own = await this.options.credentials.current()
    const at = this.options.clock.now()
    const until = windowMs === undefined ? undefined : at + windowMs
    const text = signingText(this.scope, subject, at, until, body)
    const sig = encodeBase64url(await own.key.sign(encodeText(text)))
    // Our own echo needs no second check of what we just signed.
    this.keepSignature(sig, text, Promise.resolve(passed(own.claims)))
    const proof: Proof = {
      v: 1,
      cred: own.token,
      room: this.roomId,
      at,
      ...(until === undefined ? {} : { until }),
      sig,
    }
    return { ...body, [PROOF_FIELD]: proof }
  }

  // ── incoming ──────────────────────────────────────────────────────────────

  /** Passes `verified`'s result on once everything heard before it has been. */
  private inOrder(verified: Promise<Emit>): void {
    this.inbound = this.inbound
      .then(() => verified)
      .then((emit) => emit())
      .catch((error: unknown) =>
        this.options.session.report(
          error instanceof PresenceError
            ? error
            : new PresenceError('PRESENCE_TRANSPORT_FAILED', `verifying in ${this.roomId} failed`, {
                cause: error,
              }),
        ),
      )
  }

  /** The credential and signature of one signed payload (the binding is checked in order). */
  private verify(subject: Subject, payload: unknown): Promise<Checked<Verified>> {
    const split = splitProof(payload)
    if (!split.ok) return Promise.resolve(split)
    const { body, proof, signature } = split.value
    // Cheap, and before any crypto: junk signed for other rooms costs nothing here.
    if (proof.room !== this.roomId) return Promise.resolve(failed('wrong-room'))
    const text = signingText(this.scope, subject, proof.at, proof.until, body)
    const kept = this.signatures.get(proof.sig)
    let result = kept?.text === text ? kept.result : undefined
    if (!result) {
      result = this.checkSignature(proof, text, signature)
      this.keepSignature(proof.sig, text, result)
    }
    return result.then((checked) =>
      checked.ok ? passed({ body, proof, claims: checked.value }) : checked,
    )
  }

  private async checkSignature(
    proof: Proof,
    text: string,
    signature: Uint8Array,
  ): Promise<Checked<CredentialClaims>> {
    const { verifier, suite, clock } = this.options
    // Judged on the issuer's clock: not before this session has an estimate of it.
    await clock.ready
    const credential = await verifier.verify(proof.cred, clock.now())
    if (!credential.ok) return credential
    const valid = await suite.verify(credential.value.publicKey, encodeText(text), signature)
    return valid ? credential : failed('bad-signature')
  }

  private keepSignature(sig: string, text: string, result: Promise<Checked<CredentialClaims>>) {
    if (this.signatures.size >= KEPT_SIGNATURES)
      this.signatures.delete(this.signatures.keys().next().value!)
    this.signatures.set(sig, { text, result })
  }

  private async verifyPresence(event: PresenceEvent): Promise<Emit> {
    if (event.type !== 'sync') {
      if (event.type === 'leave') return () => this.emitPresence(event)
      const metas = await this.verifyMetas(event.key, event.metas)
      return () => {
        const accepted = this.admit(event.key, metas)
        if (accepted.length > 0)
          this.emitPresence({ type: 'join', key: event.key, metas: accepted })
      }
    }
    const keys = Object.keys(event.state ?? {})
    const lists = await Promise.all(keys.map((key) => this.verifyMetas(key, event.state[key])))
    return () => {
      const state: Record<string, readonly TransportMeta[]> = {}
      keys.forEach((key, i) => {
        const accepted = this.admit(key, lists[i]!)
        if (accepted.length > 0) state[key] = accepted
      })
      this.forgetPassedWindows()
      this.emitPresence({ type: 'sync', state: state as PresenceState })
    }
  }

  private verifyMetas(key: string, metas: unknown) {
    const list: readonly TransportMeta[] = Array.isArray(metas) ? metas : []
    return Promise.all(
      list.map(async (item) => ({
        item,
        checked: await this.verify({ kind: 'presence', key }, item?.meta),
      })),
    )
  }

  /** The metas that pass the binding checks now, as the client gets them; the rest reported. */
  private admit(
    key: string,
    metas: readonly { item: TransportMeta; checked: Checked<Verified> }[],
  ): TransportMeta[] {
    const now = this.options.clock.now()
    const accepted: TransportMeta[] = []
    for (const { item, checked } of metas) {
      const result = checked.ok ? this.checkMeta(key, checked.value, now) : checked
      if (result.ok) accepted.push({ ref: item.ref, meta: result.value })
      else this.drop(`presence for "${key.slice(0, 64)}"`, result.reason, { key, ref: item?.ref })
    }
    return accepted
  }

  private checkMeta(
    key: string,
    { body, proof, claims }: Verified,
    now: number,
  ): Checked<Record<string, unknown>> {
    const { skewMs, maxMessageAgeMs } = this.options
    const bound = checkBinding({ kind: 'presence', key }, body, proof, claims, {
      scope: this.scope,
      now,
      skewMs,
      maxMessageAgeMs,
    })
    if (!bound.ok) return bound
    if (typeof body.seq === 'number') {
      if (this.newest.size >= this.pruneNewestAt) {
        this.forgetPassedWindows()
        this.pruneNewestAt = Math.max(256, 2 * this.newest.size)
      }
      const id = `${key}\0${claims.sessionId}`
      const newest = this.newest.get(id)
      if (
        newest &&
        (body.seq < newest.seq || (body.seq === newest.seq && proof.sig !== newest.sig))
      )
        return failed('stale-seq')
      this.newest.set(id, { seq: body.seq, sig: proof.sig, until: proof.until! })
    }
    if (typeof body.lease !== 'number') return passed(body)
    const lease = leaseWithinWindow(body.lease, proof, now, skewMs)
    // Less than the shortest lease a meta may declare: as good as passed.
    if (lease < META_LIMITS.minLeaseMs) return failed('window-passed')
    return passed(lease === body.lease ? body : { ...body, lease })
  }

  /** Sessions whose last window has passed: a later meta of theirs must verify on its own. */
  private forgetPassedWindows(): void {
    const now = this.options.clock.now()
    for (const [id, newest] of this.newest)
      if (newest.until + this.options.skewMs <= now) this.newest.delete(id)
  }

  private hearMessage(event: string, payload: unknown): void {
    // A receipt for another session is for its sender alone (the room ignores it): it is not worth
    // a signature check. In a room of 10, a broadcast brings 9 receipts to every member.
    if (
      event === RECEIPT_EVENT &&
      (payload as { to?: unknown } | null)?.to !== this.options.session.sessionId
    )
      return
    const subject: Subject = { kind: 'message', event }
    if (this.waitingMessages >= MAX_WAITING_MESSAGES) {
      this.drop(`a "${event.slice(0, 64)}" message`, 'backlog-full', { event })
      return
    }
    this.waitingMessages++
    const checking = this.verify(subject, payload).finally(() => this.waitingMessages--)
    this.inOrder(
      checking.then((checked) => () => {
        const now = this.options.clock.now()
        const { skewMs, maxMessageAgeMs } = this.options
        const result = checked.ok
          ? checkBinding(subject, checked.value.body, checked.value.proof, checked.value.claims, {
              scope: this.scope,
              now,
              skewMs,
              maxMessageAgeMs,
            })
          : checked
        if (!result.ok)
          return this.drop(`a "${event.slice(0, 64)}" message`, result.reason, { event })
        if (!this.firstHearing(result.value, now))
          return this.drop(`a "${event.slice(0, 64)}" message`, 'replayed', { event })
        const listeners = this.messageListeners.get(event)
        if (listeners) this.call(listeners, (checked as { value: Verified }).value.body)
      }),
    )
  }

  /** True the first time a message's signature is heard within the age it may have. */
  private firstHearing(proof: Proof, now: number): boolean {
    const { skewMs, maxMessageAgeMs } = this.options
    if (this.heard.has(proof.sig)) return false
    // Kept in the order heard, which is near enough the order of `at`: stop at the first to keep.
    for (const [sig, forgetAt] of this.heard) {
      if (forgetAt > now) break
      this.heard.delete(sig)
    }
    // Past this, `checkBinding` refuses it as too old: it need not be remembered longer.
    this.heard.set(proof.sig, proof.at + maxMessageAgeMs + 2 * skewMs)
    return true
  }

  private drop(what: string, reason: keyof typeof VERIFICATION_FAILURES, details: object): void {
    this.options.session.report(
      new PresenceError(
        'PRESENCE_NOT_VERIFIED',
        `Dropped ${what} in ${this.roomId}: it ${VERIFICATION_FAILURES[reason]}`,
        { details: { roomId: this.roomId, reason, ...details } },
      ),
    )
  }

  // ── listeners ─────────────────────────────────────────────────────────────

  private emitPresence(event: PresenceEvent): void {
    this.call(this.presenceListeners, event)
  }

  private emitStatus(status: TransportStatus, detail?: TransportStatusDetail): void {
    this.call(this.statusListeners, status, detail)
  }

  /** Calls every listener; one that throws is reported and never stops the others or the queue. */
  private call<A extends unknown[]>(listeners: Listeners<A>, ...args: A): void {
    for (const { fn } of listeners)
      try {
        fn(...args)
      } catch (error) {
        this.options.session.report(
          new PresenceError('PRESENCE_TRANSPORT_FAILED', `a listener threw in ${this.roomId}`, {
            cause: error,
          }),
        )
      }
  }

  onPresence(listener: (event: PresenceEvent) => void): () => void {
    return addTo(this.presenceListeners, listener)
  }

  onStatus(listener: (status: TransportStatus, detail?: TransportStatusDetail) => void) {
    return addTo(this.statusListeners, listener)
  }

  onMessage(event: string, listener: (payload: unknown) => void): () => void {
    let listeners = this.messageListeners.get(event)
    if (!listeners) {
      listeners = new Set()
      this.messageListeners.set(event, listeners)
      this.room.onMessage(event, (payload) => this.hearMessage(event, payload))
    }
    return addTo(listeners, listener)
  }

  close(): Promise<void> {
    return this.room.close()
  }
}

/** Listeners as entries, so the same function added twice is two subscriptions (as in an emitter). */
type Listeners<A extends unknown[]> = Set<{ readonly fn: (...args: A) => void }>

function addTo<A extends unknown[]>(set: Listeners<A>, fn: (...args: A) => void): () => void {
  const entry = { fn }
  set.add(entry)
  return () => {
    set.delete(entry)
  }
}
