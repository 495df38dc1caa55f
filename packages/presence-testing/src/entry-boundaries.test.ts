/**
 * What each entry may import, on the source import graph (no build needed): the main entry (fake
 * clock, fake activity, memory hub, probes) and `/msw` also run in browsers and Deno, so they reach
 * no Node built-in and no socket library; the WebSocket server (`ws`) and the fault proxy (`net`)
 * come in only through `/server` and `/fault-proxy`; vitest only through `/contract`.
 */
import { describe, expect, it } from 'vitest'
import { externalImports, importGraph } from '../../../scripts/import-graph.js'

const external = (entry: string) => externalImports(importGraph(entry, import.meta.url))
const NODE_ONLY = /^(node:|ws$)/

describe('entry boundaries', () => {
  it.each(['./index.ts', './msw.ts'])('%s reaches no Node built-in and no ws', (entry) => {
    expect(external(entry).filter((s) => NODE_ONLY.test(s))).toEqual([])
  })

  it.each(['./index.ts', './msw.ts', './server.ts', './fault-proxy.ts'])(
    '%s does not load vitest (only the contract suites do)',
    (entry) => {
      expect(external(entry)).not.toContain('vitest')
    },
  )

  it('the contract suites are where vitest comes in', () => {
    expect(external('./contract.ts')).toContain('vitest')
  })

  it('playwright-core comes in through /chromium alone', () => {
    expect(external('./chromium.ts')).toContain('playwright-core')
    for (const entry of [
      './index.ts',
      './msw.ts',
      './server.ts',
      './fault-proxy.ts',
      './contract.ts',
    ])
      expect(external(entry)).not.toContain('playwright-core')
  })

  it('the Realtime server is where ws comes in', () => {
    expect(external('./server.ts')).toContain('ws')
  })

  it('of the other workspace packages, only presence-core is reached', () => {
    for (const entry of [
      './index.ts',
      './msw.ts',
      './server.ts',
      './fault-proxy.ts',
      './contract.ts',
    ])
      expect(external(entry).filter((s) => s.startsWith('@wedsync/'))).toEqual(
        external(entry).filter((s) => s.startsWith('@wedsync/presence-core')),
      )
  })
})
