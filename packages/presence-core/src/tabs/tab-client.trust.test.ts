/**
 * Tabs of one browser in a verified room, tried as a malicious member of the same team would: an
 * unsigned meta under the tabs' user's key, one signed with the attacker's own credential under
 * that key, one reusing the leading tab's session id, one stamped far in the future, a broadcast
 * in the user's name, and a flood. The tab transport passes what the room hears straight to the
 * verifying transport, so every one of them must be dropped and reported in the tabs, and none may
 * change what any tab shows or publishes (no adopted status, no second session, the same leader).
 */
import { describe, expect, it } from 'vitest'
import { createFakeBrowser } from '../../test/fake-tabs.js'
import { createVerifiedWorld, dropReasons, ROOM } from '../../test/verified-world.js'
import { BROADCAST_EVENT } from '../broadcast.js'
import type { PresenceError } from '../errors.js'
import { createSessionTrust } from '../trust.js'
import { createTabPresenceClient } from './tab-client.js'
import { createTabGroup } from './tab-group.js'

const PUBLIC = { roomId: ROOM, private: false }
const DAY = 24 * 60 * 60 * 1000

function meta(session: string, now: number, extra: Record<string, unknown> = {}) {
  return { v: 1, session, status: 'online', seq: now, lease: 30_000, ...extra }
}

async function priyasTabs() {
  const world = await createVerifiedWorld()
  const browser = createFakeBrowser()
  const tabs = ['tab-1', 'tab-2'].map((tabId) => {
    const errors: PresenceError[] = []
    const client = createTabPresenceClient({
      transport: world.hub.connect(tabId),
      userId: 'u-photo',
      sessionId: `u-photo-${tabId}`,
      clock: world.clock,
      trust: createSessionTrust({
        credentials: world.issuer.source(),
        keys: { jwks: world.issuer.jwks },
      }),
      tabs: createTabGroup({ name: 'u-photo', tabId, ...browser.tab(tabId) }),
    })
    client.on('error', (error) => errors.push(error))
    const room = client.enter(ROOM)
    return { client, errors, room }
  })
  const { venue, board } = await world.coordinator()
  await world.until(
    () =>
      board.member('u-photo')?.status === 'online' && tabs.every((t) => t.room.member('u-venue')),
    'the photographer and the venue see each other',
  )
  const [leader, follower] = tabs as [(typeof tabs)[0], (typeof tabs)[0]]
  return { ...world, venue, board, leader, follower, tabs }
}

/** Nothing changed: one session (the leader's) published, no status adopted in any tab. */
function unchanged(t: Awaited<ReturnType<typeof priyasTabs>>) {
  expect(t.leader.client.isLeader()).toBe(true)
  expect(t.follower.client.isLeader()).toBe(false)
  expect(t.board.member('u-photo')?.sessions.map((s) => s.sessionId)).toEqual(['u-photo-tab-1'])
  expect(t.board.member('u-photo')?.status).toBe('online')
  for (const tab of t.tabs) {
    expect(tab.client.me().manualStatus).toBeUndefined()
    expect(tab.client.me().customStatus).toBeUndefined()
  }
}

describe('tabs in a verified room: what a malicious member puts on the bus is dropped', () => {
  it('an unsigned meta under the tabs’ user’s key: missing-proof, in every tab', async () => {
    const t = await priyasTabs()
    await t.settle(
      t
        .raw('mallory', 'u-photo')
        .track(meta('s-forged', t.clock.now(), { manual: { status: 'busy', at: t.clock.now() } })),
    )
    await t.until(
      () => t.tabs.every((tab) => dropReasons(tab.errors).includes('missing-proof')),
      'the drop in both tabs',
    )
    unchanged(t)
  })

  it('signed with the attacker’s own credential under the user’s key: wrong-user', async () => {
    const t = await priyasTabs()
    const mallory = await t.signer('u-mallory')
    const signed = await mallory.sign(
      PUBLIC,
      { kind: 'presence', key: 'u-photo' },
      meta(mallory.sessionId, t.clock.now(), { manual: { status: 'away', at: t.clock.now() } }),
    )
    await t.settle(t.raw('mallory', 'u-photo').track(signed))
    await t.until(
      () => t.tabs.every((tab) => dropReasons(tab.errors).includes('wrong-user')),
      'the drop in both tabs',
    )
    unchanged(t)
  })

  it('reusing the leading tab’s session id, stamped a day ahead: dropped, nothing adopted', async () => {
    const t = await priyasTabs()
    const mallory = await t.signer('u-mallory')
    const ahead = t.clock.now() + DAY
    const signed = await mallory.sign(
      PUBLIC,
      { kind: 'presence', key: 'u-photo' },
      meta('u-photo-tab-1', ahead, { manual: { status: 'busy', at: ahead } }),
      { at: ahead },
    )
    await t.settle(t.raw('mallory', 'u-photo').track(signed))
    await t.until(
      () => t.tabs.every((tab) => dropReasons(tab.errors).length > 0),
      'the drop in both tabs',
    )
    unchanged(t)
  })

  it('a broadcast in the user’s name reaches no tab; a flood of forgeries changes nothing', async () => {
    const t = await priyasTabs()
    const heard: unknown[] = []
    for (const tab of t.tabs) tab.room.onBroadcast('urgent', (payload) => heard.push(payload))
    const forged = t.raw('mallory', 'u-photo')
    // Realtime limits presence calls per client, so a flood comes as broadcasts.
    for (let i = 0; i < 200; i++)
      await t.settle(
        forged.send(BROADCAST_EVENT, {
          id: `b-${i}`,
          event: 'urgent',
          payload: { text: 'Ceremony cancelled' },
          from: 'u-venue',
          session: 'u-venue-s',
        }),
      )
    await t.until(
      () => t.tabs.every((tab) => dropReasons(tab.errors).length > 0),
      'the drops in both tabs',
    )
    expect(heard).toEqual([])
    unchanged(t)
  })
})
