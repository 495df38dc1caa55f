/**
 * `@wedsync/presence-core/tabs`: one presence session per browser however many tabs the user
 * opens. Tabs elect a leader with Web Locks and talk over a BroadcastChannel; the leader publishes
 * and heartbeats for all of them, the others feed it their input, visibility, settings and rooms.
 * Without Web Locks or BroadcastChannel every tab publishes on its own, as a plain client does.
 * Kept out of the main entry: servers and single-tab apps do not carry it.
 */
export {
  createTabPresenceClient,
  type TabPresenceClient,
  type TabPresenceClientOptions,
} from './tabs/tab-client.js'
export {
  type BroadcastChannelLike,
  createTabGroup,
  type LockManagerLike,
  type TabGroup,
  type TabGroupOptions,
} from './tabs/tab-group.js'
export type { TabMessage, TabRoom, TabSetting } from './tabs/tab-messages.js'
