import { useLastSeen, useMember } from '@wedsync/presence-react'
import { memo, useId } from 'react'
import { supplierById } from '../cast.js'
import { reachAdvice, reachGroup } from '../reach.js'
import { Avatar } from './Avatar.js'
import { useRowAvailability } from './availability-context.js'
import { describeActivity, OFFLINE_PHRASES, untilText } from './format.js'
import { ClockIcon, ElsewhereIcon } from './note-icons.js'
import { ReachIcon } from './ReachIcon.js'
import { StatusPill } from './StatusPill.js'

const PRESENT_OPTIONS = {}
const OFFLINE_OPTIONS = { phrases: OFFLINE_PHRASES }

/** One supplier on the board. Reads one member: a change to anyone else does not render it. */
export const MemberRow = memo(function MemberRow({
  roomId,
  userId,
  isMe,
}: {
  roomId: string
  userId: string
  isMe: boolean
}) {
  const nameId = useId()
  const member = useMember(roomId, userId)
  const person = supplierById(userId)
  const status = member?.status ?? 'offline'
  const offline = status === 'offline'
  const { note, lastSeenAt } = useRowAvailability(userId, status)
  // What this board saw; else, for someone it never saw, what the presence server keeps.
  const lastSeen = useLastSeen(
    member?.lastActiveAt ?? lastSeenAt,
    offline ? OFFLINE_OPTIONS : PRESENT_OPTIONS,
  )
  const name = member?.profile?.name ?? person?.name ?? userId
  const role = member?.profile?.role ?? person?.role
  const custom = member?.customStatus
  const until = custom && untilText(custom)
  const activity = !offline && member?.activity ? describeActivity(member.activity) : undefined
  const when = offline ? (lastSeen ?? 'not seen yet') : status === 'online' ? undefined : lastSeen

  return (
    <li className={`member status-row-${status}`} aria-labelledby={nameId}>
      <Avatar id={userId} name={name} status={status} />
      <div className="member-main">
        <p className="member-name">
          <span id={nameId}>{name}</span>
          {isMe && <span className="tag">You</span>}
        </p>
        <p className="member-role">{role}</p>
        {(activity || custom) && (
          <p className="member-detail">
            {activity && <span className="activity">{activity}</span>}
            {custom && (
              <span className="custom-status">
                {custom.emoji && <span aria-hidden="true">{custom.emoji} </span>}
                {custom.text}
                {until && <span className="muted"> · {until}</span>}
              </span>
            )}
          </p>
        )}
      </div>
      <div className="member-status">
        <StatusPill status={status} />
        {when && <span className="last-seen">{when}</span>}
        {note && (
          <span className={`availability-note note-${note.kind}`}>
            {note.kind === 'elsewhere' ? <ElsewhereIcon /> : <ClockIcon />}
            {note.text}
          </span>
        )}
      </div>
      <div className="member-reach">
        {isMe ? (
          <span className="reach-advice muted">This is you</span>
        ) : (
          <span className="reach-advice">
            <ReachIcon group={reachGroup(status)} />
            {reachAdvice(status)}
          </span>
        )}
        {offline && !isMe && person && (
          <span className="reach-contact">
            <a href={`tel:${person.phone.replace(/\s/g, '')}`}>{person.phone}</a>
            <a href={`mailto:${person.email}`}>Email</a>
          </span>
        )}
      </div>
    </li>
  )
})
