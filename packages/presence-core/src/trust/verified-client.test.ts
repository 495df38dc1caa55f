/**
 * Verified presence end to end on the memory hub: honest clients converge, and each thing a
 * malicious member of the same team can put on the bus — an unsigned meta, someone else's key or
 * session, a tampered or replayed meta, a message in someone else's name — is dropped and reported
 * with its reason, never shown. (The same attacks over real supabase-js: presence-supabase's
 * adversarial suite.)
 */
import { describe, expect, it } from 'vitest'
import { createVerifiedWorld, dropReasons, ROOM } from '../../test/verified-world.js'
import { BROADCAST_EVENT, RECEIPT_EVENT } from '../broadcast.js'

const PUBLIC = { roomId: ROOM, private: false }
const cancelled = { status: { text: 'Ceremony cancelled, go home' }, at: 1 }

/** A meta as a session publishes it (see meta-schema.ts). */
function meta(session: string, now: number, extra: Record<string, unknown> = {}) {
  return { v: 1, session, status: 'online', seq: now, lease: 30_000, ...extra }
}

describe('verified clients on the memory hub', () => {
  it('see each other, say they are verified, and report nothing', async () => {
    const { member, until } = await createVerifiedWorld()
    const venue = member('u-venue')
    const photo = member('u-photo', { profile: { name: 'Priya' } })
    const board = venue.client.enter(ROOM)
    photo.client.enter(ROOM, { activity: { action: 'viewing', target: 'timeline' } })
    await until(() => board.member('u-photo')?.status === 'online', 'the photographer')
    expect(venue.client.trust).toBe('verified')
    expect(board.member('u-photo')?.activity).toEqual({ action: 'viewing', target: 'timeline' })
    expect(board.member('u-photo')?.profile).toEqual({ name: 'Priya' })
    expect(venue.errors).toEqual([])
    expect(photo.errors).toEqual([])
  })

  it('an unverified client is just its claim: trust says so', async () => {
    const { hub } = await createVerifiedWorld()
    const { createPresenceClient } = await import('../client.js')
    const client = createPresenceClient({ transport: hub.connect('plain'), userId: 'u-plain' })
    expect(client.trust).toBe('unverified')
    client.destroy()
  })
})

describe('a malicious member cannot appear as someone else', () => {
  it('an unsigned meta under the photographer’s key is dropped (missing-proof)', async () => {
    const { member, until, raw, clock, settle } = await createVerifiedWorld()
    const venue = member('u-venue')
    const board = venue.client.enter(ROOM)
    const mallory = raw('mallory', 'u-photo')
    await until(() => board.connection === 'joined', 'the board joined')
    await settle(mallory.track(meta('s-forged', clock.now(), { custom: cancelled })))
    await until(() => dropReasons(venue.errors).length > 0, 'the drop')
    expect(dropReasons(venue.errors)).toEqual(['missing-proof'])
    expect(board.member('u-photo')).toBeUndefined()
  })

  it('a meta signed with the attacker’s own credential under the photographer’s key: wrong-user', async () => {
    const { coordinator, until, raw, signer, clock, settle } = await createVerifiedWorld()
    const { venue, board } = await coordinator()
    const mallory = await signer('u-mallory')
    const signed = await mallory.sign(
      PUBLIC,
      { kind: 'presence', key: 'u-photo' },
      meta(mallory.sessionId, clock.now(), { custom: cancelled }),
    )
    await settle(raw('mallory', 'u-photo').track(signed))
    await until(() => dropReasons(venue.errors).length > 0, 'the drop')
    expect(dropReasons(venue.errors)).toEqual(['wrong-user'])
    expect(board.member('u-photo')).toBeUndefined()
  })

  it('naming another session than the credential’s: wrong-session', async () => {
    const { member, until, raw, signer, clock, settle } = await createVerifiedWorld()
    const venue = member('u-venue')
    const photo = member('u-photo')
    const board = venue.client.enter(ROOM)
    photo.client.enter(ROOM)
    await until(() => board.member('u-photo')?.status === 'online', 'the photographer')
    // The photographer's own other device, or a stolen credential of theirs for another session.
    const other = await signer('u-photo', 's-other')
    const signed = await other.sign(
      PUBLIC,
      { kind: 'presence', key: 'u-photo' },
      meta(photo.client.sessionId, clock.now() + 10, { custom: cancelled }),
    )
    await settle(raw('mallory', 'u-photo').track(signed))
    await until(() => dropReasons(venue.errors).length > 0, 'the drop')
    expect(dropReasons(venue.errors)).toEqual(['wrong-session'])
    expect(board.member('u-photo')?.customStatus).toBeUndefined()
  })

  it('a tampered meta fails its signature; one signed for another room is refused', async () => {
    const { coordinator, until, raw, signer, clock, settle } = await createVerifiedWorld()
    const { venue, board } = await coordinator()
    const mallory = await signer('u-mallory')
    const signed = await mallory.sign(
      PUBLIC,
      { kind: 'presence', key: 'u-mallory' },
      meta(mallory.sessionId, clock.now(), { custom: { status: { text: 'On my way' }, at: 1 } }),
    )
    await settle(raw('m1', 'u-mallory').track({ ...signed, custom: cancelled }))
    const elsewhere = await mallory.sign(
      { roomId: 'wedding:999', private: false },
      { kind: 'presence', key: 'u-mallory' },
      meta(mallory.sessionId, clock.now() + 1),
    )
    await settle(raw('m2', 'u-mallory').track(elsewhere))
    await until(() => dropReasons(venue.errors).length === 2, 'both drops')
    expect(dropReasons(venue.errors).sort()).toEqual(['bad-signature', 'wrong-room'])
    expect(board.member('u-mallory')).toBeUndefined()
  })

  it('times further ahead than the skew, and an older seq of a session, are refused', async () => {
    const { coordinator, until, raw, signer, clock, settle } = await createVerifiedWorld()
    const { venue, board } = await coordinator()
    const mallory = await signer('u-mallory')
    const presence = { kind: 'presence', key: 'u-mallory' } as const
    const now = clock.now()
    const ahead = await mallory.sign(PUBLIC, presence, meta(mallory.sessionId, now), {
      at: now + 31_000,
    })
    await settle(raw('m1', 'u-mallory').track(ahead))
    const fresh = await mallory.sign(PUBLIC, presence, meta(mallory.sessionId, now + 5))
    await settle(raw('m2', 'u-mallory').track(fresh))
    await until(() => board.member('u-mallory')?.status === 'online', 'the fresh meta')
    const older = await mallory.sign(PUBLIC, presence, meta(mallory.sessionId, now + 4))
    await settle(raw('m3', 'u-mallory').track(older))
    await until(() => dropReasons(venue.errors).length === 2, 'both drops')
    expect(dropReasons(venue.errors)).toEqual(['from-the-future', 'stale-seq'])
  })

  it('a replayed meta counts no longer than its window, then is refused', async () => {
    const { member, until, raw, clock, hub, settle } = await createVerifiedWorld()
    const venue = member('u-venue')
    const board = venue.client.enter(ROOM)
    // Mallory records the photographer's signed meta off the bus (any member can).
    const tap = raw('tap', 'u-tap')
    let recorded: unknown
    tap.onPresence((e) => {
      if (e.type === 'join' && e.key === 'u-photo') recorded = e.metas[0]?.meta
    })
    const photo = member('u-photo')
    photo.client.enter(ROOM)
    await until(() => board.member('u-photo')?.status === 'online' && recorded, 'the photographer')
    photo.client.destroy()
    await until(() => board.member('u-photo')?.status === 'offline', 'the photographer leaving')
    // Replayed at once: it verifies, and counts only to the end of its window (+ skew).
    const replay = raw('mallory', 'u-photo')
    await settle(replay.track(recorded))
    await until(() => board.member('u-photo')?.status === 'online', 'the replay')
    const until_ = (recorded as { proof: { until: number } }).proof.until
    await clock.set(until_ + 30_000)
    await until(() => board.member('u-photo')?.status === 'offline', 'the replay expiring')
    // Replayed again after its window: refused outright.
    await settle(replay.untrack())
    await settle(replay.track(recorded))
    await until(() => dropReasons(venue.errors).includes('window-passed'), 'the late replay')
    expect(board.member('u-photo')?.status).toBe('offline')
    expect(hub).toBeDefined()
  })
})

describe('a malicious member cannot speak or confirm for someone else', () => {
  it('a broadcast in the coordinator’s name is dropped; the real one arrives once', async () => {
    const { member, until, raw, signer, settle } = await createVerifiedWorld()
    const venue = member('u-venue')
    const photo = member('u-photo')
    const heard: unknown[] = []
    const venueRoom = venue.client.enter(ROOM)
    const photoRoom = photo.client.enter(ROOM)
    photoRoom.onBroadcast('urgent', (payload, meta) => heard.push({ payload, from: meta.userId }))
    await until(() => photoRoom.member('u-venue')?.status === 'online', 'the coordinator')
    const envelope = (from: string, session: string) => ({
      v: 1,
      id: `${session}.1`,
      event: 'urgent',
      from,
      session,
      receipts: false,
      payload: { text: 'Ceremony cancelled, go home' },
    })
    const mallory = raw('mallory', 'u-mallory')
    await settle(mallory.send(BROADCAST_EVENT, envelope('u-venue', venue.client.sessionId)))
    const forger = await signer('u-mallory')
    const signed = await forger.sign(
      PUBLIC,
      { kind: 'message', event: BROADCAST_EVENT },
      envelope('u-venue', forger.sessionId),
    )
    await settle(mallory.send(BROADCAST_EVENT, signed))
    await until(() => dropReasons(photo.errors).length === 2, 'both drops')
    expect(dropReasons(photo.errors)).toEqual(['missing-proof', 'wrong-user'])
    await venueRoom.broadcast('urgent', { text: 'Ceremony moved to 4 PM' })
    await until(() => heard.length === 1, 'the real broadcast')
    expect(heard).toEqual([{ payload: { text: 'Ceremony moved to 4 PM' }, from: 'u-venue' }])
  })

  it('a replayed or stale broadcast is dropped', async () => {
    const { member, until, raw, signer, clock, settle } = await createVerifiedWorld()
    const photo = member('u-photo')
    const room = photo.client.enter(ROOM)
    const heard: unknown[] = []
    room.onBroadcast('note', (payload) => heard.push(payload))
    await until(() => room.connection === 'joined', 'joined')
    const mallory = await signer('u-mallory')
    const note = (id: string) => ({
      v: 1,
      id,
      event: 'note',
      from: 'u-mallory',
      session: mallory.sessionId,
      receipts: false,
      payload: { id },
    })
    const subject = { kind: 'message', event: BROADCAST_EVENT } as const
    const once = await mallory.sign(PUBLIC, subject, note('n1'))
    const old = await mallory.sign(PUBLIC, subject, note('n2'), { at: clock.now() - 91_000 })
    const wire = raw('mallory', 'u-mallory')
    await settle(wire.send(BROADCAST_EVENT, once))
    await settle(wire.send(BROADCAST_EVENT, once))
    await settle(wire.send(BROADCAST_EVENT, old))
    await until(() => dropReasons(photo.errors).length === 2, 'two drops')
    expect(dropReasons(photo.errors)).toEqual(['replayed', 'too-old'])
    expect(heard).toEqual([{ id: 'n1' }])
  })

  it('a receipt forged for the photographer does not count: the report says no receipt', async () => {
    const { member, until, raw, signer, settle, hub, clock } = await createVerifiedWorld()
    const venue = member('u-venue')
    const photo = member('u-photo')
    const venueRoom = venue.client.enter(ROOM)
    photo.client.enter(ROOM)
    await until(() => venueRoom.member('u-photo')?.status === 'online', 'the photographer')
    // The photographer's laptop lid is shut: still online for a lease, and only forged receipts
    // can come back.
    hub.disconnect(photo.label, { silent: true })
    const forger = await signer('u-mallory')
    const wire = raw('mallory', 'u-mallory')
    let wireJoined = false
    wire.onStatus((status) => {
      wireJoined ||= status === 'joined'
    })
    wire.onMessage(BROADCAST_EVENT, (envelope) => {
      const { id, session } = envelope as { id: string; session: string }
      const claim = { v: 1, id, user: 'u-photo', session: 'whatever', to: session }
      void wire.send(RECEIPT_EVENT, claim)
      void forger
        .sign(
          PUBLIC,
          { kind: 'message', event: RECEIPT_EVENT },
          { ...claim, session: forger.sessionId },
        )
        .then((signed) => wire.send(RECEIPT_EVENT, signed))
    })
    await until(() => venueRoom.connection === 'joined' && wireJoined, 'both joined')
    const sent = venueRoom.broadcast(
      'urgent',
      { text: 'Ceremony moved' },
      { receipts: true, timeoutMs: 2_000 },
    )
    await until(() => dropReasons(venue.errors).length === 2, 'both forged receipts dropped')
    await clock.advance(2_000) // the receipt timeout
    const report = await settle(sent, 'the report')
    expect(dropReasons(venue.errors).sort()).toEqual(['missing-proof', 'wrong-user'])
    expect(report.delivered).toEqual([])
    expect(report.noReceipt).toEqual(['u-photo'])
  })
})

describe('credentials over time', () => {
  it('a key rotation: a newcomer signed by the new key is seen once the observer refetches the JWKS', async () => {
    const { member, until, issuer, clock } = await createVerifiedWorld()
    const fetched: number[] = []
    const keys = {
      jwksUrl: 'https://wedsync.test/presence/.well-known/jwks.json',
      fetch: async () => {
        fetched.push(clock.now())
        return { ok: true, status: 200, json: async () => structuredClone(issuer.jwks) }
      },
    }
    const venue = member('u-venue', { trust: { keys } })
    const board = venue.client.enter(ROOM)
    await until(() => board.connection === 'joined' && fetched.length > 0, 'the board and its keys')
    await issuer.rotate('key-2')
    const photo = member('u-photo', { trust: { keys } })
    photo.client.enter(ROOM)
    // Within the observer's refetch cooldown the new key is unknown: dropped, and said so…
    await until(() => dropReasons(venue.errors).includes('unknown-key'), 'the unknown key')
    expect(board.member('u-photo')).toBeUndefined()
    // …and past it, the next heartbeat verifies.
    await clock.advance(30_000)
    await until(() => board.member('u-photo')?.status === 'online', 'the newcomer')
    expect(fetched.length).toBeGreaterThanOrEqual(2)
  })

  it('a credential that cannot be refreshed: the session stops publishing and goes offline', async () => {
    const { member, coordinator, until, issuer, clock } = await createVerifiedWorld()
    const { board } = await coordinator()
    let issued = 0
    const photo = member('u-photo', {
      trust: {
        credentials: async (request) => {
          if (issued++ > 0) throw new Error('the presence API is down')
          return issuer.issue({ ...request, ttlMs: 60_000 })
        },
      },
    })
    photo.client.enter(ROOM)
    await until(() => board.member('u-photo')?.status === 'online', 'the photographer')
    // Refreshing fails from 45 s on; at 60 s the credential is gone and nothing more is signed.
    for (let t = 0; t < 120; t += 5) await clock.advance(5_000)
    await until(() => board.member('u-photo')?.status === 'offline', 'the photographer offline')
    expect(photo.errors.some((e) => e.code === 'PRESENCE_CREDENTIAL_UNAVAILABLE')).toBe(true)
  })
})
