/**
 * @wedsync/presence-react — React hooks over a PresenceClient and its rooms (useSyncExternalStore).
 * SSR-safe: nothing reads `window` at import or on the server; the build keeps 'use client'.
 */
export {
  PresenceProvider,
  type PresenceProviderProps,
  usePresenceClient,
} from './context.js'
export {
  ENGLISH_PHRASES,
  formatLastSeen,
  type LastSeenOptions,
  type LastSeenPhrases,
} from './last-seen-format.js'
export { TICK_MS as LAST_SEEN_TICK_MS } from './ticker.js'
export {
  type BroadcastHandler,
  type SendBroadcast,
  useBroadcast,
} from './use-broadcast.js'
export { useLastSeen } from './use-last-seen.js'
export {
  type MembersSelector,
  shallowArrayEqual,
  useMember,
  useMemberIds,
  useMembers,
} from './use-members.js'
export { type MyPresenceActions, useMyPresence } from './use-my-presence.js'
export { type UseRoomOptions, useConnectionStatus, useRoom } from './use-room.js'
