/**
 * The hooks' one entry, on the source import graph (no build needed): it runs in browsers, server
 * rendering and React Native, so it reaches no Node built-in and no DOM-only entry of the core
 * (`/browser`); of other packages it reaches only react and presence-core's main entry.
 */
import { expect, it } from 'vitest'
import { externalImports, importGraph } from '../../../scripts/import-graph.js'

it('the main entry reaches only react and @wedsync/presence-core', () => {
  const external = externalImports(importGraph('./index.ts', import.meta.url))
  expect(external.filter((s) => s.startsWith('node:'))).toEqual([])
  expect(new Set(external)).toEqual(new Set(['react', '@wedsync/presence-core']))
})
