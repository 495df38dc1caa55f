/**
 * What the tabs of one group tell each other over their BroadcastChannel. Followers tell the
 * leader what they see of the user (input, visibility) and what they ask for (settings, rooms);
 * the leader answers a new tab with the user's settings. The channel is same-origin, yet every
 * message is another script's claim: `isTabMessage` checks the shape, and anything else is ignored.
 * Values inside (a status, a room id, an activity) are checked again by the client's own API when
 * applied, exactly as if this tab's app had passed them.
 */
import type { Activity } from '../types.js'

/** One room a tab has entered, and what it does there. */
export interface TabRoom {
  readonly roomId: string
  readonly private: boolean
  readonly activity?: Activity
}

/** The client settings a tab changes for the whole user (every tab applies them). */
export type TabSetting =
  | 'setStatus'
  | 'setCustomStatus'
  | 'setActivity'
  | 'setPrivacy'
  | 'setCalendarBusy'

export const TAB_SETTINGS: readonly TabSetting[] = [
  'setStatus',
  'setCustomStatus',
  'setActivity',
  'setPrivacy',
  'setCalendarBusy',
]

export type TabMessage =
  /** A tab starts (or hears a new leader): it says how it is, and asks the leader for settings. */
  | { readonly type: 'hello'; readonly hidden: boolean }
  /** A tab starts leading; the others answer with `hello` and `rooms`. */
  | { readonly type: 'leading' }
  /** Input seen in a tab: the user is active in this browser. */
  | { readonly type: 'input' }
  | { readonly type: 'visibility'; readonly hidden: boolean }
  /** A setting changed in one tab, applied in every tab. */
  | { readonly type: 'setting'; readonly name: TabSetting; readonly value: unknown }
  /** The leader's current settings, for a tab that said hello. */
  | { readonly type: 'settings'; readonly values: Partial<Record<TabSetting, unknown>> }
  /** Every room this tab is in (the whole list, so a lost message is repaired by the next). */
  | { readonly type: 'rooms'; readonly rooms: readonly TabRoom[] }
  /** The tab is closing. */
  | { readonly type: 'bye' }

/** What goes over the channel: who sent it and, when it is for one tab, to whom. */
export interface TabEnvelope {
  readonly from: string
  readonly to?: string
  readonly message: TabMessage
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isTabRoom = (value: unknown): value is TabRoom =>
  isRecord(value) &&
  typeof value.roomId === 'string' &&
  typeof value.private === 'boolean' &&
  (value.activity === undefined || isRecord(value.activity))

/** The shape of a message (values are checked where they are applied). */
export function isTabMessage(value: unknown): value is TabMessage {
  if (!isRecord(value)) return false
  switch (value.type) {
    case 'leading':
    case 'input':
    case 'bye':
      return true
    case 'hello':
    case 'visibility':
      return typeof value.hidden === 'boolean'
    case 'setting':
      return TAB_SETTINGS.includes(value.name as TabSetting) && 'value' in value
    case 'settings':
      return isRecord(value.values)
    case 'rooms':
      return Array.isArray(value.rooms) && value.rooms.every(isTabRoom)
    default:
      return false
  }
}
