import type { Status } from '@wedsync/presence-core'
import { StatusIcon } from './StatusPill.js'

/** Two letters: first and last name ("Priya Shah" → "PS"), or the first two of a single name. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return '?'
  const first = Array.from(words[0]!)
  if (words.length === 1) return first.slice(0, 2).join('').toUpperCase()
  return `${first[0]}${Array.from(words[words.length - 1]!)[0]}`.toUpperCase()
}

/** A stable hue per person, so everyone keeps their colour across boards and reloads. */
export function hueOf(id: string): number {
  let hash = 0
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return hash % 360
}

export function Avatar({
  id,
  name,
  status,
  size = 'md',
}: {
  id: string
  name: string
  status?: Status
  size?: 'sm' | 'md' | 'lg'
}) {
  return (
    <span
      className={`avatar avatar-${size}${status === 'offline' ? ' avatar-dim' : ''}`}
      style={{ '--hue': hueOf(id) } as React.CSSProperties}
      aria-hidden="true"
    >
      {initials(name)}
      {status && (
        <span className={`avatar-badge status-${status}`}>
          <StatusIcon status={status} />
        </span>
      )}
    </span>
  )
}
