import { describe, expect, it } from 'vitest'
import { flexibleBoolean, parseJoinPayload, unsafePresenceKey } from './join-config.js'

const newKey = () => 'generated-key'

describe('join payload', () => {
  it('reads the config realtime-js sends', () => {
    expect(
      parseJoinPayload(
        {
          config: {
            broadcast: { self: true, ack: true },
            presence: { key: 'user-1', enabled: true },
            postgres_changes: [],
            private: false,
          },
          access_token: 'my.jwt.token',
        },
        newKey,
      ),
    ).toEqual({
      broadcastSelf: true,
      broadcastAck: true,
      presenceEnabled: true,
      presenceKey: 'user-1',
      private: false,
      postgresChanges: [],
      accessToken: 'my.jwt.token',
    })
  })

  it('defaults everything, and gives an empty key a new one', () => {
    expect(parseJoinPayload({}, newKey)).toEqual({
      broadcastSelf: false,
      broadcastAck: false,
      presenceEnabled: false,
      presenceKey: 'generated-key',
      private: false,
      postgresChanges: [],
      accessToken: undefined,
    })
    expect(parseJoinPayload({ config: { presence: { key: '' } } }, newKey).presenceKey).toBe(
      'generated-key',
    )
    expect(parseJoinPayload({ config: { presence: { key: 42 } } }, newKey).presenceKey).toBe('42')
  })

  it('accepts "true"/"false" strings in any case; anything else is false', () => {
    expect(flexibleBoolean('TRUE')).toBe(true)
    expect(flexibleBoolean('false')).toBe(false)
    expect(flexibleBoolean('yes')).toBe(false)
    expect(flexibleBoolean(1)).toBe(false)
    expect(
      parseJoinPayload({ config: { private: 'True', broadcast: { ack: 'true' } } }, newKey),
    ).toMatchObject({
      private: true,
      broadcastAck: true,
    })
  })

  it('uses user_token when there is no access_token, and never an sb_ key', () => {
    expect(parseJoinPayload({ user_token: 'u.t.k' }, newKey).accessToken).toBe('u.t.k')
    expect(
      parseJoinPayload({ access_token: 'sb_publishable_x' }, newKey).accessToken,
    ).toBeUndefined()
    expect(parseJoinPayload({ access_token: 5 }, newKey).accessToken).toBeUndefined()
  })

  it('keeps the object entries of postgres_changes', () => {
    expect(
      parseJoinPayload(
        { config: { postgres_changes: [{ event: '*', schema: 'public' }, null] } },
        newKey,
      ).postgresChanges,
    ).toEqual([{ event: '*', schema: 'public' }])
  })

  it('names the presence keys that break realtime-js', () => {
    expect(unsafePresenceKey('ids')).toMatch(/reserved/)
    expect(unsafePresenceKey('__proto__')).toMatch(/reserved/)
    expect(unsafePresenceKey('constructor')).toMatch(/reserved/)
    expect(unsafePresenceKey('user-1')).toBeUndefined()
  })
})
