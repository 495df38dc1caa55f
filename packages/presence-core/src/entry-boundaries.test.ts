/**
 * The core's entries as import rules: the main entry and the trust entry run in browsers, edge
 * runtimes and Deno, so nothing they reach imports a Node built-in; verification costs only apps
 * that import it (the main entry reaches none of `trust/`); `node:crypto` comes in through
 * `trust-node` alone. Checked on the source import graph, so no build is needed.
 */
import { describe, expect, it } from 'vitest'
import { externalImports, importGraph } from '../../../scripts/import-graph.js'

const graph = (entry: string) => importGraph(entry, import.meta.url)
const nodeBuiltins = (specifiers: string[]) => specifiers.filter((s) => s.startsWith('node:'))

describe('entry boundaries', () => {
  it.each(['./index.ts', './browser.ts', './trust.ts', './react-native.ts', './tabs.ts'])(
    '%s reaches no Node built-in',
    (entry) => {
      expect(nodeBuiltins(externalImports(graph(entry)))).toEqual([])
    },
  )

  it('the main entry reaches none of the verification code', () => {
    const modules = [...graph('./index.ts').keys()]
    expect(modules).toContain('./ports.ts')
    expect(modules.filter((m) => m.startsWith('./trust'))).toEqual([])
  })

  it('the trust entry brings the WebCrypto suite, not the node:crypto one', () => {
    const modules = [...graph('./trust.ts').keys()]
    expect(modules).toContain('./trust/signature-suite-webcrypto.ts')
    expect(modules).not.toContain('./trust/signature-suite-node.ts')
  })

  it('trust-node is where node:crypto comes in', () => {
    expect(nodeBuiltins(externalImports(graph('./trust-node.ts')))).toEqual(['node:crypto'])
  })

  it('the react-native entry imports nothing from outside, and none of the DOM or trust code', () => {
    const reactNative = graph('./react-native.ts')
    expect(externalImports(reactNative)).toEqual([])
    const modules = [...reactNative.keys()]
    expect(modules).toContain('./react-native/app-state-activity.ts')
    expect(modules.filter((m) => m.startsWith('./trust') || m.startsWith('./browser'))).toEqual([])
  })

  it('the main entry reaches none of the tab group code; the tabs entry none of the DOM or trust code', () => {
    expect([...graph('./index.ts').keys()].filter((m) => m.startsWith('./tabs'))).toEqual([])
    const modules = [...graph('./tabs.ts').keys()]
    expect(modules).toContain('./tabs/tab-group.ts')
    expect(modules.filter((m) => m.startsWith('./trust') || m.startsWith('./browser'))).toEqual([])
  })

  it('the agent entry reaches no Node built-in, nothing outside but the client’s, and no DOM, tabs or trust code', () => {
    const agent = graph('./agent.ts')
    expect(nodeBuiltins(externalImports(agent))).toEqual([])
    expect(externalImports(agent)).toEqual(externalImports(graph('./client.ts')))
    const modules = [...agent.keys()]
    expect(modules).toContain('./agent/agent-presence.ts')
    expect(modules).toContain('./client.ts')
    expect(
      modules.filter((m) => ['./trust', './browser', './tabs'].some((p) => m.startsWith(p))),
    ).toEqual([])
    expect([...graph('./index.ts').keys()].filter((m) => m.startsWith('./agent'))).toEqual([])
  })
})
