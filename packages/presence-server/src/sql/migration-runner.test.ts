import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { checksum, MIGRATIONS, quoteSchema } from './migration-runner.js'

const dir = new URL('../../sql/migrations/', import.meta.url)

describe('embedded migrations', () => {
  it('match sql/migrations/*.sql (run `pnpm sql:embed` after editing one)', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()
    expect(MIGRATIONS.map((m) => m.name)).toEqual(files)
    for (const m of MIGRATIONS) expect(m.sql).toBe(readFileSync(new URL(m.name, dir), 'utf8'))
  })

  it('are schema-agnostic: no schema-qualified names', () => {
    for (const m of MIGRATIONS) {
      const code = m.sql.replace(/--.*$/gm, '')
      expect(code).not.toMatch(/\b(public|auth|extensions)\./)
    }
  })
})

describe('quoteSchema and checksum', () => {
  it('quotes plain identifiers and refuses anything else', () => {
    expect(quoteSchema('presence_test_1')).toBe('"presence_test_1"')
    for (const bad of ['', '1abc', 'a-b', 'a"b', 'x'.repeat(64), 'a;drop'])
      expect(() => quoteSchema(bad)).toThrow(RangeError)
  })

  it('changes with the text', () => {
    expect(checksum('select 1')).toBe(checksum('select 1'))
    expect(checksum('select 1')).not.toBe(checksum('select 2'))
    expect(checksum('')).toMatch(/^[0-9a-f]{8}$/)
  })
})
