/**
 * A status in words and colour, the same on the server-rendered list and the live roster. No
 * hooks and no browser API: server and client components both render it.
 */
export type StatusName = 'online' | 'idle' | 'away' | 'busy' | 'offline'

const STYLES: Record<StatusName, { label: string; pill: string; dot: string }> = {
  online: {
    label: 'Online',
    pill: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
    dot: 'bg-emerald-500',
  },
  idle: { label: 'Idle', pill: 'bg-amber-50 text-amber-800 ring-amber-200', dot: 'bg-amber-400' },
  away: {
    label: 'Away',
    pill: 'bg-orange-50 text-orange-800 ring-orange-200',
    dot: 'bg-orange-400',
  },
  busy: { label: 'Busy', pill: 'bg-rose-50 text-rose-800 ring-rose-200', dot: 'bg-rose-500' },
  offline: {
    label: 'Offline',
    pill: 'bg-stone-100 text-stone-600 ring-stone-200',
    dot: 'bg-stone-400',
  },
}

export function StatusPill({ status }: { readonly status: StatusName }) {
  const style = STYLES[status]
  return (
    <span
      className={`pill inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ring-inset ${style.pill}`}
    >
      <span aria-hidden="true" className={`size-1.5 rounded-full ${style.dot}`} />
      {style.label}
    </span>
  )
}

/** Initials in a circle: the avatar of a supplier with no photo. */
export function Avatar({ name }: { readonly name: string }) {
  const initials = name
    .split(' ')
    .map((part) => part[0])
    .join('')
    .slice(0, 2)
  return (
    <span
      aria-hidden="true"
      className="grid size-9 shrink-0 place-items-center rounded-full bg-rose-100 text-sm font-semibold text-rose-900"
    >
      {initials}
    </span>
  )
}
