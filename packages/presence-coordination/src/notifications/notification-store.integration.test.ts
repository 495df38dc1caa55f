import type { Status } from '@wedsync/presence-core'
import { createSqlStore, migratePostgres, pgClient } from '@wedsync/presence-server/postgres'
import { createFakeClock } from '@wedsync/presence-testing'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runNotificationCrashScenario } from '../../test/notification-crash.js'
import { sqlFixtures } from '../../test/sql-fixtures.js'
import { dropSchema, schemaName, testPool } from '../../test/support.js'
import { COORDINATION_MIGRATIONS } from '../migrations.js'
import { createNotificationRouter, type Notification } from './notification-router.js'
import { runNotificationStoreContract } from './notification-store-contract.js'
import { createSqlNotificationStore } from './notification-store-sql.js'

const sql = sqlFixtures('held', createSqlNotificationStore)
const { admin, instanceStore } = sql

runNotificationStoreContract('pglite', sql.pglite)
runNotificationStoreContract('postgres', sql.postgres, { concurrent: true })

runNotificationCrashScenario('postgres', async () => {
  const schema = schemaName('crash')
  await migratePostgres(admin, schema, { extraMigrations: COORDINATION_MIGRATIONS })
  return {
    notifications: async () => instanceStore(schema),
    presence: createSqlStore({ client: pgClient(admin), schema }),
    cleanup: () => dropSchema(admin, schema),
  }
})

describe('notification router on Postgres', () => {
  const schema = schemaName('router')
  const pools: pg.Pool[] = []
  beforeAll(() => migratePostgres(admin, schema, { extraMigrations: COORDINATION_MIGRATIONS }))
  afterAll(async () => {
    for (const pool of pools) await pool.end()
    await dropSchema(admin, schema)
  })

  const clock = createFakeClock()
  const statuses = new Map<string, Status>([['u-florist', 'busy']])
  const delivered: string[] = []

  /** One server process: its own pool, store and router. */
  function instance(name: string) {
    const pool = testPool(3)
    pools.push(pool)
    const store = createSqlNotificationStore({ client: pgClient(pool), schema })
    const hook = (route: string) => async (n: Notification) => {
      delivered.push(`${route}:${n.id}:${name}`)
    }
    const router = createNotificationRouter({
      store,
      hooks: { inApp: hook('in-app'), push: hook('push'), fallback: hook('fallback') },
      presence: (userId) => statuses.get(userId) ?? 'offline',
      clock,
      scheduler: clock,
      instanceId: name,
      pollMs: false,
    })
    return { store, router }
  }

  it('a held notification survives a restart and is released exactly once', async () => {
    const before = instance('before-restart')
    const held = await before.router.send({
      id: 'restart-1',
      recipientId: 'u-florist',
      urgency: 'routine',
      payload: { text: 'Can you confirm 12 bouquets?' },
    })
    expect(held.held).toBe(true)
    before.router.stop() // the process ends

    // Two new processes come up on the same database; the florist comes online and both hear it.
    const a = instance('after-a')
    const b = instance('after-b')
    await Promise.all([a.router.start(), b.router.start()])
    statuses.set('u-florist', 'online')
    const [fromA, fromB] = await Promise.all([
      a.router.onPresenceChange('u-florist', 'online'),
      b.router.onPresenceChange('u-florist', 'online'),
    ])
    expect([...fromA, ...fromB]).toHaveLength(1)
    expect(delivered).toHaveLength(1)
    expect(delivered[0]).toMatch(/^in-app:restart-1:after-[ab]$/)
    const record = await a.store.get('restart-1')
    expect(record).toMatchObject({
      payload: { text: 'Can you confirm 12 bouquets?' },
      releasedRoutes: ['in-app'],
      attempts: 1,
    })

    // Nothing comes out again: not on another presence change, not when the deadline passes.
    await Promise.all([
      a.router.onPresenceChange('u-florist', 'online'),
      b.router.onPresenceChange('u-florist', 'online'),
    ])
    await clock.advance(2 * 3_600_000)
    await Promise.all([a.router.releaseDue(), b.router.releaseDue()])
    expect(delivered).toHaveLength(1)
    a.router.stop()
    b.router.stop()
  })

  it('due notifications are shared out between instances, each released once', async () => {
    statuses.set('u-dj', 'busy')
    const a = instance('due-a')
    const b = instance('due-b')
    delivered.length = 0
    for (let i = 0; i < 30; i++)
      await a.router.send({ id: `due-${i}`, recipientId: 'u-dj', urgency: 'routine', payload: i })
    await clock.advance(3_600_000)
    const results = (await Promise.all([a.router.releaseDue(), b.router.releaseDue()])).flat()
    const ids = results.map((r) => r.id)
    expect(new Set(ids).size).toBe(30)
    expect(ids).toHaveLength(30)
    // Busy past the deadline: in-app and push, each once per notification.
    expect(delivered).toHaveLength(60)
    expect(new Set(delivered.map((d) => d.split(':').slice(0, 2).join(':'))).size).toBe(60)
  })
})
