/**
 * The README's runnable example, examples/private-room.mjs, against a fresh Supabase-shaped
 * database on the real Postgres (the migrations on the shim of test/test-supabase-db.ts).
 */
import { afterAll, expect, it } from 'vitest'
import { postgresDatabase } from '../test/test-supabase-db.js'

const database = await postgresDatabase('example')
afterAll(() => database.close())

it('examples/private-room.mjs: the team sees each other, the other wedding’s caterer is refused', async () => {
  const { run } = await import('../examples/private-room.mjs')
  const lines: string[] = []
  await run({ databaseUrl: database.url, log: (line: string) => lines.push(line) })
  expect(lines).toEqual([
    'u-venue sees: u-photo, u-venue',
    'u-photo sees: u-photo, u-venue',
    'u-caterer refused: Unauthorized: You do not have permissions to read from this Channel topic: presence:wedding:123',
  ])
})
