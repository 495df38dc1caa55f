/**
 * `@wedsync/presence-core/agent`: presence for server code. An assistant, a bot or a booking
 * system appears in rooms with a status, a custom status and a time to live, through the ordinary
 * client and the app's transport; with `trust`, under a session credential of its own. Its own
 * entry, so apps whose only presences are people never load it. See docs/agents.md.
 */
export {
  AGENT_STATUS_POLICY,
  type AgentCustomStatus,
  MAX_AGENT_TTL_MS,
} from './agent/agent-lease.js'
export {
  type AgentExpiry,
  type AgentPresence,
  type AgentPresenceEvents,
  type AgentPresenceOptions,
  type AgentPresenceState,
  createAgentPresence,
} from './agent/agent-presence.js'
