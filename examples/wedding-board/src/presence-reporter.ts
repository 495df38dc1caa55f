/**
 * Mirrors your own presence to the presence API, so the server's view (team availability, the
 * router's idea of who is where, last seen) matches what the room shows: your status and custom
 * status when they change, a heartbeat while the board is open, and your privacy switches as
 * settings. Privacy holds on the way out too: while you appear offline nothing but that setting is
 * sent, and what you stop sharing is not sent. One status update in flight at a time, the latest
 * winning; a refusal (rate limit, network) waits, then tries again.
 */
import {
  type Clock,
  type PresenceClient,
  type PrivacySettings,
  type Scheduler,
  type SelfPresence,
  systemClock,
  systemScheduler,
} from '@wedsync/presence-core'
import {
  isPresenceServerError,
  type PresenceApiClient,
  type SettingsUpdate,
  type StatusUpdate,
} from '@wedsync/presence-server/client'

export interface PresenceReporterOptions {
  readonly api: Pick<PresenceApiClient, 'setStatus' | 'heartbeat' | 'updateSettings'>
  readonly client: Pick<PresenceClient, 'me' | 'on'>
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
  stop(): void
}

/** What to send for `self`: no activity unless you share it (null clears what was stored). */
export function statusUpdateOf(self: SelfPresence, privacy: PrivacySettings): StatusUpdate {
  return {
    status: self.status,
    customStatus: self.customStatus ?? null,
    activity: privacy.showActivity === false ? null : (self.activity ?? null),
  }
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

  async function flush(): Promise<void> {
    if (stopped || inFlight || privacy.appearOffline || clock.now() < blockedUntil) return
    const update = statusUpdateOf(client.me(), privacy)
    const key = JSON.stringify(update)
    if (key === sentKey) return
    inFlight = true
    try {
      await api.setStatus(update)
      sentKey = key
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
    if (!privacy.appearOffline) {
      if (sentKey === JSON.stringify(statusUpdateOf(client.me(), privacy)))
        api.heartbeat().catch(report)
      else void flush()
    }
    cancelBeat = scheduler.schedule(heartbeatMs, beat)
  }

  const off = client.on('status', () => void flush())
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
      stopped = true
      off()
      cancelBeat?.()
      cancelRetry?.()
    },
  }
}
