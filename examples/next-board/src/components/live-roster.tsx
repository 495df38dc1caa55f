'use client'
/**
 * The room as it is now, from the hooks: who is in the wedding's room with their status and what
 * they are doing (useMembers), the room's connection (useConnectionStatus), and your own status
 * with the buttons that set it by hand (useMyPresence). Rows follow the team's call-sheet order.
 */
import type { MemberPresence } from '@wedsync/presence-core'
import {
  useConnectionStatus,
  useLastSeen,
  useMembers,
  useMyPresence,
  useRoom,
} from '@wedsync/presence-react'
import type { Supplier } from '../lib/cast'
import { Avatar, StatusPill } from './status-pill'

/** Entering the room says what you are doing there (one object: the room is not re-entered). */
const ENTER = { activity: { action: 'viewing', target: 'team board' } }

const CONNECTION: Record<string, { label: string; className: string }> = {
  joined: { label: 'Live', className: 'bg-emerald-50 text-emerald-800' },
  connecting: { label: 'Connecting', className: 'bg-stone-100 text-stone-600' },
  reconnecting: { label: 'Reconnecting', className: 'bg-amber-50 text-amber-800' },
  closed: { label: 'Not connected', className: 'bg-stone-100 text-stone-600' },
  error: { label: 'Connection error', className: 'bg-rose-50 text-rose-800' },
}

const CHOICES = [
  { label: 'Automatic', status: null },
  { label: 'Busy', status: 'busy' },
  { label: 'Away', status: 'away' },
] as const

interface LiveRosterProps {
  readonly roomId: string
  readonly me: Supplier
  readonly team: readonly Supplier[]
}

export function LiveRoster({ roomId, me, team }: LiveRosterProps) {
  useRoom(roomId, ENTER)
  const members = useMembers(roomId)
  const connection = CONNECTION[useConnectionStatus(roomId)] ?? CONNECTION.closed!
  const [self, { setStatus }] = useMyPresence()
  const order = (m: MemberPresence) => team.findIndex((s) => s.userId === m.userId)
  const here = [...members].sort((a, b) => order(a) - order(b))
  const away = team.length - here.length

  return (
    <>
      <div className="flex items-center justify-between gap-3">
        <h2 id="live-title" className="text-lg font-semibold">
          Live in the room
        </h2>
        <span
          role="status"
          className={`rounded-full px-2.5 py-0.5 text-xs font-medium ${connection.className}`}
        >
          {connection.label}
        </span>
      </div>
      <p className="mt-1 text-sm text-stone-500">
        From Supabase Realtime through the React hooks: changes appear as they happen.
      </p>

      <div className="mt-5 flex flex-wrap items-center gap-3 rounded-xl bg-stone-50 p-3">
        <span className="flex items-center gap-2 text-sm text-stone-600">
          You are <StatusPill status={self.status} />
        </span>
        <fieldset className="ml-auto flex gap-1">
          <legend className="sr-only">Set your status</legend>
          {CHOICES.map((choice) => {
            const pressed = (self.manualStatus ?? null) === choice.status
            return (
              <button
                key={choice.label}
                type="button"
                aria-pressed={pressed}
                onClick={() => setStatus(choice.status)}
                className={`rounded-lg px-3 py-1.5 text-sm font-medium transition ${
                  pressed
                    ? 'bg-rose-800 text-white shadow-sm'
                    : 'bg-white text-stone-700 ring-1 ring-stone-200 hover:bg-stone-100'
                }`}
              >
                {choice.label}
              </button>
            )
          })}
        </fieldset>
      </div>

      <ul aria-label="Live roster" className="mt-4 divide-y divide-stone-100">
        {here.map((member) => (
          <MemberRow
            key={member.userId}
            member={member}
            isMe={member.userId === me.userId}
            team={team}
          />
        ))}
      </ul>
      {away > 0 && (
        <p className="mt-3 text-sm text-stone-500">
          {away} of the team {away === 1 ? 'is' : 'are'} not in the room.
        </p>
      )}
    </>
  )
}

function MemberRow({
  member,
  isMe,
  team,
}: {
  readonly member: MemberPresence
  readonly isMe: boolean
  readonly team: readonly Supplier[]
}) {
  const supplier = team.find((s) => s.userId === member.userId)
  const name = supplier?.name ?? member.profile?.name ?? member.userId
  const lastSeen = useLastSeen(member.status === 'offline' ? member.lastActiveAt : undefined)
  const doing =
    member.status !== 'offline' && member.activity
      ? `${member.activity.action}${member.activity.target ? ` the ${member.activity.target}` : ''}`
      : lastSeen
  return (
    <li aria-label={name} data-user-id={member.userId} className="flex items-center gap-3 py-3">
      <Avatar name={name} />
      <div className="min-w-0 flex-1">
        <p className="font-medium">
          {name}
          {isMe && <span className="text-stone-500"> (you)</span>}
        </p>
        <p className="truncate text-sm text-stone-500">
          {supplier?.role ?? member.profile?.role}
          {doing && <> · {doing}</>}
          {member.customStatus && (
            <>
              {' '}
              · {member.customStatus.emoji} {member.customStatus.text}
            </>
          )}
        </p>
      </div>
      <StatusPill status={member.status} />
    </li>
  )
}
