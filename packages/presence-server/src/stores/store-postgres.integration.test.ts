/**
 * The Postgres stores against the real Postgres on 127.0.0.1:5432: the store and rate-limiter
 * contracts (a fresh schema per test, dropped after), the migration runner, and the SQL
 * `can_view_presence` agreeing with the TypeScript checker on random graphs.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DATABASE_URL, dropSchema, schemaName, testPool } from '../../test/support.js'
import { canViewPresence } from '../privacy/privacy-checker.js'
import { runRateLimiterContract } from '../rate-limit/rate-limiter-contract.js'
import { MIGRATIONS } from '../sql/migration-runner.js'
import { VISIBILITIES } from '../validation/schemas.js'
import { runPresenceStoreContract } from './store-contract.js'
import {
  createPostgresRateLimitStore,
  createPostgresStore,
  migratePostgres,
  pgClient,
} from './store-postgres.js'

const admin = testPool(4)
afterAll(() => admin.end())

runPresenceStoreContract('postgres', async () => {
  const schema = schemaName('store')
  const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, max: 5 })
  return { store, cleanup: () => dropSchema(admin, schema) }
})

runRateLimiterContract('postgres', async () => {
  const schema = schemaName('limits')
  await migratePostgres(admin, schema)
  return {
    // A pool per limiter instance, as separate servers would have.
    connect: () =>
      createPostgresRateLimitStore({
        connectionString: DATABASE_URL,
        schema,
        max: 3,
        migrate: false,
      }),
    cleanup: () => dropSchema(admin, schema),
  }
})

describe('migrations on Postgres', () => {
  const schema = schemaName('migrate')
  afterAll(() => dropSchema(admin, schema))

  it('apply in order once, even when two runners start together', async () => {
    const [a, b] = await Promise.all([
      migratePostgres(admin, schema),
      migratePostgres(admin, schema),
    ])
    const names = MIGRATIONS.map((m) => m.name)
    expect([...a.applied, ...b.applied].sort()).toEqual(names)
    expect((await migratePostgres(admin, schema)).applied).toEqual([])
    const { rows } = await admin.query(
      `select name from "${schema}".presence_migrations order by name`,
    )
    expect(rows.map((r) => r.name)).toEqual(names)
  })

  it('refuses a migration changed after it was applied', async () => {
    const { migrate } = await import('../sql/migration-runner.js')
    const { pgTransaction } = await import('./store-postgres.js')
    const changed = MIGRATIONS.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m))
    await expect(migrate(pgTransaction(admin), { schema, migrations: changed })).rejects.toThrow(
      /changed after it was applied/,
    )
  })

  it('creates the tables the supabase adapter builds on, in the chosen schema only', async () => {
    const { rows } = await admin.query(
      `select table_name from information_schema.tables where table_schema = $1 order by 1`,
      [schema],
    )
    expect(rows.map((r) => r.table_name)).toEqual([
      'contacts',
      'presence_events',
      'presence_migrations',
      'presence_rate_limits',
      'presence_sessions',
      'presence_settings',
      'team_members',
      'user_last_seen',
    ])
  })

  it('prunes events with the retention function', async () => {
    await admin.query(
      `insert into "${schema}".presence_events (user_id, from_status, to_status, occurred_at)
       values ('u', null, 'online', now() - interval '100 days'), ('u', 'online', 'busy', now())`,
    )
    const { rows } = await admin.query(
      `select "${schema}".prune_presence_events(now() - interval '90 days')::int as n`,
    )
    expect(rows[0].n).toBe(1)
  })

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(migratePostgres(admin, 'x"; drop table y; --')).rejects.toThrow(RangeError)
  })
})

describe('can_view_presence (SQL) agrees with canViewPresence (TypeScript)', () => {
  const schema = schemaName('privacy')
  beforeAll(() => migratePostgres(admin, schema))
  afterAll(() => dropSchema(admin, schema))

  const users = ['u0', 'u1', 'u2', 'u3', 'u4']
  const graph = fc.record({
    settings: fc.array(
      fc.option(
        fc.record({
          visibility: fc.constantFrom(...VISIBILITIES),
          appearOffline: fc.boolean(),
        }),
      ),
      { minLength: users.length, maxLength: users.length },
    ),
    contacts: fc.uniqueArray(fc.tuple(fc.nat(4), fc.nat(4)), {
      maxLength: 12,
      selector: ([a, b]) => `${a}-${b}`,
    }),
    teams: fc.uniqueArray(fc.tuple(fc.nat(2), fc.nat(4)), {
      maxLength: 10,
      selector: ([t, u]) => `${t}-${u}`,
    }),
  })

  it('for every viewer and target of random graphs', async () => {
    const db = pgClient(admin)
    await fc.assert(
      fc.asyncProperty(graph, async ({ settings, contacts, teams }) => {
        const s = `"${schema}"`
        await db.exec(`truncate ${s}.presence_settings, ${s}.contacts, ${s}.team_members`)
        for (const [i, set] of settings.entries())
          if (set)
            await db.query(
              `insert into ${s}.presence_settings (user_id, visibility, appear_offline) values ($1, $2, $3)`,
              [users[i], set.visibility, set.appearOffline],
            )
        for (const [a, b] of contacts)
          if (a !== b)
            await db.query(`insert into ${s}.contacts values ($1, $2)`, [users[a], users[b]])
        for (const [t, u] of teams)
          await db.query(`insert into ${s}.team_members (team_id, user_id) values ($1, $2)`, [
            `t${t}`,
            users[u],
          ])
        const { rows } = await db.query<{ v: string; t: string; can: boolean }>(
          `select v.id as v, t.id as t, ${s}.can_view_presence(v.id, t.id) as can
           from unnest($1::text[]) v(id), unnest($1::text[]) t(id)`,
          [users],
        )
        for (const row of rows) {
          const vi = users.indexOf(row.v)
          const ti = users.indexOf(row.t)
          const set = settings[ti]
          const expected = canViewPresence(row.v, row.t, {
            settings: {
              visibility: set?.visibility ?? 'everyone',
              appearOffline: set?.appearOffline ?? false,
              showLastSeen: true,
              showActivity: true,
            },
            isContact: contacts.some(([a, b]) => a === ti && b === vi && a !== b),
            sharesTeam: teams.some(
              ([t, u]) => u === ti && teams.some(([t2, u2]) => t2 === t && u2 === vi),
            ),
          })
          expect(row.can, `${row.v} → ${row.t}`).toBe(expected)
        }
      }),
      { numRuns: 50 },
    )
  }, 120_000)
})
