/**
 * Mirrors your own presence to the presence route (POST /api/presence/status when it changes,
 * a heartbeat while the board is open), so the server's view — and so visible_presence() on the
 * next page load — matches the room. One update in flight at a time, the latest winning; a
 * failure is reported and the next change or heartbeat sends again.
 */
import type { PresenceClient, SelfPresence } from '@wedsync/presence-core'
import type { PresenceApiClient, StatusUpdate } from '@wedsync/presence-server/client'

/** Inside the server's 30 s lease. */
const HEARTBEAT_MS = 15_000

function updateOf(me: SelfPresence): StatusUpdate {
  return { status: me.status, customStatus: me.customStatus ?? null, activity: me.activity ?? null }
}

export function startStatusReporter(
  api: Pick<PresenceApiClient, 'setStatus' | 'heartbeat'>,
  client: Pick<PresenceClient, 'me' | 'on'>,
  onError: (error: unknown) => void,
): () => void {
  let sent: string | undefined
  let sending = false
  let stopped = false

  async function flush(): Promise<void> {
    if (stopped || sending) return
    const update = updateOf(client.me())
    const key = JSON.stringify(update)
    if (key === sent) return
    sending = true
    try {
      await api.setStatus(update)
      sent = key
    } catch (error) {
      onError(error)
      return
    } finally {
      sending = false
    }
    // A change that came while this one was on its way.
    await flush()
  }

  const off = client.on('status', () => void flush())
  const beat = setInterval(() => {
    if (sent === JSON.stringify(updateOf(client.me()))) api.heartbeat().catch(onError)
    else void flush()
  }, HEARTBEAT_MS)
  void flush()
  return () => {
    stopped = true
    off()
    clearInterval(beat)
  }
}
