import { createPresenceClient } from '@wedsync/presence-core'
import { PresenceServerError } from '@wedsync/presence-server/client'
import { createFakeActivity, createFakeClock, createMemoryHub } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { settingsOf, startPresenceReporter, statusUpdateOf } from './presence-reporter.js'

function setup(options: { privacy?: Parameters<typeof startPresenceReporter>[0]['privacy'] } = {}) {
  const clock = createFakeClock()
  const activity = createFakeActivity()
  const client = createPresenceClient({
    transport: createMemoryHub({ clock }).connect('maya'),
    userId: 'u-venue',
    clock,
    scheduler: clock,
    activity,
    idleAfterMs: 60_000,
  })
  const calls: string[] = []
  let refuse: PresenceServerError | undefined
  const api = {
    async setStatus(update: { status: string; customStatus?: unknown }) {
      if (refuse) {
        const error = refuse
        refuse = undefined
        calls.push(`refused ${update.status}`)
        throw error
      }
      calls.push(`status ${update.status}${update.customStatus ? ' +custom' : ''}`)
      return { presence: { userId: 'u-venue', status: 'online' as const }, changed: true }
    },
    async heartbeat() {
      calls.push('heartbeat')
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
  })
  return {
    clock,
    client,
    reporter,
    calls,
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
})
