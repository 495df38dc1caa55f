/**
 * The PGlite stores (the embedded default): the store contract on one in-memory PGlite, a fresh
 * schema per test; the rate-limiter contract; migrations into two schemas of one database.
 */
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRateLimiterContract } from '../rate-limit/rate-limiter-contract.js'
import { MIGRATIONS } from '../sql/migration-runner.js'
import { runPresenceStoreContract } from './store-contract.js'
import { createPGliteRateLimitStore, createPGliteStore, migratePGlite } from './store-pglite.js'

const db = new PGlite()
// Starting the WebAssembly Postgres takes seconds on a busy machine: once, before the suites.
beforeAll(() => db.waitReady, 120_000)
afterAll(() => db.close())
let n = 0

runPresenceStoreContract('pglite', async () => {
  const schema = `contract_${++n}`
  const store = await createPGliteStore({ db, schema })
  return { store, cleanup: () => db.exec(`drop schema ${schema} cascade`).then(() => {}) }
})

runRateLimiterContract('pglite', async () => {
  const schema = `limits_${++n}`
  await migratePGlite(db, schema)
  return {
    connect: () => createPGliteRateLimitStore({ db, schema, migrate: false }),
    cleanup: () => db.exec(`drop schema ${schema} cascade`).then(() => {}),
  }
})

describe('PGlite store', () => {
  it('migrates idempotently, per schema', async () => {
    expect((await migratePGlite(db, 'one')).applied).toEqual(MIGRATIONS.map((m) => m.name))
    expect((await migratePGlite(db, 'one')).applied).toEqual([])
    expect((await migratePGlite(db, 'two')).applied).toHaveLength(MIGRATIONS.length)
  })

  it('applies extra migrations after its own, in their name order, in the same ledger', async () => {
    const extra = [
      { name: 'app_0002_index.sql', sql: 'create index app_notes_idx on app_notes (id);' },
      { name: 'app_0001_notes.sql', sql: 'create table app_notes (id text primary key);' },
    ]
    const first = await migratePGlite(db, 'extra', { extraMigrations: extra })
    expect(first.applied).toEqual([
      ...MIGRATIONS.map((m) => m.name),
      'app_0001_notes.sql',
      'app_0002_index.sql',
    ])
    expect((await migratePGlite(db, 'extra', { extraMigrations: extra })).applied).toEqual([])
    await expect(migratePGlite(db, 'extra', { extraMigrations: [MIGRATIONS[0]!] })).rejects.toThrow(
      /listed twice/,
    )
  })

  it('opens its own in-memory database when none is given, and closes it', async () => {
    const store = await createPGliteStore()
    await store.recordStatus({ userId: 'u-ana', status: 'busy', at: 1_000 })
    expect((await store.presenceFor('u-ana', ['u-ana']))[0]?.presence?.status).toBe('busy')
    await store.close()
    await expect(store.ping()).rejects.toThrow()
  }, 120_000)
})
