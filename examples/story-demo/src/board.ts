/**
 * Renders a room snapshot as the venue coordinator's board: one line per supplier with status in
 * words (never colour alone), what they are doing, custom status and last seen.
 */
import type { MemberPresence, RoomSnapshot } from '@wedsync/presence-core'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
const clockTime = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
})
const weekday = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' })

/** "active 5 min ago", "last seen yesterday 18:40", "last seen Monday 09:12". */
export function lastSeenText(member: MemberPresence, now: number): string {
  const at = member.lastActiveAt
  if (at === undefined) return ''
  const ago = Math.max(0, now - at)
  const verb = member.status === 'offline' ? 'last seen' : 'active'
  if (ago < MINUTE) return member.status === 'online' ? '' : `${verb} just now`
  if (ago < 60 * MINUTE) return `${verb} ${Math.floor(ago / MINUTE)} min ago`
  const startOfToday = Math.floor(now / DAY) * DAY
  if (at >= startOfToday) return `${verb} today ${clockTime.format(at)}`
  if (at >= startOfToday - DAY) return `${verb} yesterday ${clockTime.format(at)}`
  return `${verb} ${weekday.format(at)} ${clockTime.format(at)}`
}

function doing(member: MemberPresence): string {
  const a = member.activity
  if (!a || member.status === 'offline') return ''
  return [a.action, a.target && `the ${a.target}`].filter(Boolean).join(' ')
}

function custom(member: MemberPresence): string {
  const c = member.customStatus
  if (!c) return ''
  const until = c.expiresAt === undefined ? '' : ` (until ${clockTime.format(c.expiresAt)})`
  return `${c.emoji ? `${c.emoji} ` : ''}“${c.text}”${until}`
}

export function renderBoard(snapshot: RoomSnapshot, now: number, viewerId: string): string {
  const rows = snapshot
    .toArray()
    .filter((m) => m.userId !== viewerId)
    .map((m) => {
      const who = `${m.profile?.name ?? m.userId} (${m.profile?.role ?? 'supplier'})`
      const details = [doing(m), custom(m), lastSeenText(m, now)].filter(Boolean).join(' · ')
      return `  ${who.padEnd(28)} ${m.status.toUpperCase().padEnd(8)} ${details}`
    })
  const counts = { online: 0, idle: 0, away: 0, busy: 0, offline: 0 }
  for (const m of snapshot.values()) if (m.userId !== viewerId) counts[m.status]++
  const summary = `  ${counts.online} online · ${counts.idle} idle · ${counts.away} away · ${counts.busy} busy · ${counts.offline} offline`
  return [...rows, summary].join('\n')
}
