/**
 * The default entry runs in edge runtimes and Deno: nothing it reaches imports a Node built-in or
 * a Node-only driver. Checked on the source import graph, so no build is needed.
 */
import { describe, expect, it } from 'vitest'
import { externalImports, importGraph } from '../../../scripts/import-graph.js'

const NODE_ONLY = /^(node:|pg$|ioredis$|@electric-sql\/pglite$|http$|net$|fs$|crypto$)/

const graph = (entry: string) => importGraph(entry, import.meta.url)

describe('entry boundaries', () => {
  it('the default entry reaches no Node-only module', () => {
    const external = externalImports(graph('./index.ts'))
    expect(new Set(external)).toEqual(new Set(['@wedsync/presence-core', 'jose', 'zod']))
    expect(external.filter((s) => NODE_ONLY.test(s))).toEqual([])
  })

  it('the client entry reaches only its own modules: no validators, no Node', () => {
    const modules = graph('./client.ts')
    expect(externalImports(modules)).toEqual([])
    expect([...modules.keys()].sort()).toEqual([
      './client.ts',
      './errors.ts',
      './http/api-client.ts',
      './http/session-header.ts',
    ])
  })

  it.each([
    ['./postgres.ts', 'pg'],
    ['./pglite.ts', '@electric-sql/pglite'],
    ['./node.ts', 'node:http'],
  ])('%s is where %s comes in', (entry, dependency) => {
    expect([...graph(entry).values()].flat()).toContain(dependency)
  })

  it('the Redis store needs only the client it is given (ioredis types, no runtime import)', () => {
    expect(externalImports(graph('./redis.ts'))).toEqual([])
  })
})
