import { createFakeClock } from '@wedsync/presence-testing'
import { describe, expect, it } from 'vitest'
import { connectPresenceApi } from './presence-api.js'

const HOUR = 3_600_000

function world(signInStatus = 200) {
  const clock = createFakeClock()
  const calls: { url: string; auth?: string }[] = []
  let tokens = 0
  const api = connectPresenceApi({
    baseUrl: '/presence-api/',
    userId: 'u-venue',
    clock,
    fetch: async (url, init) => {
      const headers = init.headers as Record<string, string>
      calls.push({ url, ...(headers.authorization && { auth: headers.authorization }) })
      if (url.endsWith('/demo/sign-in')) {
        if (signInStatus !== 200) return new Response('{}', { status: signInStatus })
        tokens++
        return Response.json({ accessToken: `t${tokens}`, expiresAt: clock.now() + HOUR })
      }
      return Response.json({ settings: {} })
    },
  })
  return { clock, api, calls }
}

describe('connectPresenceApi', () => {
  it('signs in once for requests made together, and again shortly before the token expires', async () => {
    const { clock, api, calls } = world()
    await Promise.all([api.getSettings(), api.getSettings()])
    await clock.advance(HOUR - 61_000)
    await api.getSettings()
    await clock.advance(2_000)
    await api.getSettings()
    expect(calls).toEqual([
      { url: '/presence-api/demo/sign-in' },
      { url: '/presence-api/presence/settings', auth: 'Bearer t1' },
      { url: '/presence-api/presence/settings', auth: 'Bearer t1' },
      { url: '/presence-api/presence/settings', auth: 'Bearer t1' },
      { url: '/presence-api/demo/sign-in' },
      { url: '/presence-api/presence/settings', auth: 'Bearer t2' },
    ])
  })

  it('fails the request when the sign-in is refused, and tries again next time', async () => {
    const { api, calls } = world(403)
    await expect(api.getSettings()).rejects.toMatchObject({ code: 'PRESENCE_FORBIDDEN' })
    await expect(api.getSettings()).rejects.toThrow('Sign-in failed (HTTP 403)')
    expect(calls.filter((c) => c.url.endsWith('/sign-in'))).toHaveLength(2)
  })
})
