/**
 * The default entry runs in edge runtimes and Deno: nothing it reaches imports a Node built-in or
 * a Node-only driver. Checked on the source import graph, so no build is needed.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const NODE_ONLY = /^(node:|pg$|ioredis$|@electric-sql\/pglite$|http$|net$|fs$|crypto$)/

function graph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    const text = readFileSync(new URL(file, import.meta.url), 'utf8')
    const specifiers = [...text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)]
      .filter((m) => !/^(?:import|export)\s+type\s/.test(m[0]))
      .map((m) => m[1]!)
    seen.set(file, specifiers)
    for (const s of specifiers) if (s.startsWith('./')) visit(s.replace(/\.js$/, '.ts'))
  }
  visit(entry)
  return seen
}

describe('entry boundaries', () => {
  it('the default entry reaches no Node-only module', () => {
    const modules = graph('./index.ts')
    const external = [...modules.values()].flat().filter((s) => !s.startsWith('./'))
    expect(new Set(external)).toEqual(new Set(['@wedsync/presence-core', 'jose', 'zod']))
    expect(external.filter((s) => NODE_ONLY.test(s))).toEqual([])
  })

  it('the client entry reaches only its own modules: no validators, no Node', () => {
    const modules = graph('./client.ts')
    expect([...modules.values()].flat().filter((s) => !s.startsWith('./'))).toEqual([])
    expect([...modules.keys()].sort()).toEqual(['./api-client.ts', './client.ts', './errors.ts'])
  })

  it.each([
    ['./postgres.ts', 'pg'],
    ['./pglite.ts', '@electric-sql/pglite'],
    ['./node.ts', 'node:http'],
  ])('%s is where %s comes in', (entry, dependency) => {
    expect([...graph(entry).values()].flat()).toContain(dependency)
  })

  it('the Redis store needs only the client it is given (ioredis types, no runtime import)', () => {
    expect([...graph('./redis.ts').values()].flat().filter((s) => !s.startsWith('./'))).toEqual([])
  })
})
