/**
 * Child process of the supabase-transport bench: presence sessions on the local Realtime server,
 * one supabase-js client (one socket) each. `ours`: createPresenceClient over
 * createSupabaseTransport; `raw`: a realtime-js channel that tracks and, on every `sync`, reads
 * `channel.presenceState()`. Whole rooms live in one process, so the time a status was set and
 * the time another member saw it are read from the same clock. Also opens the joiners of the
 * join storm (raw channels tracking a valid session meta; after `sign`, the meta signed as a
 * verified session signs it, with its own session key and a credential from the run's issuer).
 */
import {
  constants,
  monitorEventLoopDelay,
  type PerformanceEntry,
  PerformanceObserver,
} from 'node:perf_hooks'
import { createClient, type RealtimeChannel } from '@supabase/supabase-js'
import { createPresenceClient, type PresenceClient } from '@wedsync/presence-core'
import { createSupabaseTransport, fullJitterReconnect } from '@wedsync/presence-supabase'
import { DEV_ANON_KEY } from '@wedsync/presence-testing/server'
// Node 20 has no global WebSocket: supabase-js takes the ws constructor as its transport.
import WebSocket from 'ws'
import type { SigningSetup } from './verified-signing.js'

export type SessionKind = 'ours' | 'raw'
type Manual = 'busy' | 'away'

export type SessionsCommand =
  | {
      readonly type: 'join'
      readonly kind: SessionKind
      readonly url: string
      /** Room numbers this process holds, whole. */
      readonly rooms: readonly number[]
      readonly roomSize: number
      /** Handshakes in flight at once. */
      readonly concurrency: number
    }
  | {
      readonly type: 'storm'
      readonly url: string
      readonly roomId: string
      readonly first: number
      readonly count: number
      readonly concurrency: number
    }
  | {
      /**
       * Before a storm: sign each joiner's meta (key pair, credential, signature, made here and
       * now, untimed) so the storm's joiners track it instead of the plain one. Answers `signed`.
       */
      readonly type: 'sign'
      readonly signing: SigningSetup
      readonly roomId: string
      readonly first: number
      readonly count: number
    }
  | { readonly type: 'run'; readonly intervalMs: number; readonly durationMs: number }
  | { readonly type: 'stop' }

/** A status change in flight: who set what, when (this process's clock). */
interface Change {
  readonly seq: number
  readonly status: Manual
  readonly sentAt: number
}

interface Session {
  readonly userId: string
  /** The room's changes in flight, shared by its members (all in this process). */
  readonly changes: Map<string, Change>
  /** Per member of the room, the last change this session has seen. */
  readonly seen: Map<string, number>
  set(status: Manual): void
  stop(): void
}

const sessions: Session[] = []
let latencies: number[] = []
let measuring = false
let errors = 0

function supabaseClient(url: string) {
  return createClient(url, DEV_ANON_KEY, {
    realtime: { transport: WebSocket as never, reconnectAfterMs: fullJitterReconnect() },
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  })
}

/** Records that `observer` saw `userId`'s change `change` now (once per change and observer). */
function saw(observer: Session, userId: string, change: Change | undefined, status: unknown): void {
  if (!measuring || !change || userId === observer.userId || status !== change.status) return
  if ((observer.seen.get(userId) ?? 0) >= change.seq) return
  observer.seen.set(userId, change.seq)
  latencies.push(performance.now() - change.sentAt)
}

/** A session meta as the core publishes it (so both kinds send the same size). */
function meta(userId: string, manual?: Manual) {
  const now = Date.now()
  return {
    v: 1,
    session: `s-${userId}`,
    status: 'online',
    seq: now,
    lease: 30_000,
    activeAgo: 0,
    ...(manual ? { manual: { status: manual, at: now } } : {}),
  }
}

/** One session to open: who, in which room (and how large the room is), against which server. */
interface SessionSpec {
  readonly url: string
  readonly userId: string
  readonly roomId: string
  /** The room's changes in flight, shared by its members. */
  readonly changes: Map<string, Change>
  readonly roomSize: number
}

/** A session being opened: `subscribed` once its channel joined, `ready` once it sees its room. */
interface Opening {
  readonly subscribed: Promise<unknown>
  readonly ready: Promise<Session>
}

function openOurs({ url, userId, roomId, changes, roomSize }: SessionSpec): Opening {
  const client: PresenceClient = createPresenceClient({
    transport: createSupabaseTransport(supabaseClient(url), { onError: () => errors++ }),
    userId,
    // Changes go out at once, as the raw pattern's do (the default 200 ms window batches them).
    heartbeat: { coalesceMs: 0 },
  })
  client.on('error', () => errors++)
  const room = client.enter(roomId)
  const session: Session = {
    userId,
    changes,
    seen: new Map(),
    set: (status) => client.setStatus(status),
    stop: () => client.destroy(),
  }
  room.on('update', (member) =>
    saw(session, member.userId, changes.get(member.userId), member.manualStatus),
  )
  const subscribed = new Promise<void>((resolve) => {
    const off = room.on('connection', (status) => {
      if (status !== 'joined') return
      off()
      resolve()
    })
  })
  const ready = new Promise<Session>((resolve) => {
    const off = room.subscribe(() => {
      const snapshot = room.getSnapshot()
      if (snapshot.size - snapshot.counts.offline < roomSize) return
      off()
      resolve(session)
    })
  })
  return { subscribed, ready }
}

function openRaw({ url, userId, roomId, changes, roomSize }: SessionSpec): Opening {
  const supabase = supabaseClient(url)
  const channel: RealtimeChannel = supabase.channel(`presence:${roomId}`, {
    config: { presence: { key: userId } },
  })
  const session: Session = {
    userId,
    changes,
    seen: new Map(),
    set: (status) => {
      void channel.track(meta(userId, status)).then((r) => r === 'ok' || errors++)
    },
    stop: () => void supabase.realtime.disconnect(),
  }
  let joined = false
  let resolveReady: (session: Session) => void = () => {}
  const ready = new Promise<Session>((resolve) => {
    resolveReady = resolve
  })
  const subscribed = new Promise<void>((resolve) => {
    channel
      .on('presence', { event: 'sync' }, () => {
        // The supabase-js way: the whole room, copied, on every sync.
        const state = channel.presenceState<{ manual?: { status: Manual } }>()
        if (!joined && Object.keys(state).length >= roomSize) {
          joined = true
          resolveReady(session)
        }
        for (const [member, change] of changes)
          saw(session, member, change, state[member]?.[0]?.manual?.status)
      })
      .subscribe((status) => {
        if (status !== 'SUBSCRIBED') return
        void channel.track(meta(userId))
        resolve()
      })
  })
  return { subscribed, ready }
}

/** Runs `open` for `count` items with at most `concurrency` in flight. */
async function pool(
  count: number,
  concurrency: number,
  open: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < count) await open(next++)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
}

async function join(command: Extract<SessionsCommand, { type: 'join' }>): Promise<void> {
  const started = performance.now()
  const members = command.rooms.flatMap((room) =>
    Array.from({ length: command.roomSize }, (_, i) => ({
      room,
      userId: `u${room * command.roomSize + i}`,
    })),
  )
  const changesOf = new Map(command.rooms.map((room) => [room, new Map<string, Change>()]))
  const open = command.kind === 'ours' ? openOurs : openRaw
  const ready: Promise<Session>[] = []
  // A session counts as joined when it sees its whole room, which needs the others to join too:
  // open them all (at most `concurrency` handshakes at once), then wait for every room.
  await pool(members.length, command.concurrency, async (i) => {
    const { room, userId } = members[i]!
    const opening = open({
      url: command.url,
      userId,
      roomId: `room-${room}`,
      changes: changesOf.get(room)!,
      roomSize: command.roomSize,
    })
    ready.push(opening.ready)
    await opening.subscribed
  })
  sessions.push(...(await Promise.all(ready)))
  process.send?.({ type: 'joined', ms: performance.now() - started })
}

/** What each storm joiner tracks: a long lease, as the storm on a loaded machine may outlast 30 s. */
function stormMeta(userId: string) {
  return { ...meta(userId), lease: 600_000 }
}

/** Signed storm metas by joiner, after `sign`. */
const signedMetas = new Map<string, Record<string, unknown>>()

async function sign(command: Extract<SessionsCommand, { type: 'sign' }>): Promise<void> {
  const { createSigner, issuerOf } = await import('./verified-signing.js')
  const issuer = issuerOf(command.signing)
  const scope = { roomId: command.roomId, private: false }
  await pool(command.count, 50, async (i) => {
    const userId = `j${command.first + i}`
    const body = stormMeta(userId)
    const signer = await createSigner(issuer, userId, body.session)
    const subject = { kind: 'presence', key: userId } as const
    signedMetas.set(userId, await signer.sign(scope, subject, body, Date.now(), body.lease))
  })
  process.send?.({ type: 'signed' })
}

async function storm(command: Extract<SessionsCommand, { type: 'storm' }>): Promise<void> {
  await pool(command.count, command.concurrency, (i) => {
    const userId = `j${command.first + i}`
    const supabase = supabaseClient(command.url)
    const channel = supabase.channel(`presence:${command.roomId}`, {
      config: { presence: { key: userId } },
    })
    sessions.push({
      userId,
      changes: new Map(),
      seen: new Map(),
      set: () => {},
      stop: () => void supabase.realtime.disconnect(),
    })
    return new Promise<void>((resolve) => {
      channel.subscribe((status) => {
        if (status === 'SUBSCRIBED')
          void channel.track(signedMetas.get(userId) ?? stormMeta(userId)).then(() => resolve())
      })
    })
  })
  process.send?.({ type: 'stormed' })
}

/** `PerformanceEntry.detail.kind` of a GC entry (perf_hooks.constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
}

/** GC pauses and event-loop delay in this process while measuring: what a tail is made of. */
function watchProcess() {
  const pauses: number[] = []
  const byKind: Record<string, number> = {}
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      pauses.push(entry.duration)
      // A gc entry's `detail` says its kind (Node ≥ 16; not in every @types/node's PerformanceEntry).
      const { detail } = entry as PerformanceEntry & { detail?: { kind?: number } }
      const kind = GC_KINDS[detail?.kind ?? 0] ?? 'other'
      byKind[kind] = (byKind[kind] ?? 0) + entry.duration
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  return () => {
    observer.disconnect()
    delay.disable()
    ;(globalThis as { gc?: () => void }).gc?.()
    return {
      heapMb: process.memoryUsage().heapUsed / 2 ** 20,
      gcMs: pauses.reduce((sum, ms) => sum + ms, 0),
      gcMaxMs: Math.max(0, ...pauses),
      gcByKindMs: byKind,
      loopP99Ms: delay.percentile(99) / 1e6,
      loopMaxMs: delay.max / 1e6,
    }
  }
}

async function run(intervalMs: number, durationMs: number): Promise<void> {
  latencies = []
  measuring = true
  const watched = watchProcess()
  let updates = 0
  const timers: NodeJS.Timeout[] = []
  for (const session of sessions) {
    let seq = 0
    const tick = () => {
      seq++
      updates++
      const status: Manual = seq % 2 === 1 ? 'busy' : 'away'
      session.changes.set(session.userId, { seq, status, sentAt: performance.now() })
      session.set(status)
    }
    timers.push(
      setTimeout(() => {
        tick()
        timers.push(setInterval(tick, intervalMs))
      }, Math.random() * intervalMs),
    )
  }
  await new Promise((resolve) => setTimeout(resolve, durationMs))
  for (const timer of timers) clearTimeout(timer)
  // Let the last changes land before reporting.
  await new Promise((resolve) => setTimeout(resolve, 2_000))
  measuring = false
  process.send?.({ type: 'ran', updates, latencies, errors, process: watched() })
}

process.on('message', (command: SessionsCommand) => {
  if (command.type === 'join') void join(command)
  else if (command.type === 'storm') void storm(command)
  else if (command.type === 'sign') void sign(command)
  else if (command.type === 'run') void run(command.intervalMs, command.durationMs)
  else {
    for (const session of sessions) session.stop()
    process.exit(0)
  }
})
process.on('disconnect', () => process.exit(0))
process.send?.({ type: 'ready' })
