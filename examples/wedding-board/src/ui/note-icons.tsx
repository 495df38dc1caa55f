/** Marks beside the availability notes on a row: beside the words, never instead of them. */
import type { ReactNode } from 'react'
import { LineIcon } from './line-icon.js'

function NoteIcon({ children }: { children: ReactNode }) {
  return <LineIcon className="note-icon">{children}</LineIcon>
}

/** A clock face, next to times ("Busy until 15:30", "Usually back by 13:30"). */
export function ClockIcon() {
  return (
    <NoteIcon>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 4.75V8l2.25 1.5" />
    </NoteIcon>
  )
}

/** A window with an arrow out of it: in the app, on another wedding's board. */
export function ElsewhereIcon() {
  return (
    <NoteIcon>
      <path d="M9 2.5h4.5V7M13.5 2.5 8 8" />
      <path d="M11.5 9.5v3a1 1 0 0 1-1 1h-7a1 1 0 0 1-1-1v-7a1 1 0 0 1 1-1h3" />
    </NoteIcon>
  )
}
