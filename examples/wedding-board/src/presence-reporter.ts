/**
 * Mirrors your own presence to the presence API, so the server's view (team availability, the
 * router's idea of who is where, last seen) matches what the room shows: your status and custom
 * status when they change, a heartbeat while the board is open, and your privacy switches as
 * settings. Privacy holds on the way out too: while you appear offline nothing but that setting is
 * sent, and what you stop sharing is not sent. One status update in flight at a time, the latest
 * winning; a refusal (rate limit, network) waits, then tries again.
 *
 * Per session (given `published`): the report names this session (`sessionId`) and carries the
 * inputs its room meta carries (`session`: automatic status, stamped manual and custom statuses,
 * calendar, activeAgo), so the server aggregates a person's devices by the rooms' rule — a phone
 * going idle does not make a person whose laptop is in use idle on the server. With a session
 * credential (verified presence) every request carries it (`x-presence-session`). `stop` leaves
 * (`POST /presence/leave`): the session stops counting at once. Given `leader` (the tab client),
 * only the tab whose session publishes in rooms reports: the server sees what the rooms see.
 */
import {
  type Clock,
  type PresenceClient,
  type PrivacySettings,
  type Scheduler,
  type SelfPresence,
  type SessionMeta,
  systemClock,
  systemScheduler,
} from '@wedsync/presence-core'
import { sessionInputsOf } from '@wedsync/presence-server'
import {
  isPresenceServerError,
  type PresenceApiClient,
  type SettingsUpdate,
  type StatusUpdate,
} from '@wedsync/presence-server/client'

/** Which tab leads (`TabPresenceClient`'s `isLeader` and `tabs.onLeaderChange`). */
export interface ReporterLeadership {
  isLeader(): boolean
  onLeaderChange(listener: (leading: boolean) => void): () => void
}

export interface PresenceReporterOptions {
  readonly api: Pick<PresenceApiClient, 'setStatus' | 'heartbeat' | 'updateSettings' | 'leave'>
  readonly client: Pick<PresenceClient, 'me' | 'on'>
  /**
   * What this session publishes in rooms (`createPublishedSession`): reports go per session, with
   * its inputs. Absent: to the user's one implicit session (last write wins between devices).
   */
  readonly published?: { current(): SessionMeta | undefined; subscribe(l: () => void): () => void }
  /** Only the leading tab reports; absent: this page always does. */
  readonly leader?: ReporterLeadership
  /**
   * The session's credential (verified presence), sent as `x-presence-session`; may wait for it
   * (a credential book's `get`). Absent: requests carry none (a server without credentials).
   */
  readonly sessionCredential?: (
    sessionId: string,
  ) => Promise<string | undefined> | string | undefined
  readonly privacy: PrivacySettings
  readonly clock?: Clock
  readonly scheduler?: Scheduler
  /** Between heartbeats. Default 15 s: inside the server's 30 s lease. */
  readonly heartbeatMs?: number
  /** How long a settings change may take before `setPrivacy` gives up waiting. Default 3 s. */
  readonly settingsTimeoutMs?: number
  readonly onError?: (error: unknown) => void
}

export interface PresenceReporter {
  /**
   * Sends the new settings; resolves once the server has them, refused them, or did not answer
   * within `settingsTimeoutMs` — so a caller waiting on it before hiding locally never waits long.
   */
  setPrivacy(privacy: PrivacySettings): Promise<void>
  /** Stops reporting and leaves: the session stops counting on the server at once. */
  stop(): void
}

/**
 * What to send for `self`: no activity unless you share it (null clears what was stored). With
 * `meta` (what the session last published), the session and its inputs as the room has them.
 */
export function statusUpdateOf(
  self: SelfPresence,
  privacy: PrivacySettings,
  meta?: SessionMeta,
): StatusUpdate {
  return {
    status: self.status,
    customStatus: self.customStatus ?? null,
    // The room's activity (what you view there) when the session publishes one.
    activity: privacy.showActivity === false ? null : (meta?.activity ?? self.activity ?? null),
    ...(meta && { sessionId: meta.session, session: sessionInputsOf(meta) }),
  }
}

/**
 * Whether two updates say the same: activeAgo is left out (it grows with every publish, and a
 * report per publish would spend the status budget; heartbeats keep the session live meanwhile).
 */
function keyOf(update: StatusUpdate): string {
  if (!update.session) return JSON.stringify(update)
  const { activeAgo: _, ...inputs } = update.session
  return JSON.stringify({ ...update, session: inputs })
}

/** The server's settings for the board's privacy switches (unset switches at their defaults). */
export function settingsOf(privacy: PrivacySettings): SettingsUpdate {
  return {
    appearOffline: privacy.appearOffline === true,
    showActivity: privacy.showActivity !== false,
    showLastSeen: privacy.showLastSeen !== false,
  }
}

export function startPresenceReporter(options: PresenceReporterOptions): PresenceReporter {
  const { api, client } = options
  const clock = options.clock ?? systemClock
  const scheduler = options.scheduler ?? systemScheduler
  const heartbeatMs = options.heartbeatMs ?? 15_000
  const report = (error: unknown) => options.onError?.(error)
  let privacy = options.privacy
  let sentKey: string | undefined
  let inFlight = false
  let blockedUntil = 0
  let stopped = false
  let cancelRetry: (() => void) | undefined

  const leading = () => options.leader?.isLeader() ?? true
  /** The session reported to (per-session reporting), for heartbeats and the leave. */
  let reported: string | undefined
  const credentialOf = async (sessionId: string | undefined) => {
    const credential =
      sessionId === undefined ? undefined : await options.sessionCredential?.(sessionId)
    return credential ? { sessionCredential: credential } : {}
  }
  /** The update to send now; undefined when this page has nothing to report. */
  const current = (): StatusUpdate | undefined => {
    if (!options.published) return statusUpdateOf(client.me(), privacy)
    // Per session: what the room has. Nothing published (not in a room yet) is nothing to say.
    const meta = options.published.current()
    return meta && statusUpdateOf(client.me(), privacy, meta)
  }

  async function flush(): Promise<void> {
    if (stopped || inFlight || privacy.appearOffline || clock.now() < blockedUntil) return
    if (!leading()) return
    const update = current()
    if (!update) return
    const key = keyOf(update)
    if (key === sentKey) return
    inFlight = true
    try {
      await api.setStatus(update, await credentialOf(update.sessionId))
      sentKey = key
      reported = update.sessionId
    } catch (error) {
      const waitMs =
        isPresenceServerError(error) && error.retryAfterMs ? error.retryAfterMs : heartbeatMs
      blockedUntil = clock.now() + waitMs
      cancelRetry?.()
      cancelRetry = scheduler.schedule(waitMs, () => void flush())
      report(error)
    } finally {
      inFlight = false
    }
    // A change that came while the update was on its way.
    await flush()
  }

  let cancelBeat: (() => void) | undefined
  const beat = () => {
    if (stopped) return
    if (!privacy.appearOffline && leading()) {
      const update = current()
      if (update && sentKey === keyOf(update)) {
        const sessionId = reported
        credentialOf(sessionId)
          .then((credential) =>
            api.heartbeat({ ...(sessionId !== undefined && { sessionId }), ...credential }),
          )
          .catch(report)
      } else void flush()
    }
    cancelBeat = scheduler.schedule(heartbeatMs, beat)
  }

  /** Ends the reported session on the server (this tab stops leading, or the page goes). */
  const leave = () => {
    if (reported === undefined) return
    const sessionId = reported
    reported = sentKey = undefined
    credentialOf(sessionId)
      .then((credential) => api.leave({ sessionId, ...credential }))
      .catch(report)
  }
  // Per session the room's meta is what is sent: a change counts once the room publishes it
  // (the status event comes first, while the meta still holds the previous inputs).
  const offStatus = options.published
    ? options.published.subscribe(() => void flush())
    : client.on('status', () => void flush())
  const offLeader = options.leader?.onLeaderChange((leads) => {
    if (leads) {
      sentKey = undefined
      void flush()
    } else leave()
  })
  const off = () => {
    offStatus()
    offLeader?.()
  }
  void api
    .updateSettings(settingsOf(privacy))
    .catch(report)
    .then(() => flush())
  cancelBeat = scheduler.schedule(heartbeatMs, beat)

  return {
    async setPrivacy(next) {
      privacy = next
      try {
        await api.updateSettings(settingsOf(next), {
          signal: AbortSignal.timeout(options.settingsTimeoutMs ?? 3_000),
        })
      } catch (error) {
        report(error)
      }
      // Back from appearing offline, or sharing less: what the server holds is redone.
      sentKey = undefined
      await flush()
    },
    stop() {
      if (stopped) return
      stopped = true
      off()
      cancelBeat?.()
      cancelRetry?.()
      leave()
    },
  }
}
