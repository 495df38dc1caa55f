/**
 * Records the simulated suppliers' presence in the presence server's store, as their own apps
 * would through `POST /presence/status`, `/presence/heartbeat` and `/presence/leave`, per session
 * (the client's `sessionId`): every change of status or custom status, a heartbeat while they are
 * present (the server's lease keeps the session live), and the session's end when they leave (the
 * store recomputes the user over their other sessions). A transition of the user, as the store
 * records it, also goes to the router, which releases what it held for them. Writes for one user
 * happen in order; failures are reported, never thrown.
 */
import type { Clock, PresenceClient, Scheduler, SelfPresence, Status } from '@wedsync/presence-core'
import type { PresenceStore, StatusChange } from '@wedsync/presence-server'

export interface PresenceRecorderOptions {
  readonly store: Pick<PresenceStore, 'recordStatus' | 'recordHeartbeat' | 'endSession'>
  /** Told about each status change (the notification router's `onPresenceChange`). */
  readonly onStatusChange?: (userId: string, status: Status) => unknown
  readonly clock: Clock
  readonly scheduler: Scheduler
  /** Between heartbeats of a present user. Default 10 s: well inside the server's 30 s lease. */
  readonly heartbeatMs?: number
  readonly onError?: (error: unknown) => void
}

export interface PresenceRecorder {
  /** The user's presence now; `undefined` when they left (their last session closed). */
  record(userId: string, self: SelfPresence | undefined): void
  /** Records a client's presence from now on; the returned function stops and records it gone. */
  follow(client: PresenceClient): () => void
  /** Resolves when every write asked for so far is done. */
  settled(): Promise<void>
  /** Stops the heartbeats (what is stored stays). */
  stop(): void
}

/**
 * What a change writes for the session: status and custom status; activity only when the client
 * has one. A bot has one session at a time, whose own manual status is the user's, so `status`
 * says it all (a store reads `busy` as that session's manual busy).
 */
export function statusChangeOf(
  userId: string,
  self: SelfPresence | undefined,
  at: number,
): StatusChange {
  if (!self) return { userId, status: 'offline', at }
  return {
    userId,
    sessionId: self.sessionId,
    status: self.status,
    at,
    customStatus: self.customStatus ?? null,
    ...(self.activity ? { activity: self.activity } : {}),
  }
}

export function createPresenceRecorder(options: PresenceRecorderOptions): PresenceRecorder {
  const { store, clock, scheduler } = options
  const heartbeatMs = options.heartbeatMs ?? 10_000
  const report = (error: unknown) => options.onError?.(error)
  /**
   * Per user: the last change written (as JSON, without its time), the session it was for (none
   * once it ended) and the write queue.
   */
  const users = new Map<
    string,
    { key: string; sessionId: string | undefined; queue: Promise<void> }
  >()
  let stopped = false

  const enqueue = (userId: string, work: () => Promise<unknown>) => {
    const user = users.get(userId)
    if (!user) return
    user.queue = user.queue.then(work).then(
      () => undefined,
      (error: unknown) => report(error),
    )
  }

  const record = (userId: string, self: SelfPresence | undefined) => {
    const change = statusChangeOf(userId, self, clock.now())
    const { at: _at, ...visible } = change
    const key = JSON.stringify(visible)
    const user = users.get(userId)
    if (user?.key === key) return
    const ended = user?.sessionId
    users.set(userId, {
      key,
      sessionId: change.sessionId,
      queue: user?.queue ?? Promise.resolve(),
    })
    enqueue(userId, async () => {
      // Gone: the session ends (the user's other sessions, if any, still count).
      const result =
        change.sessionId === undefined
          ? ended !== undefined && store.endSession
            ? await store.endSession(userId, ended, change.at)
            : await store.recordStatus(change)
          : await store.recordStatus(change)
      if (result.transition) await options.onStatusChange?.(userId, result.transition.to)
    })
  }

  let cancel: (() => void) | undefined
  const beat = () => {
    if (stopped) return
    const at = clock.now()
    for (const [userId, user] of users) {
      const { sessionId } = user
      if (sessionId !== undefined)
        enqueue(userId, () => store.recordHeartbeat(userId, at, { sessionId }))
    }
    cancel = scheduler.schedule(heartbeatMs, beat)
  }
  cancel = scheduler.schedule(heartbeatMs, beat)

  return {
    record,
    follow(client) {
      const userId = client.userId
      record(userId, client.me())
      const off = client.on('status', (self) => record(userId, self))
      return () => {
        off()
        record(userId, undefined)
      }
    },
    async settled() {
      await Promise.all([...users.values()].map((u) => u.queue))
    },
    stop() {
      stopped = true
      cancel?.()
    },
  }
}
