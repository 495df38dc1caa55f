/**
 * A private wedding room end to end: real supabase-js clients, the local Realtime server, and
 * createPostgresAuthorizer evaluating the migrations' realtime.messages policies on the real
 * Postgres (a fresh database, dropped after). Team members join and see each other; outsiders
 * and anonymous clients are refused; a member whose privacy forbids it cannot track.
 */
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js'
import {
  createPresenceClient,
  type PresenceClient,
  type PresenceRoom,
  type TransportStatusDetail,
} from '@wedsync/presence-core'
import {
  createAccessToken,
  DEV_ANON_KEY,
  type RealtimeServer,
  startRealtimeServer,
} from '@wedsync/presence-testing/server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { eventWaits } from '../test/test-supabase.js'
import { postgresDatabase } from '../test/test-supabase-db.js'
import { createPostgresAuthorizer } from './postgres-authorizer.js'
import { createSupabaseTransport } from './transport.js'

const TOPIC = 'presence:wedding:123'
const REFUSED = `Unauthorized: You do not have permissions to read from this Channel topic: ${TOPIC}`
/** A failure bound for waits on events (never a timing assertion). */
const WAIT_FAIL_MS = 10_000

const database = await postgresDatabase('authorizer')
const authorizeErrors: unknown[] = []
let server: RealtimeServer
const clients: SupabaseClient[] = []
const presenceClients: PresenceClient[] = []

beforeAll(async () => {
  await database.exec(`insert into team_members (team_id, user_id, role) values
    ('wedding:123', 'u-ana', 'venue coordinator'), ('wedding:123', 'u-ben', 'photographer'),
    ('wedding:123', 'u-cat', 'florist'), ('wedding:999', 'u-dan', 'caterer'),
    ('wedding:456', 'u-fay', 'planner'), ('wedding:456', 'u-gus', 'photographer');
    insert into presence_settings (user_id, visibility) values ('u-cat', 'nobody');`)
  server = await startRealtimeServer({
    authorize: createPostgresAuthorizer(database.pool, {
      onError: (error) => authorizeErrors.push(error),
    }),
  })
})

afterAll(async () => {
  for (const client of presenceClients) client.destroy()
  for (const client of clients) {
    await client.removeAllChannels()
    client.realtime.disconnect()
  }
  await server?.stop()
  await database.close()
})

/** One supabase-js client in the room, and what its channel observed. */
class Member {
  readonly statuses: { status: string; message?: string }[] = []
  readonly broadcasts: Record<string, unknown>[] = []
  private readonly waits = eventWaits(WAIT_FAIL_MS)

  constructor(
    readonly client: SupabaseClient,
    readonly channel: RealtimeChannel,
  ) {}

  notify(): void {
    this.waits.changed()
  }

  /** Presence keys in the channel's state, sorted. */
  keys(): string[] {
    return Object.keys(this.channel.presenceState()).sort()
  }

  until<T>(check: () => T | undefined | false, what: string): Promise<T> {
    return this.waits.until(check, what, () => JSON.stringify(this.statuses))
  }

  status(status: string) {
    return this.until(() => this.statuses.find((s) => s.status === status), status)
  }
}

/** A supabase-js client signed in as `sub` (anonymous when null). */
async function signIn(sub: string | null): Promise<SupabaseClient> {
  const client = createClient(server.url, DEV_ANON_KEY, {
    auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
    realtime: { transport: WebSocket as never },
  })
  clients.push(client)
  if (sub) await client.realtime.setAuth(await createAccessToken({ claims: { sub } }))
  return client
}

/** A client signed in as `sub` (anonymous when null) that joins the private room. */
async function enter(sub: string | null): Promise<Member> {
  const client = await signIn(sub)
  const channel = client.channel(TOPIC, {
    config: { private: true, presence: { key: sub ?? 'anon' }, broadcast: { ack: true } },
  })
  const member = new Member(client, channel)
  channel
    .on('presence', { event: 'sync' }, () => member.notify())
    .on('broadcast', { event: 'urgent' }, ({ payload }) => {
      member.broadcasts.push(payload)
      member.notify()
    })
    .subscribe((status, error) => {
      member.statuses.push({ status, ...(error ? { message: error.message } : {}) })
      member.notify()
    })
  return member
}

/** Leaves a refused channel so the client stops retrying the join. */
async function giveUp(member: Member) {
  await member.client.removeChannel(member.channel)
}

describe('a private wedding room authorized by the realtime.messages policies', () => {
  let ana: Member
  let ben: Member

  it('lets the team join and see each other', async () => {
    ana = await enter('u-ana')
    ben = await enter('u-ben')
    await Promise.all([ana.status('SUBSCRIBED'), ben.status('SUBSCRIBED')])
    expect(await ana.channel.track({ v: 1, status: 'online' })).toBe('ok')
    expect(await ben.channel.track({ v: 1, status: 'online' })).toBe('ok')
    for (const m of [ana, ben])
      await m.until(() => m.keys().join() === 'u-ana,u-ben', 'both members present')
  })

  it('refuses an outsider, another wedding’s supplier and an anonymous client', async () => {
    for (const sub of ['u-eve', 'u-dan', null]) {
      const outsider = await enter(sub)
      expect(await outsider.status('CHANNEL_ERROR')).toEqual({
        status: 'CHANNEL_ERROR',
        message: REFUSED,
      })
      expect(outsider.statuses.some((s) => s.status === 'SUBSCRIBED')).toBe(false)
      await giveUp(outsider)
    }
    expect(ana.keys()).toEqual(['u-ana', 'u-ben'])
  })

  it('lets a member who shows their presence to nobody join, but not track', async () => {
    const cat = await enter('u-cat')
    await cat.status('SUBSCRIBED')
    expect(await cat.channel.track({ v: 1, status: 'online' })).toBe('error')
    // Ordered delivery: ben's update reaching ana proves cat's refused track never went out.
    expect(await ben.channel.track({ v: 1, status: 'busy' })).toBe('ok')
    await ana.until(
      () => ana.channel.presenceState<{ status: string }>()['u-ben']?.[0]?.status === 'busy',
      "ben's update",
    )
    expect(ana.keys()).toEqual(['u-ana', 'u-ben'])
    // cat still receives the room: the read policy admitted her.
    await cat.until(() => cat.keys().join() === 'u-ana,u-ben', 'the room as cat sees it')
  })

  it('delivers a member’s broadcast to the team', async () => {
    const sent = await ana.channel.send({
      type: 'broadcast',
      event: 'urgent',
      payload: { text: 'Ceremony moves to 4 PM (rain)' },
    })
    expect(sent).toBe('ok')
    await ben.until(() => ben.broadcasts.length === 1, 'the urgent broadcast')
    expect(ben.broadcasts).toEqual([{ text: 'Ceremony moves to 4 PM (rain)' }])
  })

  it('left nothing behind in realtime.messages, and met no errors', async () => {
    expect(await database.query('select count(*)::int as n from realtime.messages')).toEqual([
      { n: 0 },
    ])
    expect(authorizeErrors).toEqual([])
  })
})

describe('the same room through createPresenceClient and createSupabaseTransport', () => {
  /** Resolves with the first value `check` gives, re-checked on every snapshot and status. */
  function until<T>(room: PresenceRoom, what: string, check: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off()
        offStatus()
        reject(new Error(`gave up waiting for ${what}`))
      }, WAIT_FAIL_MS)
      const attempt = () => {
        const value = check()
        if (value === undefined) return
        clearTimeout(timer)
        off()
        offStatus()
        resolve(value)
      }
      const off = room.subscribe(attempt)
      const offStatus = room.on('connection', attempt)
      attempt()
    })
  }

  // Its own wedding, so nothing the raw clients above tracked can be mistaken for these members.
  async function person(sub: string) {
    const transport = createSupabaseTransport(await signIn(sub), { onError: () => {} })
    const client = createPresenceClient({ transport, userId: sub })
    presenceClients.push(client)
    let refusal: TransportStatusDetail | undefined
    const room = client.enter('wedding:456', { private: true })
    room.on('connection', (status, detail) => {
      if (status === 'error') refusal = detail
    })
    return { room, refusal: () => refusal }
  }

  it('shows the team to each other and keeps the outsider out', async () => {
    const fay = await person('u-fay')
    const gus = await person('u-gus')
    const ana = await person('u-ana') // another wedding's team member
    await until(fay.room, 'gus in fay’s room', () => fay.room.getSnapshot().member('u-gus'))
    const seen = await until(gus.room, 'fay online in gus’s room', () => {
      const member = gus.room.getSnapshot().member('u-fay')
      return member?.status === 'online' ? member : undefined
    })
    expect(seen.userId).toBe('u-fay')
    const refusal = await until(ana.room, 'ana refused', ana.refusal)
    expect(refusal.reason).toBe(REFUSED.replace('123', '456'))
    expect(ana.room.connection).not.toBe('joined')
    expect(ana.room.getSnapshot().size).toBe(0)
    expect(fay.room.getSnapshot().has('u-ana')).toBe(false)
    expect(authorizeErrors).toEqual([])
  })
})
