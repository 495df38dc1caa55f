import { describe, expect, it } from 'vitest'
import { DEFAULT_USER_ID, parseBoardConfig } from './config.js'

describe('parseBoardConfig', () => {
  it('opens the venue coordinator on her first wedding by default', () => {
    expect(parseBoardConfig('')).toEqual({
      userId: DEFAULT_USER_ID,
      weddingId: '123',
      problems: [],
    })
  })

  it('reads who you are, the wedding and the timings', () => {
    expect(
      parseBoardConfig('?as=u-photo&wedding=456&idleAfterMs=1500&heartbeatMs=2000&leaseMs=6000'),
    ).toEqual({
      userId: 'u-photo',
      weddingId: '456',
      idleAfterMs: 1500,
      heartbeat: { intervalMs: 2000, leaseMs: 6000 },
      problems: [],
    })
  })

  it("opens a supplier's own first wedding when none is given", () => {
    expect(parseBoardConfig('?as=u-baker').weddingId).toBe('456')
  })

  it('leaves out what it cannot use and says why, instead of failing', () => {
    const config = parseBoardConfig('?as=u-nobody&wedding=999&idleAfterMs=soon&leaseMs=10')
    expect(config.userId).toBe(DEFAULT_USER_ID)
    expect(config.weddingId).toBe('123')
    expect(config.idleAfterMs).toBeUndefined()
    expect(config.heartbeat).toBeUndefined()
    expect(config.problems).toEqual([
      'as=u-nobody: no such supplier, showing the board as u-venue',
      'wedding=999: no such wedding, opening 123',
      'idleAfterMs=soon: expected a whole number of ms from 500 to 86400000',
      'leaseMs=10: expected a whole number of ms from 1000 to 86400000',
    ])
  })

  it('warns when the lease would not outlast the heartbeat', () => {
    const config = parseBoardConfig('?heartbeatMs=5000&leaseMs=5000')
    expect(config.heartbeat).toEqual({ intervalMs: 5000, leaseMs: 5000 })
    expect(config.problems).toEqual([
      'leaseMs should be longer than heartbeatMs, or sessions flicker offline',
    ])
  })
})
