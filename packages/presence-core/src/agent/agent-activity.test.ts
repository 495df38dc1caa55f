/** The agent's activity source: always visible and online; input only when the shell reports it. */
import { describe, expect, it } from 'vitest'
import type { ActivitySignal } from '../ports.js'
import { createAgentActivitySource } from './agent-activity.js'

describe('createAgentActivitySource', () => {
  it('is visible and online, and reports input to its listeners until they unsubscribe', () => {
    const source = createAgentActivitySource()
    expect(source.current?.()).toEqual({ hidden: false, online: true })
    const heard: ActivitySignal[] = []
    const unsubscribe = source.subscribe((signal) => heard.push(signal))
    source.input()
    expect(heard).toEqual([{ type: 'input' }])
    unsubscribe()
    source.input()
    expect(heard).toHaveLength(1)
  })
})
