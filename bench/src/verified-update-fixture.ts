/**
 * One observer hearing presence updates, with and without verification, in process: a
 * `PresenceClient` (the real client, its room and room state) over a scripted transport whose one
 * room is driven by hand. An update is heard as a transport reports it — a join of the new ref, then
 * a leave of the old ref — and a step ends when the client has handled both. For the verified
 * client the scripted transport is wrapped by `createSessionTrust`'s verifying transport, exactly as
 * the client wraps any transport, and every meta it hears was signed beforehand with its member's
 * own session key and a credential from the issuer: each update is a new signature, so every step
 * verifies one (the credential and the session's public key, verified once per session, are kept by
 * the verifier as they are in a running room). Nothing else runs: the clock is a fake one that never
 * moves, so no heartbeat, expiry or credential refresh fires while measuring.
 */
import {
  type Clock,
  createPresenceClient,
  type OpenRoomOptions,
  type PresenceClient,
  type PresenceEvent,
  type PresenceRoom,
  type PresenceTransport,
  type PresenceTrust,
  type Scheduler,
  type TransportMeta,
  type TransportRoom,
  type TransportStatus,
  type TransportStatusDetail,
} from '@wedsync/presence-core'
import type { CredentialIssuer } from '@wedsync/presence-server'
import { createFakeClock } from '@wedsync/presence-testing'
import { clock } from './harness.js'
import { publish, ROOM_ID, T0, userId } from './room-fixture.js'
import {
  createSigner,
  issuerOf,
  type Signer,
  type SigningSetup,
  trustOf,
} from './verified-signing.js'

export type TrustKind = 'verified' | 'unverified'

type Listener<A extends unknown[]> = (...args: A) => void

/** A transport room driven by hand: `emit` hands an event to its listeners at once. */
class ScriptedRoom implements TransportRoom {
  private readonly presence = new Set<Listener<[PresenceEvent]>>()
  private readonly status = new Set<Listener<[TransportStatus, TransportStatusDetail?]>>()

  emitPresence(event: PresenceEvent): void {
    for (const listener of this.presence) listener(event)
  }

  emitStatus(status: TransportStatus): void {
    for (const listener of this.status) listener(status)
  }

  track(): Promise<void> {
    return Promise.resolve()
  }

  untrack(): Promise<void> {
    return Promise.resolve()
  }

  send(): Promise<void> {
    return Promise.resolve()
  }

  onPresence(listener: Listener<[PresenceEvent]>): () => void {
    this.presence.add(listener)
    return () => this.presence.delete(listener)
  }

  onMessage(): () => void {
    return () => {}
  }

  onStatus(listener: Listener<[TransportStatus, TransportStatusDetail?]>): () => void {
    this.status.add(listener)
    return () => this.status.delete(listener)
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/**
 * The transport as the client sees it, with one addition: after the client's own listener has
 * handled a presence event, `after` runs with it. That is how a step knows it is over.
 */
function spied(inner: PresenceTransport, after: (event: PresenceEvent) => void): PresenceTransport {
  return {
    openRoom(roomId: string, options: OpenRoomOptions): TransportRoom {
      const room = inner.openRoom(roomId, options)
      return {
        track: (meta) => room.track(meta),
        untrack: () => room.untrack(),
        send: (event, payload) => room.send(event, payload),
        onMessage: (event, listener) => room.onMessage(event, listener),
        onStatus: (listener) => room.onStatus(listener),
        close: () => room.close(),
        onPresence: (listener) =>
          room.onPresence((event) => {
            listener(event)
            after(event)
          }),
      }
    },
  }
}

/** One update as heard: the member's new ref and meta, and the ref it replaces. */
interface Heard {
  readonly key: string
  readonly joined: TransportMeta
  readonly left: TransportMeta
}

export interface UpdateFixture {
  readonly kind: TrustKind
  /** Hears the next update; resolves to its ns once the client has handled its join and leave. */
  step(): Promise<bigint>
  /** Updates that can be heard (the verified ones were signed beforehand). */
  readonly steps: number
  /** Online members in the observer's snapshot. */
  online(): number
  /** Throws unless every update heard was applied and nothing was dropped or reported. */
  check(): void
  dispose(): void
}

export const OBSERVER_ID = '00000000-0000-4000-8000-0000000face0'
const OBSERVER_SESSION = 'sess-observer'
const SCOPE = { roomId: ROOM_ID, private: false } as const
/** A session's window: its lease (the fixture's metas have a 30 s lease). */
const WINDOW_MS = 30_000
/** Signatures made at once while preparing. */
const SIGNING_CHUNK = 256

/** Yields to the event loop (WebCrypto completes on its thread pool) until `check` holds. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

async function inChunks<T>(count: number, make: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = []
  for (let first = 0; first < count; first += SIGNING_CHUNK) {
    const chunk = Array.from({ length: Math.min(SIGNING_CHUNK, count - first) }, (_, i) =>
      make(first + i),
    )
    out.push(...(await Promise.all(chunk)))
  }
  return out
}

/**
 * A room of `size` members (besides the observer) that the observer has synced, and `steps`
 * updates to hear, going round the members (so each touches the member touched longest ago). For
 * `unverified` the metas are plain and the updates unbounded.
 */
export async function createUpdateFixture(
  kind: TrustKind,
  size: number,
  steps: number,
  setup: SigningSetup,
): Promise<UpdateFixture> {
  const fakeClock = createFakeClock(T0)
  const at = fakeClock.now()
  const issuer = issuerOf(setup, fakeClock)
  const verified = kind === 'verified'
  const signers: Signer[] = verified
    ? await inChunks(size, (m) => createSigner(issuer, userId(m), publish(m, 1).meta.session))
    : []
  const sign = async (m: number, meta: object): Promise<unknown> =>
    verified
      ? signers[m]!.sign(SCOPE, { kind: 'presence', key: userId(m) }, { ...meta }, at, WINDOW_MS)
      : meta

  // Every member's current ref and meta as the room holds them.
  const current: TransportMeta[] = await inChunks(size, async (m) => {
    const p = publish(m, 1)
    return { ref: p.ref, meta: await sign(m, p.meta) }
  })
  const initial = [...current]
  const seqs = Array.from({ length: size }, () => 1)
  /** The next update of member `m`: a new ref with the next seq (which views another page). */
  const next = async (m: number): Promise<Heard> => {
    const p = publish(m, ++seqs[m]!)
    const joined = { ref: p.ref, meta: await sign(m, p.meta) }
    const left = current[m]!
    current[m] = joined
    return { key: userId(m), joined, left }
  }
  // Verified updates are signed now, in the order they will be heard; plain ones are made as
  // needed, untimed.
  const prepared: Heard[] = []
  if (verified) {
    const order = Array.from({ length: steps }, (_, i) => i % size)
    // Chunks keep each member's seqs in order: a chunk signs at most one update per member when
    // the room is larger than the chunk, and several in order (awaited one after another) otherwise.
    for (let first = 0; first < steps; first += SIGNING_CHUNK) {
      const members = order.slice(first, first + SIGNING_CHUNK)
      const byMember = new Map<number, number[]>()
      members.forEach((m, i) => {
        byMember.set(m, [...(byMember.get(m) ?? []), first + i])
      })
      await Promise.all(
        [...byMember].map(async ([m, indices]) => {
          for (const index of indices) prepared[index] = await next(m)
        }),
      )
    }
  }

  let resolveLeave: () => void = () => {}
  const observer = observe(kind, setup, issuer, fakeClock, (event) => {
    if (event.type === 'leave') resolveLeave()
  })
  const { scripted, room } = observer
  let updates = 0
  room.on('update', () => updates++)
  const state: Record<string, TransportMeta[]> = {}
  for (let m = 0; m < size; m++) state[userId(m)] = [initial[m]!]
  scripted.emitPresence({ type: 'sync', state })
  const online = () => room.getSnapshot().counts.online
  await until(() => online() === size, `${kind}: the observer seeing ${size} members`)

  let taken = 0
  return {
    kind,
    steps: verified ? prepared.length : Number.POSITIVE_INFINITY,
    async step() {
      const heard = verified ? prepared[taken++] : await next(taken++ % size)
      if (!heard) throw new Error(`${kind}: no prepared update left (${prepared.length} signed)`)
      const applied = new Promise<void>((resolve) => {
        resolveLeave = resolve
      })
      const start = clock()
      scripted.emitPresence({ type: 'join', key: heard.key, metas: [heard.joined] })
      scripted.emitPresence({ type: 'leave', key: heard.key, metas: [heard.left] })
      await applied
      return clock() - start
    },
    online,
    check() {
      observer.check()
      if (updates !== taken || online() !== size)
        throw new Error(
          `${kind}: ${taken} updates heard, ${updates} applied, ${online()} of ${size} online`,
        )
    },
    dispose: () => observer.client.destroy(),
  }
}

interface Observer {
  readonly client: PresenceClient
  readonly room: PresenceRoom
  /** The room under the client (and under its verifying transport, when verified). */
  readonly scripted: ScriptedRoom
  /** Throws if the client reported anything. */
  check(): void
}

/**
 * The observer: a client (verified: with a trust from `issuer`) that has entered the room, whose
 * scripted room has joined. `after` runs after the client has handled each presence event.
 */
function observe(
  kind: TrustKind,
  setup: SigningSetup,
  issuer: CredentialIssuer,
  fakeClock: Clock & Scheduler,
  after: (event: PresenceEvent) => void,
): Observer {
  const scripted = new ScriptedRoom()
  const inner: PresenceTransport = { openRoom: () => scripted }
  const trust: PresenceTrust | undefined = kind === 'verified' ? trustOf(issuer, setup) : undefined
  const client: PresenceClient = createPresenceClient({
    userId: OBSERVER_ID,
    sessionId: OBSERVER_SESSION,
    clock: fakeClock,
    ...(trust
      ? {
          transport: inner,
          trust: {
            wrap: (transport, session) => spied(trust.wrap(transport, session), after),
            dispose: () => trust.dispose(),
          },
        }
      : { transport: spied(inner, after) }),
  })
  const errors: string[] = []
  client.on('error', (error) => errors.push(`${error.code}: ${error.message}`))
  const room = client.enter(ROOM_ID)
  scripted.emitStatus('joined')
  return {
    client,
    room,
    scripted,
    check() {
      if (errors.length > 0) throw new Error(`${kind}: the observer reported ${errors[0]}`)
    },
  }
}

export interface StormFixture {
  /**
   * `size` new sessions join the empty room one at a time, each heard once the one before it
   * has been applied; resolves to the CPU time (process-wide) and wall time the observer took.
   */
  run(): Promise<{ readonly cpuNs: number; readonly wallNs: number }>
  dispose(): void
}

/**
 * The join storm in process: `size` sessions, each with its own key and credential (verified: one
 * first hearing each — credential, session key and meta to verify), join an empty room.
 */
export async function createStormFixture(
  kind: TrustKind,
  size: number,
  setup: SigningSetup,
): Promise<StormFixture> {
  const fakeClock = createFakeClock(T0)
  const at = fakeClock.now()
  const issuer = issuerOf(setup, fakeClock)
  const joins: Heard[] = await inChunks(size, async (m) => {
    const p = publish(m, 1)
    const meta =
      kind === 'verified'
        ? await createSigner(issuer, userId(m), p.meta.session).then((signer) =>
            signer.sign(SCOPE, { kind: 'presence', key: userId(m) }, { ...p.meta }, at, WINDOW_MS),
          )
        : p.meta
    return { key: userId(m), joined: { ref: p.ref, meta }, left: { ref: p.ref, meta } }
  })
  let resolveJoin: () => void = () => {}
  const observer = observe(kind, setup, issuer, fakeClock, (event) => {
    if (event.type === 'join') resolveJoin()
  })
  observer.scripted.emitPresence({ type: 'sync', state: {} })
  const online = () => observer.room.getSnapshot().counts.online
  return {
    async run() {
      const cpu = process.cpuUsage()
      const start = clock()
      for (const join of joins) {
        const applied = new Promise<void>((resolve) => {
          resolveJoin = resolve
        })
        observer.scripted.emitPresence({ type: 'join', key: join.key, metas: [join.joined] })
        await applied
      }
      const wallNs = Number(clock() - start)
      const used = process.cpuUsage(cpu)
      observer.check()
      if (online() !== size) throw new Error(`${kind}: storm ended with ${online()} of ${size}`)
      return { cpuNs: (used.user + used.system) * 1e3, wallNs }
    },
    dispose: () => observer.client.destroy(),
  }
}
