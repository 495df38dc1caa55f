/**
 * The agent's activity source: what stands in for a person's keyboard and page. An agent's page
 * is always visible and its network always up (its transport reports real disconnects); its only
 * input is the one its shell reports, when its lease starts or is renewed. No timer, no global.
 */
import type { ActivitySignal, ActivitySource } from '../ports.js'

export interface AgentActivitySource extends ActivitySource {
  /** Reports input: the client counts the agent active from now. */
  input(): void
}

const VISIBLE_AND_ONLINE = { hidden: false, online: true } as const
const INPUT: ActivitySignal = { type: 'input' }

export function createAgentActivitySource(): AgentActivitySource {
  const listeners = new Set<(signal: ActivitySignal) => void>()
  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    current: () => VISIBLE_AND_ONLINE,
    input() {
      for (const listener of [...listeners]) listener(INPUT)
    },
  }
}
