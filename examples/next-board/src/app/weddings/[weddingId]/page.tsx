/**
 * One wedding's board, a server component rendered per request for the signed-in viewer: the
 * team's presence read through visible_presence() as that viewer (privacy applied by Postgres;
 * what the viewer may not see never reaches this server), beside the live roster (a client
 * component on the React hooks over Supabase Realtime). `?as=u-priya` signs in as a seeded
 * supplier through the dev-only sign-in route and comes back here.
 */
import { notFound, redirect } from 'next/navigation'
import { LiveBoard } from '../../../components/live-board'
import { ServerTeamList } from '../../../components/server-team-list'
import { SignInChooser } from '../../../components/sign-in-chooser'
import { roomOf, supplierById, weddingById } from '../../../lib/cast'
import { realtimeSettings } from '../../../lib/server-env'
import { currentViewer } from '../../../lib/viewer'
import { readVisiblePresence } from '../../../lib/visible-presence'

export const dynamic = 'force-dynamic'

interface PageProps {
  readonly params: Promise<{ weddingId: string }>
  readonly searchParams: Promise<Record<string, string | string[] | undefined>>
}

const weddingDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' })

export default async function WeddingPage({ params, searchParams }: PageProps) {
  const { weddingId } = await params
  const wedding = weddingById(weddingId)
  if (!wedding) notFound()
  const path = `/weddings/${wedding.id}`
  const { as } = await searchParams
  const viewer = await currentViewer()
  if (typeof as === 'string' && as !== viewer?.userId)
    redirect(`/api/dev/sign-in?as=${encodeURIComponent(as)}&next=${encodeURIComponent(path)}`)
  const me = viewer && supplierById(viewer.userId)
  // Not on this wedding's team: this board is not theirs to see.
  if (!viewer || !me || !wedding.team.includes(me.userId))
    return <SignInChooser wedding={wedding} path={path} />

  const presence = await readVisiblePresence(viewer.userId, wedding.team)
  const realtime = realtimeSettings()
  const team = wedding.team.map((id) => supplierById(id)!)

  return (
    <div className="mx-auto max-w-6xl px-6 py-8">
      <header className="mb-8 flex flex-wrap items-end justify-between gap-4">
        <div>
          <p className="text-sm font-medium tracking-wide text-rose-800 uppercase">
            WedSync · Team board
          </p>
          <h1 className="mt-1 text-3xl font-semibold tracking-tight">
            {wedding.couple}&rsquo;s wedding
          </h1>
          <p className="mt-1 text-stone-600">
            {weddingDate.format(new Date(wedding.date))} · {wedding.venue}
          </p>
        </div>
        <div className="text-right text-sm">
          <p>
            Signed in as <span className="font-semibold">{me.name}</span>{' '}
            <span className="text-stone-500">({me.role})</span>
          </p>
          <p className="mt-1 text-stone-500">
            Dev sign-in · be{' '}
            {team
              .filter((s) => s.userId !== me.userId)
              .slice(0, 2)
              .map((s, i) => (
                <span key={s.userId}>
                  {i > 0 && ' or '}
                  <a
                    className="text-rose-800 underline-offset-2 hover:underline"
                    href={`${path}?as=${s.userId}`}
                  >
                    {s.name.split(' ')[0]}
                  </a>
                </span>
              ))}
          </p>
        </div>
      </header>
      <main className="grid gap-6 lg:grid-cols-2">
        {realtime ? (
          <LiveBoard
            roomId={roomOf(wedding)}
            me={me}
            team={team}
            accessToken={viewer.accessToken}
            realtime={realtime}
          />
        ) : (
          <section className="rounded-2xl border border-dashed border-stone-300 p-6 text-stone-600">
            Live presence needs NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY (
            <code>pnpm dev</code> sets them for the local Realtime server).
          </section>
        )}
        <ServerTeamList team={team} presence={presence} viewerId={me.userId} />
      </main>
    </div>
  )
}
