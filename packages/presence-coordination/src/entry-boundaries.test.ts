/**
 * What each entry may import, on the source import graph (no build needed): the browser entry
 * carries no server code (core and the server's client as types only), no entry reaches a
 * Node-only module, and presence-server is reached only through entries without Node drivers.
 */
import { describe, expect, it } from 'vitest'
import { externalImports, importGraph } from '../../../scripts/import-graph.js'

const NODE_ONLY = /^(node:|pg$|ioredis$|@electric-sql\/pglite$|http$|net$|fs$|crypto$)/

const graph = (entry: string) => importGraph(entry, import.meta.url)

describe('entry boundaries', () => {
  it('the browser entry holds no server code: its own two modules, nothing imported at run time', () => {
    const modules = graph('./browser.ts')
    expect(externalImports(modules)).toEqual([])
    expect([...modules.keys()].sort()).toEqual([
      './browser.ts',
      './notifications/remote-notification-router.ts',
      './notifications/urgent-broadcast.ts',
    ])
  })

  it.each(['./index.ts', './calendar.ts', './contract.ts'])(
    '%s reaches no Node-only module, and the server only through its main entry',
    (entry) => {
      const external = externalImports(graph(entry))
      expect(external.filter((s) => NODE_ONLY.test(s))).toEqual([])
      expect(external.filter((s) => s.startsWith('@wedsync/presence-server'))).not.toContain(
        expect.stringMatching(/\/(postgres|pglite|redis|node)$/),
      )
    },
  )

  it('calendar busy is where ical.js comes in', () => {
    expect(externalImports(graph('./index.ts'))).not.toContain('ical.js')
    expect(externalImports(graph('./calendar.ts'))).toContain('ical.js')
  })
})
