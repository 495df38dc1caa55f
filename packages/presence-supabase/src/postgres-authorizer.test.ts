/**
 * createPostgresAuthorizer's own logic, with a scripted pool standing in for Postgres: which
 * statements it runs in which order, that it always rolls back, and that it fails closed. The
 * policies themselves are evaluated on real databases in policies.integration.test.ts and
 * postgres-authorizer.integration.test.ts.
 */
import { describe, expect, it } from 'vitest'
import {
  createPostgresAuthorizer,
  evaluateRealtimePolicies,
  type PgPoolLike,
} from './postgres-authorizer.js'

type Script = (sql: string, values?: unknown[]) => unknown[] | Error

/** A pool whose one connection answers `script` and records statements and releases. */
function scriptedPool(script: Script) {
  const statements: string[] = []
  const releases: (Error | boolean | undefined)[] = []
  let connects = 0
  const pool: PgPoolLike = {
    async connect() {
      connects++
      return {
        async query(sql: string, values?: unknown[]) {
          const text = sql.replace(/\s+/g, ' ').trim()
          statements.push(text.split(' ').slice(0, 3).join(' '))
          const answer = script(text, values)
          if (answer instanceof Error) throw answer
          return { rows: answer }
        },
        release(error?: Error | boolean) {
          releases.push(error)
        },
      }
    },
  }
  return { pool, statements, releases, connects: () => connects }
}

const pgError = (code: string, message: string) => Object.assign(new Error(message), { code })
const ANA = { role: 'authenticated', sub: 'u-ana' }

/** Inserts return two probe ids; the select sees the ones in `visible`. */
function readScript(visible: string[]): Script {
  return (sql) => {
    if (sql.startsWith("insert into realtime.messages (topic, extension) values ($1, 'broadcast')"))
      return [
        { id: 'b', extension: 'broadcast' },
        { id: 'p', extension: 'presence' },
      ]
    if (sql.startsWith('select extension')) return visible.map((extension) => ({ extension }))
    return []
  }
}

describe('createPostgresAuthorizer', () => {
  it('reads as the requester after inserting the probes as the owner, then rolls back', async () => {
    const { pool, statements, releases } = scriptedPool(readScript(['presence']))
    const authorize = createPostgresAuthorizer(pool)
    expect(await authorize({ topic: 'presence:wedding:1', claims: ANA, action: 'read' })).toBe(true)
    expect(statements).toEqual([
      'begin',
      'insert into realtime.messages',
      "select set_config('role', $1,",
      'select extension from',
      'rollback',
    ])
    expect(releases).toEqual([undefined])
  })

  it('allows a join when either extension may be read, as Supabase does, and refuses otherwise', async () => {
    const read = (visible: string[]) =>
      createPostgresAuthorizer(scriptedPool(readScript(visible)).pool)({
        topic: 't',
        claims: ANA,
        action: 'read',
      })
    expect(await read(['broadcast'])).toBe(true)
    expect(await read(['broadcast', 'presence'])).toBe(true)
    expect(await read([])).toBe(false)
  })

  it('maps write to a broadcast insert and presence to a presence insert, in a savepoint', async () => {
    const inserts: unknown[] = []
    const { pool, statements } = scriptedPool((sql, values) => {
      if (sql.startsWith('insert')) {
        inserts.push(values?.[1])
        return values?.[1] === 'presence'
          ? pgError('42501', 'new row violates row-level security')
          : []
      }
      return []
    })
    const authorize = createPostgresAuthorizer(pool)
    expect(await authorize({ topic: 't', claims: ANA, action: 'write' })).toBe(true)
    expect(await authorize({ topic: 't', claims: ANA, action: 'presence' })).toBe(false)
    expect(inserts).toEqual(['broadcast', 'presence'])
    expect(statements.slice(-5)).toEqual([
      "select set_config('role', $1,",
      'savepoint presence_write_probe',
      'insert into realtime.messages',
      'rollback to savepoint',
      'rollback',
    ])
  })

  it('refuses a role outside the allowed ones without touching the database', async () => {
    const { pool, connects } = scriptedPool(readScript(['broadcast']))
    const authorize = createPostgresAuthorizer(pool)
    for (const claims of [{ role: 'postgres' }, { role: 42 }, {}])
      expect(await authorize({ topic: 't', claims, action: 'read' })).toBe(false)
    expect(connects()).toBe(0)
    const custom = createPostgresAuthorizer(pool, { roles: ['postgres'] })
    expect(await custom({ topic: 't', claims: { role: 'postgres' }, action: 'read' })).toBe(true)
  })

  it('fails closed and reports: a policy that raises, a lost connection, a refused grant', async () => {
    const errors: unknown[] = []
    const raising = scriptedPool((sql) =>
      sql.startsWith('select extension')
        ? pgError('22012', 'division by zero')
        : readScript([])(sql),
    )
    const onError = (error: unknown) => errors.push(error)
    expect(
      await createPostgresAuthorizer(raising.pool, { onError })({
        topic: 't',
        claims: ANA,
        action: 'read',
      }),
    ).toBe(false)
    expect(raising.statements.at(-1)).toBe('rollback')
    expect(raising.releases).toEqual([errors[0]])

    const down: PgPoolLike = { connect: () => Promise.reject(new Error('connect ECONNREFUSED')) }
    expect(
      await createPostgresAuthorizer(down, { onError })({
        topic: 't',
        claims: ANA,
        action: 'write',
      }),
    ).toBe(false)
    expect(errors.map((e) => (e as Error).message)).toEqual([
      'division by zero',
      'connect ECONNREFUSED',
    ])

    // No grant on realtime.messages for the role: a denial, not an error.
    const ungranted = scriptedPool((sql) =>
      sql.startsWith('select extension')
        ? pgError('42501', 'permission denied')
        : readScript([])(sql),
    )
    expect(
      await createPostgresAuthorizer(ungranted.pool, { onError })({
        topic: 't',
        claims: ANA,
        action: 'read',
      }),
    ).toBe(false)
    expect(errors).toHaveLength(2)
  })
})

describe('evaluateRealtimePolicies', () => {
  it('answers all four decisions, and lets evaluation errors propagate', async () => {
    const { pool } = scriptedPool((sql, values) =>
      sql.startsWith('insert into realtime.messages (topic, extension) values ($1, $2)')
        ? values?.[1] === 'broadcast'
          ? []
          : pgError('42501', 'refused')
        : readScript(['broadcast', 'presence'])(sql),
    )
    expect(await evaluateRealtimePolicies(pool, { topic: 't', claims: ANA })).toEqual({
      broadcast: { read: true, write: true },
      presence: { read: true, write: false },
    })
    const broken = scriptedPool(() => pgError('XX000', 'internal'))
    await expect(
      evaluateRealtimePolicies(broken.pool, { topic: 't', claims: ANA }),
    ).rejects.toThrow('internal')
    expect(
      await evaluateRealtimePolicies(broken.pool, { topic: 't', claims: { role: 'x' } }),
    ).toEqual({
      broadcast: { read: false, write: false },
      presence: { read: false, write: false },
    })
  })
})
