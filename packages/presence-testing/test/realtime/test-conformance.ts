/**
 * The conformance scenarios: what the real, unchanged clients observe against a backend (the ws
 * server, or the msw handlers). Every scenario runs for each client of CLIENTS; waits are on
 * observed events, never on time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createAccessToken } from '../../src/realtime/access-token.js'
import type { AuthorizeRequest, RealtimeOptions } from '../../src/realtime/options.js'
import {
  type Backend,
  CLIENTS,
  type ClientOptions,
  type ClientSpec,
  guardUncaught,
  openClient,
  type Target,
  type TestChannel,
  type TestClient,
} from './test-clients.js'

/** Scenarios that wait for reconnects or a token to expire (real time passes). */
const SLOW = { timeout: 20_000 }

export function describeConformance(backend: Backend): void {
  // Each scenario takes milliseconds alone; the margin is for CI, where every package's tests
  // share two cores.
  vi.setConfig({ testTimeout: 15_000 })
  const cleanups: (() => Promise<void> | void)[] = []
  let guard: ReturnType<typeof guardUncaught> | undefined

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    const errors = guard?.errors ?? []
    guard?.dispose()
    guard = undefined
    expect(errors, 'exceptions thrown by a client').toEqual([])
  })

  async function start(options: RealtimeOptions = {}) {
    guard ??= guardUncaught()
    const instance = await backend.start(options)
    cleanups.push(() => instance.stop())
    return instance
  }

  function client(spec: ClientSpec, target: Target, options: ClientOptions = {}): TestClient {
    const opened = openClient(spec, target, options)
    cleanups.push(() => opened.disconnect())
    return opened
  }

  const metasOf = (channel: TestChannel, key: string) => channel.state()[key] ?? []

  describe.each(CLIENTS)(`${backend.name}: $label`, (spec) => {
    it('joins, receives presence_state (also when empty), and syncs both members', async () => {
      const server = await start()
      const a = client(spec, server.target).channel('join-sync', { presence: { key: 'alice' } })
      await a.until(() => a.log.some((e) => e.kind === 'sync'), 'the empty presence_state sync')
      expect(a.state()).toEqual({})
      const b = client(spec, server.target).channel('join-sync', { presence: { key: 'bob' } })
      await b.subscribed()
      expect(await a.raw.track({ name: 'alice' })).toBe('ok')
      expect(await b.raw.track({ name: 'bob' })).toBe('ok')
      const both = { alice: [{ name: 'alice' }], bob: [{ name: 'bob' }] }
      await a.until(() => Object.keys(a.state()).length === 2, 'both members at a')
      await b.until(() => Object.keys(b.state()).length === 2, 'both members at b')
      expect(a.state()).toEqual(both)
      expect(b.state()).toEqual(both)
    })

    it('turns presence on with a first track and sends presence_state then', async () => {
      const server = await start()
      const a = client(spec, server.target).channel('late-presence', { presence: { key: 'a' } })
      await a.raw.track({ n: 1 })
      const quiet = client(spec, server.target).channel('late-presence', {
        presence: { key: 'q' },
        listen: false,
      })
      await quiet.subscribed()
      expect(await quiet.raw.track({ n: 2 })).toBe('ok')
      await quiet.until(
        () => metasOf(quiet, 'a').length === 1 && metasOf(quiet, 'q').length === 1,
        'state after the first track',
      )
      await a.until(() => metasOf(a, 'q').length === 1, 'q at a')
    })

    it('updates a meta as one diff (join with the new ref, leave of the old) and untracks', async () => {
      const server = await start()
      const a = client(spec, server.target).channel('update', { presence: { key: 'alice' } })
      const b = client(spec, server.target).channel('update', { presence: { key: 'bob' } })
      await Promise.all([a.subscribed(), b.subscribed()])
      await a.raw.track({ status: 'online' })
      await b.until(() => metasOf(b, 'alice').length === 1, 'alice online')
      const firstRef = b.refs('alice')[0]
      const from = b.log.length
      await a.raw.track({ status: 'away' })
      await b.until(() => metasOf(b, 'alice')[0]?.status === 'away', 'alice away')
      expect(metasOf(b, 'alice')).toEqual([{ status: 'away' }])
      expect(b.refs('alice')[0]).not.toBe(firstRef)
      const update = b.log.slice(from).filter((e) => e.kind !== 'status')
      expect(update.map((e) => e.kind)).toEqual(['join', 'leave', 'sync'])
      expect(await a.raw.track({ status: 'away' })).toBe('ok') // identical: nothing changes
      await a.raw.untrack()
      await b.until(() => !('alice' in b.state()), 'alice gone')
      const leave = b.log.findLast((e) => e.kind === 'leave')
      expect(leave).toMatchObject({ kind: 'leave', key: 'alice', metas: [{ status: 'away' }] })
      expect(b.log.slice(from).filter((e) => e.kind === 'join')).toHaveLength(1)
    })

    it('keeps three sessions under one key and removes only the one that leaves', async () => {
      const server = await start()
      const observer = client(spec, server.target).channel('tabs', { presence: { key: 'obs' } })
      const tabs = [1, 2, 3].map((tab) =>
        client(spec, server.target).channel('tabs', {
          presence: { key: 'user-1' },
          trackOnSubscribe: { tab },
        }),
      )
      await observer.until(() => metasOf(observer, 'user-1').length === 3, 'three tabs')
      await tabs[1]!.raw.unsubscribe()
      await observer.until(() => metasOf(observer, 'user-1').length === 2, 'two tabs')
      const left = metasOf(observer, 'user-1').map((m) => m.tab)
      expect(left.sort()).toEqual([1, 3])
      await tabs[0]!.until(() => metasOf(tabs[0]!, 'user-1').length === 2, 'tab 1 sees two')
    })

    it('removes the presence of a socket that closes', async () => {
      const server = await start()
      const a = client(spec, server.target)
      a.channel('close', { presence: { key: 'alice' }, trackOnSubscribe: { on: true } })
      const b = client(spec, server.target).channel('close', { presence: { key: 'bob' } })
      await b.until(() => metasOf(b, 'alice').length === 1, 'alice present')
      a.disconnect()
      await b.until(() => !('alice' in b.state()), 'alice gone after the socket closed')
      await server.stop()
    })

    it(
      'closes a silent socket after the idle timeout; the client reconnects without a ghost',
      SLOW,
      async () => {
        const server = await start({ idleTimeoutMs: 400 })
        const a = client(spec, server.target, { heartbeatIntervalMs: 60_000 }).channel('idle', {
          presence: { key: 'alice' },
          trackOnSubscribe: { v: 1 },
        })
        const b = client(spec, server.target, { heartbeatIntervalMs: 100 }).channel('idle', {
          presence: { key: 'bob' },
        })
        await b.until(() => metasOf(b, 'alice').length === 1, 'alice present')
        const firstRef = b.refs('alice')[0]
        await a.subscribed(2) // the server closed the silent socket; the client came back
        await b.until(
          () => b.refs('alice')[0] !== firstRef && metasOf(b, 'alice').length === 1,
          'alice back with a new ref',
        )
        expect(b.log.some((e) => e.kind === 'leave' && e.key === 'alice')).toBe(true)
        expect(server.stats().idleTimeouts).toBeGreaterThan(0)
      },
    )

    // Only over real sockets: msw has no TCP connection that could go silent.
    if (backend.realSockets)
      it(
        'survives a heartbeat timeout: the client reconnects, the server drops the ghost',
        SLOW,
        async () => {
          const server = await start({ idleTimeoutMs: 600 })
          const { target, proxy } = await server.proxied!()
          cleanups.push(() => proxy.close())
          const a = client(spec, target, { heartbeatIntervalMs: 150 }).channel('heartbeat', {
            presence: { key: 'alice' },
            trackOnSubscribe: { v: 1 },
          })
          const b = client(spec, server.target, { heartbeatIntervalMs: 100 }).channel('heartbeat', {
            presence: { key: 'bob' },
          })
          await b.until(() => metasOf(b, 'alice').length === 1, 'alice present')
          proxy.blackhole(true)
          await a.until(() => a.statuses().includes('CHANNEL_ERROR'), 'the heartbeat timeout')
          await b.until(() => !('alice' in b.state()), 'the ghost removed by the idle timeout')
          proxy.blackhole(false)
          await a.subscribed(2)
          await b.until(() => metasOf(b, 'alice').length === 1, 'alice back')
          expect(metasOf(b, 'alice')).toEqual([{ v: 1 }])
        },
      )

    it(
      'rejoins every client with correct state and no ghost after a server restart',
      SLOW,
      async () => {
        const server = await start()
        const names = ['a', 'b', 'c']
        const channels = names.map((key) =>
          client(spec, server.target, { heartbeatIntervalMs: 200 }).channel('restart', {
            presence: { key },
            trackOnSubscribe: { key },
          }),
        )
        for (const channel of channels) {
          await channel.until(() => Object.keys(channel.state()).length === 3, 'three members')
        }
        const before = channels[0]!.refs('a')
        await server.restart()
        for (const channel of channels) {
          await channel.subscribed(2)
          await channel.until(
            () =>
              names.every((key) => metasOf(channel, key).length === 1) &&
              channel.refs('a')[0] !== before[0],
            'three members, one meta each, after the restart',
          )
          expect(channel.state()).toEqual({
            a: [{ key: 'a' }],
            b: [{ key: 'b' }],
            c: [{ key: 'c' }],
          })
        }
        expect(server.stats().presences).toBe(3)
      },
    )

    it('accepts a refreshed access_token and closes the channel on an invalid one', async () => {
      const seen: AuthorizeRequest[] = []
      const server = await start({
        authorize: (request) => {
          seen.push(request)
          return true
        },
      })
      const c = client(spec, server.target)
      await c.setAuth(await createAccessToken({ claims: { sub: 'u1' } }))
      const room = c.channel('tokens', { private: true, presence: { key: 'u' } })
      await room.subscribed()
      expect(seen.map((r) => [r.action, r.claims.sub])).toEqual([['read', 'u1']])
      await c.setAuth(await createAccessToken({ claims: { sub: 'u2' } }))
      await room.raw.track({ v: 1 })
      expect(seen.map((r) => [r.action, r.claims.sub])).toEqual([
        ['read', 'u1'],
        ['read', 'u2'],
        ['presence', 'u2'],
      ])
      await c.setAuth('not-a-jwt')
      await room.status('CLOSED')
      expect(room.systems()).toEqual([
        {
          extension: 'system',
          status: 'error',
          message: 'The token provided is not a valid JWT',
          channel: 'tokens',
        },
      ])
    })

    it(
      'refuses a join with an expired token and closes a channel when its token expires',
      SLOW,
      async () => {
        const server = await start()
        const c = client(spec, server.target)
        await c.setAuth(await createAccessToken({ expiresInSeconds: -30 }))
        const refused = c.channel('expired')
        const error = await refused.status('CHANNEL_ERROR')
        expect(error).toMatchObject({
          message: expect.stringMatching(/^InvalidJWTToken: Token has expired 3\d seconds ago$/),
        })
        const d = client(spec, server.target)
        await d.setAuth(await createAccessToken({ expiresInSeconds: 2 }))
        const expiring = d.channel('expiring')
        await expiring.subscribed()
        await expiring.status('CLOSED')
        expect(expiring.systems()[0]).toMatchObject({
          extension: 'system',
          status: 'error',
          message: expect.stringMatching(/^Token has expired \d seconds ago$/),
          channel: 'expiring',
        })
      },
    )

    it('allows and denies private channels through the authorize hook', async () => {
      const server = await start({
        authorize: ({ topic, claims, action }) =>
          claims.role === 'authenticated' && topic !== 'denied' && action !== 'presence',
      })
      const anon = client(spec, server.target).channel('allowed', { private: true })
      expect(await anon.status('CHANNEL_ERROR')).toMatchObject({
        message:
          'Unauthorized: You do not have permissions to read from this Channel topic: allowed',
      })
      const user = client(spec, server.target)
      await user.setAuth(await createAccessToken({ claims: { sub: 'u1' } }))
      const allowed = user.channel('allowed', { private: true, presence: { key: 'u1' } })
      await allowed.subscribed()
      expect(await allowed.raw.track({ v: 1 })).toBe('error') // presence not allowed
      const denied = user.channel('denied', { private: true })
      expect(await denied.status('CHANNEL_ERROR')).toMatchObject({
        message:
          'Unauthorized: You do not have permissions to read from this Channel topic: denied',
      })
      // The public channel of the same name is another channel.
      const open = client(spec, server.target).channel('allowed', { presence: { key: 'p' } })
      await open.subscribed()
      expect(await open.raw.track({ v: 2 })).toBe('ok')
      await open.until(() => metasOf(open, 'p').length === 1, 'public presence')
      expect(allowed.state()).toEqual({})
    })

    it('closes a channel on the 6th presence call in 30 s, as Supabase does', async () => {
      const server = await start()
      const a = client(spec, server.target).channel('limit', { presence: { key: 'a' } })
      const b = client(spec, server.target).channel('limit', { presence: { key: 'b' } })
      await Promise.all([a.subscribed(), b.subscribed()])
      for (let i = 1; i <= 5; i++) expect(await a.raw.track({ i })).toBe('ok')
      await b.until(() => metasOf(b, 'a')[0]?.i === 5, 'the 5th track')
      void a.raw.track({ i: 6 })
      await a.status('CLOSED')
      expect(a.systems()).toEqual([
        {
          extension: 'system',
          status: 'error',
          message: 'Client presence rate limit exceeded',
          channel: 'limit',
        },
      ])
      await b.until(() => !('a' in b.state()), 'a left')
    })

    it('broadcasts with self and ack, and not back to a sender without self', async () => {
      const server = await start()
      const a = client(spec, server.target).channel('bc', { broadcast: { self: true, ack: true } })
      const b = client(spec, server.target).channel('bc')
      const c = client(spec, server.target).channel('bc')
      await Promise.all([a.subscribed(), b.subscribed(), c.subscribed()])
      expect(await c.raw.send({ type: 'broadcast', event: 'cursor', payload: { from: 'c' } })).toBe(
        'ok',
      )
      expect(await a.raw.send({ type: 'broadcast', event: 'cursor', payload: { from: 'a' } })).toBe(
        'ok',
      )
      await b.until(() => b.broadcasts().length === 2, 'both broadcasts at b')
      await c.until(() => c.broadcasts().length === 1, "a's broadcast at c")
      await a.until(() => a.broadcasts().length === 2, 'both at a (self)')
      expect(b.broadcasts().map((m) => [m.event, m.payload])).toEqual([
        ['cursor', { from: 'c' }],
        ['cursor', { from: 'a' }],
      ])
      expect(c.broadcasts().map((m) => m.payload)).toEqual([{ from: 'a' }])
    })

    it('delivers REST broadcasts (send before joining, and httpSend)', async () => {
      const server = await start()
      const a = client(spec, server.target).channel('rest')
      await a.subscribed()
      const sender = client(spec, server.target)
      const unjoined = sender.realtime.channel('rest', { config: {} })
      expect(await unjoined.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } })).toBe(
        'ok',
      )
      await a.until(() => a.broadcasts().length === 1, 'the REST broadcast')
      if (unjoined.httpSend) {
        expect(await unjoined.httpSend('ping', { n: 2 })).toEqual({ success: true })
        await a.until(() => a.broadcasts().length === 2, 'the httpSend broadcast')
      }
      expect(a.broadcasts().map((m) => [m.event, m.payload])[0]).toEqual(['ping', { n: 1 }])
    })
  })

  describe(`${backend.name}: mixed clients`, () => {
    it('carries binary and JSON broadcasts between vsn 2.0.0 and vsn 1.0.0 clients', async () => {
      const server = await start()
      const [v2, v1, sb] = CLIENTS as [ClientSpec, ClientSpec, ClientSpec]
      const a = client(v2, server.target).channel('mixed', { broadcast: { ack: true } })
      const b = client(v1, server.target).channel('mixed', { broadcast: { ack: true } })
      const c = client(sb, server.target).channel('mixed')
      await Promise.all([a.subscribed(), b.subscribed(), c.subscribed()])
      const bytes = new Uint8Array([1, 2, 3, 255]).buffer
      expect(await a.raw.send({ type: 'broadcast', event: 'bin', payload: bytes })).toBe('ok')
      expect(await a.raw.send({ type: 'broadcast', event: 'json', payload: { x: 1 } })).toBe('ok')
      expect(await b.raw.send({ type: 'broadcast', event: 'json', payload: { y: 2 } })).toBe('ok')
      await c.until(() => c.broadcasts().length === 3, 'three broadcasts at supabase-js')
      const [binary, json, fromV1] = c.broadcasts()
      expect(new Uint8Array(binary!.payload as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3, 255]))
      expect(json).toMatchObject({ event: 'json', payload: { x: 1 } })
      expect(fromV1).toMatchObject({ event: 'json', payload: { y: 2 } })
      // vsn 1.0.0 cannot carry a binary payload: b gets only the JSON one.
      await b.until(() => b.broadcasts().length === 1, 'the JSON broadcast at vsn 1.0.0')
      expect(b.broadcasts()[0]).toMatchObject({ event: 'json', payload: { x: 1 } })
      await a.until(() => a.broadcasts().length === 1, "b's broadcast at a")
      expect(a.broadcasts()[0]).toMatchObject({ event: 'json', payload: { y: 2 } })
    })
  })
}
