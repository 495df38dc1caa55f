/**
 * Team availability for the rows of the board: one provider holds what the last answer said of
 * each member; each row asks for its own member's note.
 */
import type { Status } from '@wedsync/presence-core'
import { createContext, type ReactNode, useContext, useMemo } from 'react'
import {
  type AvailabilityNote,
  noteFor,
  noteText,
  type ServerView,
  serverViews,
} from '../team-availability.js'
import { type AvailabilityView, BOARD_TIME_ZONE } from './use-team-availability.js'

const ViewsContext = createContext<ReadonlyMap<string, ServerView>>(new Map())

export function AvailabilityNotesProvider({
  view,
  children,
}: {
  view: AvailabilityView
  children: ReactNode
}) {
  const summary = view.status === 'ready' || view.status === 'failed' ? view.summary : undefined
  const views = useMemo(() => (summary ? serverViews(summary) : new Map()), [summary])
  return <ViewsContext.Provider value={views}>{children}</ViewsContext.Provider>
}

export interface RowAvailability {
  /** "Busy until 15:30", "Usually back by 13:30"…, for the row's live status. */
  readonly note?: { readonly kind: AvailabilityNote['kind']; readonly text: string }
  /** Last seen as the server keeps it (the room may never have seen them). */
  readonly lastSeenAt?: number
}

const NOTHING: RowAvailability = {}

/** What the presence API adds to a member's row whose live status is `status`. */
export function useRowAvailability(userId: string, status: Status): RowAvailability {
  const view = useContext(ViewsContext).get(userId)
  if (!view) return NOTHING
  const now = Date.now()
  const note = noteFor(view, status, now)
  return {
    ...(note && { note: { kind: note.kind, text: noteText(note, now, BOARD_TIME_ZONE) } }),
    ...(view.lastSeenAt !== undefined && { lastSeenAt: view.lastSeenAt }),
  }
}
