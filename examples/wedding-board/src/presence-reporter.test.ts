import { createPresenceClient } from '@wedsync/presence-core'
import { PresenceServerError, type StatusUpdate } from '@wedsync/presence-server/client'
import { createFakeActivity, createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { settingsOf, startPresenceReporter, statusUpdateOf } from './presence-reporter.js'
import { createPublishedSession } from './published-session.js'

type ReporterOptions = Parameters<typeof startPresenceReporter>[0]

function setup(
  options: {
    privacy?: ReporterOptions['privacy']
    perSession?: boolean
    leader?: ReporterOptions['leader']
  } = {},
) {
  const clock = createFakeClock()
  const activity = createFakeActivity()
  const published = createPublishedSession()
  const hub = createMemoryHub({ clock }).connect('maya')
  const client = createPresenceClient({
    transport: options.perSession ? published.wrap(hub) : hub,
    userId: 'u-venue',
    clock,
    scheduler: clock,
    activity,
    idleAfterMs: 60_000,
  })
  const calls: string[] = []
  const updates: StatusUpdate[] = []
  const credentials: (string | undefined)[] = []
  let refuse: PresenceServerError | undefined
  const api = {
    async setStatus(update: StatusUpdate, request?: { sessionCredential?: string }) {
      updates.push(update)
      credentials.push(request?.sessionCredential)
      if (refuse) {
        const error = refuse
        refuse = undefined
        calls.push(`refused ${update.status}`)
        throw error
      }
      calls.push(`status ${update.status}${update.customStatus ? ' +custom' : ''}`)
      return { presence: { userId: 'u-venue', status: 'online' as const }, changed: true }
    },
    async heartbeat(request?: { sessionId?: string; sessionCredential?: string }) {
      calls.push(`heartbeat${request?.sessionId ? ` ${request.sessionId}` : ''}`)
    },
    async leave(request?: { sessionId?: string; sessionCredential?: string }) {
      calls.push(`leave ${request?.sessionId} ${request?.sessionCredential}`)
      return { changed: true }
    },
    async updateSettings(patch: object) {
      calls.push(`settings ${JSON.stringify(patch)}`)
      return {
        visibility: 'everyone' as const,
        showActivity: true,
        showLastSeen: true,
        appearOffline: false,
      }
    },
  }
  const errors: unknown[] = []
  const reporter = startPresenceReporter({
    api,
    client,
    privacy: options.privacy ?? {},
    clock,
    scheduler: clock,
    heartbeatMs: 15_000,
    onError: (e) => errors.push(e),
    ...(options.perSession && {
      published,
      sessionCredential: (sessionId: string) => `credential-of-${sessionId}`,
    }),
    ...(options.leader && { leader: options.leader }),
  })
  return {
    clock,
    client,
    reporter,
    calls,
    updates,
    credentials,
    activity,
    errors,
    refuseNext: (e: PresenceServerError) => {
      refuse = e
    },
  }
}

describe('statusUpdateOf and settingsOf', () => {
  const self = {
    userId: 'u',
    sessionId: 's',
    status: 'busy' as const,
    automaticStatus: 'online' as const,
    activity: { action: 'viewing', target: 'timeline' },
    lastInputAt: 0,
    hidden: false,
    appearOffline: false,
  }
  it('sends activity only while it is shared', () => {
    expect(statusUpdateOf(self, {})).toEqual({
      status: 'busy',
      customStatus: null,
      activity: { action: 'viewing', target: 'timeline' },
    })
    expect(statusUpdateOf(self, { showActivity: false }).activity).toBeNull()
  })
  it('spells out every switch', () => {
    expect(settingsOf({})).toEqual({ appearOffline: false, showActivity: true, showLastSeen: true })
    expect(settingsOf({ appearOffline: true, showLastSeen: false })).toEqual({
      appearOffline: true,
      showActivity: true,
      showLastSeen: false,
    })
  })
})

describe('the presence reporter', () => {
  it('sends settings first, then each change of status, and heartbeats in between', async () => {
    const { clock, client, calls, reporter } = setup()
    await clock.flush()
    expect(calls).toEqual([
      'settings {"appearOffline":false,"showActivity":true,"showLastSeen":true}',
      'status online',
    ])
    client.setStatus('busy')
    client.setCustomStatus({ text: 'At a venue' })
    await clock.flush()
    await clock.advance(15_000)
    expect(calls.slice(2)).toEqual(['status busy', 'status busy +custom', 'heartbeat'])
    reporter.stop()
    client.destroy()
    expect(clock.pending()).toBe(0)
  })

  it('sends nothing but the setting while you appear offline', async () => {
    const { clock, client, calls, reporter } = setup({ privacy: { appearOffline: true } })
    client.setStatus('busy')
    await clock.advance(60_000)
    expect(calls).toEqual([
      'settings {"appearOffline":true,"showActivity":true,"showLastSeen":true}',
    ])
    await reporter.setPrivacy({})
    expect(calls.slice(1)).toEqual([
      'settings {"appearOffline":false,"showActivity":true,"showLastSeen":true}',
      'status busy',
    ])
    reporter.stop()
  })

  it('waits as long as a rate limit asks, then sends the latest', async () => {
    const { clock, client, calls, errors, refuseNext, reporter } = setup()
    await clock.flush()
    refuseNext(
      new PresenceServerError('PRESENCE_RATE_LIMITED', undefined, { retryAfterMs: 20_000 }),
    )
    client.setStatus('busy')
    await clock.flush()
    client.setStatus('away')
    await clock.advance(19_000)
    expect(calls.slice(2)).toEqual(['refused busy'])
    await clock.advance(1_000)
    expect(calls.slice(2)).toEqual(['refused busy', 'status away'])
    expect(errors).toHaveLength(1)
    reporter.stop()
  })

  it('per session: sends what the room has (stamps included), with the credential, and leaves', async () => {
    const { clock, client, calls, updates, credentials, reporter } = setup({ perSession: true })
    await clock.flush()
    // Not in a room yet: nothing published, nothing to report.
    expect(calls).toEqual([
      'settings {"appearOffline":false,"showActivity":true,"showLastSeen":true}',
    ])
    client.enter('wedding:123')
    await clock.flush()
    expect(updates.at(-1)).toMatchObject({
      status: 'online',
      sessionId: client.sessionId,
      session: { automatic: 'online' },
    })
    const setAt = clock.now()
    client.setStatus('busy')
    // Sent once the room publishes it (the room spaces its presence calls), not before.
    await clock.advance(5_000)
    const busy = updates.at(-1)!
    // The manual status's stamp is the one the room's meta carries: when it was set.
    expect(busy).toMatchObject({
      status: 'busy',
      sessionId: client.sessionId,
      session: { automatic: 'online', manual: { status: 'busy', at: setAt } },
    })
    expect(updates.filter((u) => u.status === 'busy')).toHaveLength(1)
    expect(credentials.at(-1)).toBe(`credential-of-${client.sessionId}`)
    const sent = updates.length
    await clock.advance(10_000)
    // Nothing new but activeAgo: a heartbeat of the session, not another report.
    expect(updates).toHaveLength(sent)
    expect(calls.at(-1)).toBe(`heartbeat ${client.sessionId}`)
    reporter.stop()
    await clock.flush()
    expect(calls.at(-1)).toBe(`leave ${client.sessionId} credential-of-${client.sessionId}`)
    client.destroy()
  })

  it('only the leading tab reports, from when it leads; one that stops leading leaves', async () => {
    let leads = false
    let tell: (leading: boolean) => void = () => {}
    const leader = {
      isLeader: () => leads,
      onLeaderChange: (listener: (leading: boolean) => void) => {
        tell = listener
        return () => {}
      },
    }
    const { clock, client, calls, updates, reporter } = setup({ perSession: true, leader })
    client.enter('wedding:123')
    await clock.advance(30_000)
    expect(updates).toEqual([])
    expect(calls.filter((c) => c.startsWith('heartbeat'))).toEqual([])
    leads = true
    tell(true)
    await clock.flush()
    expect(updates).toHaveLength(1)
    leads = false
    tell(false)
    await clock.flush()
    expect(calls.at(-1)).toBe(`leave ${client.sessionId} credential-of-${client.sessionId}`)
    reporter.stop()
    await clock.flush()
    expect(calls.filter((c) => c.startsWith('leave'))).toHaveLength(1)
    client.destroy()
  })
})
