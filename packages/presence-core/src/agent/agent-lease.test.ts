/**
 * The agent's lease as pure functions: TTL bounds, the custom status bounded by the lease, and the
 * invariant the shell relies on (a lease started by an input ends before the agent could idle).
 */
import { describe, expect, it } from 'vitest'
import { automaticStatus, nextAutomaticChangeAt } from '../status-policy.js'
import {
  AGENT_STATUS_POLICY,
  checkTtl,
  customStatusFor,
  leaseEnd,
  MAX_AGENT_TTL_MS,
} from './agent-lease.js'

const NOW = Date.UTC(2026, 5, 13, 9, 0)

describe('agent lease', () => {
  it('keeps an agent online to the end of the longest lease, on either side of it', () => {
    for (const ttl of [1, 60_000, 15 * 60_000, MAX_AGENT_TTL_MS]) {
      const input = { lastInputAt: NOW, hiddenSince: null }
      const end = leaseEnd(NOW, ttl)
      expect(end).toBe(NOW + ttl)
      expect(automaticStatus(input, end, AGENT_STATUS_POLICY)).toBe('online')
      // The client's own next change comes after the lease has ended.
      expect(nextAutomaticChangeAt(input, NOW, AGENT_STATUS_POLICY)).toBeGreaterThan(end)
    }
  })

  it('accepts a TTL from just above 0 to a day, and names the option it refuses', () => {
    expect(checkTtl(0.5)).toBe(0.5)
    expect(checkTtl(MAX_AGENT_TTL_MS)).toBe(MAX_AGENT_TTL_MS)
    expect(() => checkTtl(MAX_AGENT_TTL_MS + 1, 'renew: ttlMs')).toThrow(
      /^renew: ttlMs must be at most/,
    )
    expect(() => checkTtl(undefined)).toThrow(
      /ttlMs must be a positive number of milliseconds, got undefined/,
    )
  })

  it('bounds the custom status by the lease, keeping an earlier expiry of its own', () => {
    const until = NOW + 60_000
    expect(customStatusFor(null, until)).toBeNull()
    expect(customStatusFor({ text: 'Booking', emoji: '🤖' }, until)).toEqual({
      text: 'Booking',
      emoji: '🤖',
      expiresAt: until,
    })
    expect(customStatusFor({ text: 'Soon', expiresAt: NOW + 1 }, until)?.expiresAt).toBe(NOW + 1)
    expect(customStatusFor({ text: 'Late', expiresAt: until + 1 }, until)?.expiresAt).toBe(until)
  })
})
