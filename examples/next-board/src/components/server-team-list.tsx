/**
 * The team as the database shows it to the viewer: one row per member from visible_presence(),
 * rendered on the server into the HTML. It shows exactly what the function answered — a member
 * who hides from the viewer comes back offline with nothing else, one who hides their last seen
 * comes back without a time — so the privacy is the database's, not this component's.
 */
import type { Supplier } from '../lib/cast'
import type { VisiblePresence } from '../lib/visible-presence'
import { Avatar, StatusPill } from './status-pill'

const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'Europe/London',
})

function ago(from: Date, now: number): string {
  const minutes = Math.max(0, Math.round((now - from.getTime()) / 60_000))
  if (minutes < 1) return 'just now'
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  return hours < 24 ? `${hours} h ago` : `at ${clock.format(from)}`
}

/** "viewing the team board", as one text node. */
function doing(activity: { readonly action?: string; readonly target?: string }): string {
  return activity.target ? `${activity.action} the ${activity.target}` : (activity.action ?? '')
}

interface ServerTeamListProps {
  readonly team: readonly Supplier[]
  /** Undefined when the example runs without a database. */
  readonly presence: readonly VisiblePresence[] | undefined
  readonly viewerId: string
}

export function ServerTeamList({ team, presence, viewerId }: ServerTeamListProps) {
  const now = Date.now()
  return (
    <section
      aria-labelledby="server-list-title"
      className="rounded-2xl border border-stone-200 bg-white p-6 shadow-sm"
    >
      <h2 id="server-list-title" className="text-lg font-semibold">
        Team, as the database shows it to you
      </h2>
      <p className="mt-1 text-sm text-stone-500">
        Rendered on the server at {clock.format(now)} from <code>visible_presence()</code>: Postgres
        applies each supplier&rsquo;s privacy for you.
      </p>
      {presence ? (
        <ul aria-label="Server-rendered team" className="mt-5 divide-y divide-stone-100">
          {presence.map((row) => {
            const supplier = team.find((s) => s.userId === row.userId)
            if (!supplier) return null
            return (
              <li
                key={row.userId}
                aria-label={supplier.name}
                data-user-id={row.userId}
                className="flex items-center gap-3 py-3"
              >
                <Avatar name={supplier.name} />
                <div className="min-w-0 flex-1">
                  <p className="font-medium">
                    {supplier.name}
                    {row.userId === viewerId && <span className="text-stone-500"> (you)</span>}
                  </p>
                  <p className="truncate text-sm text-stone-500">
                    {supplier.role}
                    {row.activity?.action && ` · ${doing(row.activity)}`}
                    {row.customStatus && <> · {row.customStatus}</>}
                  </p>
                </div>
                <div className="text-right">
                  <StatusPill status={row.status} />
                  <p className="mt-1 text-xs text-stone-500">
                    {row.lastSeenAt ? (
                      <>
                        last seen{' '}
                        <time dateTime={row.lastSeenAt.toISOString()}>
                          {ago(row.lastSeenAt, now)}
                        </time>
                      </>
                    ) : (
                      'last seen not shared'
                    )}
                  </p>
                </div>
              </li>
            )
          })}
        </ul>
      ) : (
        <p className="mt-5 rounded-xl bg-stone-50 p-4 text-sm text-stone-600">
          No database: set DATABASE_URL to read presence through <code>visible_presence()</code>.
          Presence is kept in memory meanwhile.
        </p>
      )}
    </section>
  )
}
