import { describe, expect, it } from 'vitest'
import { HELP, parseOptions } from './cli-options.js'
import { DEV_ANON_KEY, DEV_JWT_SECRET, DEV_SERVICE_ROLE_KEY } from './options.js'

describe('presence-realtime options', () => {
  it('defaults to port 54321 with the development credentials', () => {
    expect(parseOptions([])).toEqual({
      port: 54321,
      host: '127.0.0.1',
      jwtSecret: DEV_JWT_SECRET,
      apiKeys: [DEV_ANON_KEY, DEV_SERVICE_ROLE_KEY],
      idleTimeoutMs: 60_000,
      limits: {
        presence: { calls: 5, windowMs: 30_000 },
        channelsPerClient: 100,
        connections: Number.POSITIVE_INFINITY,
      },
    })
  })

  it('reads every option', () => {
    expect(
      parseOptions([
        '--port',
        '0',
        '--host',
        '0.0.0.0',
        '--jwt-secret',
        's',
        '--api-key',
        'k1',
        '--api-key',
        'k2',
        '--idle-timeout-ms',
        '5000',
        '--presence-calls',
        '10',
        '--presence-window-ms',
        '1000',
        '--channels-per-client',
        '3',
        '--max-connections',
        '7',
      ]),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      jwtSecret: 's',
      apiKeys: ['k1', 'k2'],
      idleTimeoutMs: 5000,
      limits: { presence: { calls: 10, windowMs: 1000 }, channelsPerClient: 3, connections: 7 },
    })
    expect(parseOptions(['--no-presence-limit'])).toMatchObject({ limits: { presence: false } })
    expect(parseOptions(['--help'])).toBe('help')
    expect(HELP).toContain('--port')
  })

  it('refuses unknown options and bad numbers', () => {
    expect(() => parseOptions(['--nope'])).toThrow()
    expect(() => parseOptions(['--port', 'x'])).toThrow('--port needs a whole number, got x')
  })
})
