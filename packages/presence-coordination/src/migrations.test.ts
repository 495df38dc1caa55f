import { readdirSync, readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import {
  MIGRATIONS,
  migrate,
  migratePGlite,
  pgliteTransaction,
} from '@wedsync/presence-server/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COORDINATION_MIGRATIONS } from './migrations.js'

const dir = new URL('../sql/migrations/', import.meta.url)

describe('embedded coordination migrations', () => {
  it('match sql/migrations/*.sql (run `pnpm sql:embed` after editing one)', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
    expect(COORDINATION_MIGRATIONS.map((m) => m.name)).toEqual(files)
    for (const m of COORDINATION_MIGRATIONS)
      expect(m.sql).toBe(readFileSync(new URL(m.name, dir), 'utf8'))
  })

  it('are schema-agnostic and share no name with the server’s', () => {
    for (const m of COORDINATION_MIGRATIONS) {
      const code = m.sql.replace(/--.*$/gm, '')
      expect(code).not.toMatch(/\b(public|auth|extensions)\./)
      expect(MIGRATIONS.map((s) => s.name)).not.toContain(m.name)
    }
  })
})

describe('applied after the server’s, in its ledger', () => {
  const db = new PGlite()
  beforeAll(() => db.waitReady, 120_000)
  afterAll(() => db.close())

  it('creates the held-notifications table once; a second run applies nothing', async () => {
    const first = await migratePGlite(db, 'coord', { extraMigrations: COORDINATION_MIGRATIONS })
    expect(first.applied).toEqual([
      ...MIGRATIONS.map((m) => m.name),
      ...COORDINATION_MIGRATIONS.map((m) => m.name),
    ])
    const { rows } = await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'coord' order by 1`,
    )
    expect(rows.map((r) => r.table_name)).toContain('presence_held_notifications')
    const again = await migratePGlite(db, 'coord', { extraMigrations: COORDINATION_MIGRATIONS })
    expect(again.applied).toEqual([])
  })

  it('refuses a name the server’s migrations already use', async () => {
    await expect(
      migrate(pgliteTransaction(db), { schema: 'twice', extraMigrations: [MIGRATIONS[0]!] }),
    ).rejects.toThrow(/listed twice/)
  })
})
