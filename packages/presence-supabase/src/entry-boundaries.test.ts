/**
 * The package's entries as import rules: the main entry is the transport for browsers and edge
 * runtimes, so it reaches presence-core and the supabase-js peer and nothing of the server side
 * (presence-server, jose, pg, zod); the store and the authorizer come in through `./server`.
 * Checked on the source import graph (no build); `import type` lines are left out of that graph.
 */
import { describe, expect, it } from 'vitest'
import { externalImports, importGraph } from '../../../scripts/import-graph.js'

const graph = (entry: string) => importGraph(entry, import.meta.url)
const packages = (entry: string) => [...new Set(externalImports(graph(entry)))].sort()

describe('entry boundaries', () => {
  it('the main entry reaches only presence-core and supabase-js', () => {
    expect(packages('./index.ts')).toEqual(['@supabase/supabase-js', '@wedsync/presence-core'])
  })

  it('the main entry reaches neither the store nor the authorizer', () => {
    const modules = [...graph('./index.ts').keys()]
    expect(modules).toContain('./transport.ts')
    expect(modules).not.toContain('./supabase-store.ts')
    expect(modules).not.toContain('./postgres-authorizer.ts')
  })

  it('the server entry is where presence-server comes in', () => {
    expect(packages('./server.ts')).toEqual(['@wedsync/presence-server'])
  })

  it.each(['./index.ts', './server.ts'])('%s reaches no jose, pg or zod', (entry) => {
    const server = packages(entry).filter((s) => /^(?:jose|pg|zod)(?:\/|$)/.test(s))
    expect(server).toEqual([])
  })
})
