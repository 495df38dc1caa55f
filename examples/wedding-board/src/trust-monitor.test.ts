import { PresenceError } from '@wedsync/presence-core'
import { describe, expect, it } from 'vitest'
import { createTrustMonitor, describeTrust } from './trust-monitor.js'

const dropped = (reason: string) =>
  new PresenceError(
    'PRESENCE_NOT_VERIFIED',
    `Dropped presence for "u-photo" in wedding:123: it ${reason}`,
    { details: { reason: 'missing-proof' } },
  )

describe('the trust monitor', () => {
  it('counts the updates a verified board dropped, keeps the last reason, and tells its listeners', () => {
    const monitor = createTrustMonitor('verified')
    let changes = 0
    monitor.subscribe(() => changes++)
    expect(describeTrust(monitor.current())).toMatch(/^Verified: .* checked before it is shown\.$/)
    const before = monitor.current()

    expect(monitor.report(new PresenceError('PRESENCE_TRANSPORT_FAILED', 'socket'))).toBe(false)
    expect(monitor.current()).toBe(before)
    expect(monitor.report(dropped('carries no proof (sent by an unverified client)'))).toBe(true)
    expect(monitor.report(dropped('has a signature that does not match'))).toBe(true)

    expect(changes).toBe(2)
    expect(monitor.current()).toEqual({
      mode: 'verified',
      dropped: 2,
      lastDrop: 'presence for "u-photo" in wedding:123: it has a signature that does not match',
    })
    expect(describeTrust(monitor.current())).toContain(
      '2 updates that could not be verified were dropped; the last: presence for "u-photo"',
    )
  })

  it('an unverified board says why, and has nothing to count', () => {
    const monitor = createTrustMonitor('unverified', 'this board has no presence API')
    expect(monitor.report(dropped('carries no proof'))).toBe(true)
    expect(monitor.current()).toEqual({
      mode: 'unverified',
      reason: 'this board has no presence API',
    })
    expect(describeTrust(monitor.current())).toBe(
      'Unverified: what this board shows is each sender’s own claim, because this board has no presence API.',
    )
  })
})
