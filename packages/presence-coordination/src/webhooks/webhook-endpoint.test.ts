/**
 * The subscription API on the handlers with memory stores and the default URL policy: what it
 * accepts, the clear 400s (and 401/403/404/413) it answers otherwise, and that an owner's
 * subscriptions are theirs alone.
 */
import { createMemoryStore } from '@wedsync/presence-server'
import { describe, expect, it } from 'vitest'
import { testServer } from '../../test/support.js'
import { MAX_FILTER_IDS } from './subscription.js'
import { webhookEndpoint } from './webhook-endpoint.js'
import { createMemoryWebhookStore } from './webhook-store.js'

function setup(maxSubscriptionsPerUser = 3) {
  const store = createMemoryWebhookStore()
  const presence = createMemoryStore()
  const kicks: number[] = []
  const extension = webhookEndpoint({
    store,
    maxSubscriptionsPerUser,
    worker: { kick: () => void kicks.push(1) },
  })
  const server = testServer({ store: presence, extensions: [extension] })
  return { store, presence, server, extension, kicks }
}

const URL_OK = 'https://hooks.example.com/presence'

describe('webhook subscription API', () => {
  it('creates with defaults, shows the secret once, lists, changes, pauses and deletes', async () => {
    const { server, store } = setup()
    const created = await server.call('u-planner', 'POST', '/presence/webhooks', {
      url: URL_OK,
      description: 'CRM sync',
    })
    expect(created.status).toBe(201)
    const { subscription, secret } = await created.json()
    expect(subscription).toEqual({
      id: expect.stringMatching(/^wh_[0-9a-f]{32}$/),
      ownerId: 'u-planner',
      url: URL_OK,
      events: [
        'presence.online',
        'presence.offline',
        'presence.status_changed',
        'presence.custom_status_changed',
      ],
      filter: {},
      description: 'CRM sync',
      createdAt: server.clock.now(),
      updatedAt: server.clock.now(),
    })
    expect((await store.getSubscription(subscription.id))?.secret).toBe(secret)
    const path = `/presence/webhooks/${subscription.id}`

    const list = await (await server.call('u-planner', 'GET', '/presence/webhooks')).json()
    expect(list).toEqual({ subscriptions: [subscription] })
    expect(JSON.stringify(list)).not.toContain('whsec_')

    const changed = await server.call('u-planner', 'PUT', path, {
      events: ['presence.offline', 'presence.online', 'presence.online'],
      filter: { userIds: ['u-dj', 'u-dj'] },
    })
    expect((await changed.json()).subscription).toMatchObject({
      events: ['presence.online', 'presence.offline'],
      filter: { userIds: ['u-dj'] },
      url: URL_OK,
    })
    const paused = await server.call('u-planner', 'POST', `${path}/pause`)
    expect((await paused.json()).subscription).toMatchObject({ pausedReason: 'owner' })
    const deleted = await server.call('u-planner', 'POST', `${path}/delete`)
    expect(await deleted.json()).toEqual({ deleted: true, id: subscription.id })
    expect((await server.call('u-planner', 'GET', path)).status).toBe(404)
  })

  it('keeps each owner’s subscriptions to themself: another user gets 404, no token 401', async () => {
    const { server } = setup()
    const { subscription } = await (
      await server.call('u-planner', 'POST', '/presence/webhooks', { url: URL_OK })
    ).json()
    const path = `/presence/webhooks/${subscription.id}`
    for (const [method, p] of [
      ['GET', path],
      ['PUT', path],
      ['POST', `${path}/delete`],
      ['POST', `${path}/resume`],
      ['POST', `${path}/replay`],
      ['GET', `${path}/messages`],
    ] as const)
      expect(
        (await server.call('u-dj', method, p, method === 'GET' ? undefined : { description: 'x' }))
          .status,
      ).toBe(404)
    expect(await (await server.call('u-dj', 'GET', '/presence/webhooks')).json()).toEqual({
      subscriptions: [],
    })
    expect((await server.call(null, 'GET', '/presence/webhooks')).status).toBe(401)
    expect((await server.call('u-planner', 'GET', '/presence/webhooks/not-an-id')).status).toBe(404)
    expect((await server.call('u-planner', 'GET', '/presence/webhooks/%zz')).status).toBe(404)
  })

  it.each([
    [{ url: 'ftp://example.com/' }, 'Expected an http or https URL'],
    [{ url: 'https://user:secret@example.com/' }, 'Credentials in the URL are not allowed'],
    [{ url: 'http://127.0.0.1:9000/in' }, 'A local or private-network host is not allowed'],
    [{ url: 'http://localhost/in' }, 'A local or private-network host is not allowed'],
    [
      { url: `https://example.com/${'x'.repeat(2_100)}` },
      'Expected a URL of at most 2048 characters',
    ],
    [{ url: URL_OK, events: ['presence.online', 'presence.typing'] }, 'Expected one of'],
    [{ url: URL_OK, events: [] }, 'Expected at least one event'],
    [{ url: URL_OK, filter: { userIds: [] } }, 'Expected at least one id'],
    [
      {
        url: URL_OK,
        filter: { userIds: Array.from({ length: MAX_FILTER_IDS + 1 }, (_, i) => `u${i}`) },
      },
      `Expected at most ${MAX_FILTER_IDS} ids`,
    ],
    [{ url: URL_OK, filter: { groups: ['g'] } }, 'Unrecognized key'],
    [{ url: URL_OK, secret: 'whsec_mine' }, 'Unrecognized key'],
    [{ url: URL_OK, description: 'x'.repeat(201) }, 'Expected at most 200 characters'],
    [{}, 'url'],
  ])('refuses bad input #%# with a 400 that says why', async (body, reason) => {
    const { server } = setup()
    const response = await server.call('u-planner', 'POST', '/presence/webhooks', body)
    expect(response.status).toBe(400)
    const error = await response.json()
    expect(error.error.code).toBe('PRESENCE_PAYLOAD_INVALID')
    expect(JSON.stringify(error)).toContain(reason)
  })

  it('refuses malformed JSON (400), an oversize body (413), an empty change and a bad replay', async () => {
    const { server } = setup()
    expect((await server.call('u-planner', 'POST', '/presence/webhooks', '{"url":')).status).toBe(
      400,
    )
    const huge = await server.call('u-planner', 'POST', '/presence/webhooks', {
      url: URL_OK,
      description: 'x'.repeat(100_000),
    })
    expect(huge.status).toBe(413)
    const { subscription } = await (
      await server.call('u-planner', 'POST', '/presence/webhooks', { url: URL_OK })
    ).json()
    const path = `/presence/webhooks/${subscription.id}`
    const empty = await server.call('u-planner', 'PUT', path, {})
    expect(empty.status).toBe(400)
    expect(JSON.stringify(await empty.json())).toContain('Expected at least one field to change')
    for (const body of [
      {},
      { ids: [] },
      { from: 10, to: 5 },
      { from: -1 },
      { ids: ['a'], from: 1 },
    ])
      expect((await server.call('u-planner', 'POST', `${path}/replay`, body)).status).toBe(400)
  })

  it('limits subscriptions per user and filters to the owner’s own teams and rooms', async () => {
    const { server, presence } = setup(2)
    await presence.addTeamMember({ teamId: 't-smith', userId: 'u-planner' })
    const make = (body: Record<string, unknown>) =>
      server.call('u-planner', 'POST', '/presence/webhooks', { url: URL_OK, ...body })
    expect((await make({ filter: { teamIds: ['t-other'] } })).status).toBe(403)
    expect((await make({ filter: { roomIds: ['t-other'] } })).status).toBe(403)
    expect((await make({ filter: { teamIds: ['t-smith'], roomIds: ['t-smith'] } })).status).toBe(
      201,
    )
    expect((await make({})).status).toBe(201)
    const third = await make({})
    expect(third.status).toBe(400)
    expect(JSON.stringify(await third.json())).toContain('At most 2 webhook subscriptions')
  })

  it('hooks transitions into the outbox and kicks the worker; enqueue serves the sweeper too', async () => {
    const { server, store, extension, kicks } = setup()
    await server.call('u-planner', 'POST', '/presence/webhooks', { url: URL_OK })
    expect(
      await extension.enqueue({ userId: 'u-dj', from: null, to: 'online', at: server.clock.now() }),
    ).toEqual({ events: 1, messages: 1, stale: false })
    expect(kicks).toHaveLength(1)
    expect(await extension.enqueue({ userId: 'u-dj', from: 'busy', to: 'offline', at: 0 })).toEqual(
      { events: 0, messages: 0, stale: true },
    )
    expect((await store.stats()).pending).toBe(1)
  })
})
