import { useMembers } from '@wedsync/presence-react'
import { groupMembers, sameGroups } from '../board-groups.js'
import type { Wedding } from '../cast.js'
import { REACH_GROUPS } from '../reach.js'
import { MemberRow } from './MemberRow.js'

/**
 * The wedding's suppliers in three groups: who can be messaged now, who will see a note soon, and
 * who needs another route. The list re-renders when someone changes group; rows follow their own
 * member.
 */
export function TeamBoard({
  roomId,
  wedding,
  myUserId,
}: {
  roomId: string
  wedding: Wedding
  myUserId: string
}) {
  const groups = useMembers(roomId, (members) => groupMembers(members, wedding.team), sameGroups)
  return (
    <section className="team" aria-label="Suppliers">
      <ul className="summary" aria-label="At a glance">
        {REACH_GROUPS.map(({ group, title }) => (
          <li key={group} className={`summary-tile summary-${group}`}>
            <span className="summary-count">{groups[group].length}</span>
            <span className="summary-label">{title}</span>
          </li>
        ))}
      </ul>
      {REACH_GROUPS.map(({ group, title, hint }) => (
        <section key={group} className={`group group-${group}`} aria-labelledby={`group-${group}`}>
          <header className="group-head">
            <h2 id={`group-${group}`}>
              {title} <span className="count">{groups[group].length}</span>
            </h2>
            <p className="hint">{hint}</p>
          </header>
          {groups[group].length > 0 ? (
            <ul className="members" aria-label={title}>
              {groups[group].map((userId) => (
                <MemberRow
                  key={userId}
                  roomId={roomId}
                  userId={userId}
                  isMe={userId === myUserId}
                />
              ))}
            </ul>
          ) : (
            <p className="empty">Nobody right now</p>
          )}
        </section>
      ))}
    </section>
  )
}
