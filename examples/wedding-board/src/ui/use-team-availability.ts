/**
 * The team's availability for the open wedding, from the presence API: loaded when the board
 * opens, again whenever someone in the room changes status, and every 30 s. `off` without a
 * presence API (the board on a Supabase project alone).
 */
import { type MemberPresence, systemClock, systemScheduler } from '@wedsync/presence-core'
import { useMembers } from '@wedsync/presence-react'
import type { PresenceApiClient } from '@wedsync/presence-server/client'
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import {
  type AvailabilityFeed,
  createAvailabilityFeed,
  type FeedState,
} from '../availability-feed.js'

export type AvailabilityView = FeedState | { readonly status: 'off' }

/** The zone the board shows times in (the sentence's too). */
export const BOARD_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone

const OFF: AvailabilityView = { status: 'off' }
const LOADING: AvailabilityView = { status: 'loading' }
const never = () => () => {}

/** Changes when anyone's status or busy time does: the moments worth asking again. */
const presenceKey = (members: readonly MemberPresence[]) =>
  members.map((m) => `${m.userId}:${m.status}:${m.customStatus?.expiresAt ?? ''}`).join('|')

export function useTeamAvailability(
  api: Pick<PresenceApiClient, 'teamAvailability'> | undefined,
  teamId: string,
  roomId: string,
): AvailabilityView {
  const [feed, setFeed] = useState<AvailabilityFeed>()
  useEffect(() => {
    if (!api) return
    const next = createAvailabilityFeed({
      load: (signal) => api.teamAvailability(teamId, { timeZone: BOARD_TIME_ZONE, signal }),
      clock: systemClock,
      scheduler: systemScheduler,
    })
    setFeed(next)
    return () => {
      next.stop()
      setFeed(undefined)
    }
  }, [api, teamId])

  const key = useMembers(roomId, presenceKey)
  const asked = useRef<{ feed?: AvailabilityFeed; key?: string }>({})
  useEffect(() => {
    // A new feed has just asked; the same feed asks again when the room changed.
    if (feed && asked.current.feed === feed && asked.current.key !== key) feed.refresh()
    asked.current = { ...(feed && { feed }), key }
  }, [feed, key])

  const state = useSyncExternalStore(
    feed ? feed.subscribe : never,
    feed ? feed.current : () => (api ? LOADING : OFF),
  )
  return state
}
