// Render efficiency (the bar): in a 1,000-member roster whose rows use useMember, one
// member's status change re-renders exactly one row. Renders are counted with React's <Profiler>.

import { act, cleanup, render, screen } from '@testing-library/react'
import { createPresenceClient, type MemberPresence } from '@wedsync/presence-core'
import { createFakeClock } from '@wedsync/presence-testing'
import { memo, Profiler, type ProfilerOnRenderCallback, useEffect, useState } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  createScriptedTransport,
  rosterMeta,
  rosterState,
  rosterUserId,
} from '../test/test-scripted-transport.js'
import { createWorld, providerFor, ROOM, START } from '../test/test-world.js'
import { useMember, useMemberIds } from './use-members.js'
import { useRoom } from './use-room.js'

/** Commits per row (each row's Profiler has its user id as id) and renders of the list. */
const rowCommits = new Map<string, number>()
let listRenders = 0
const countCommit: ProfilerOnRenderCallback = (id) =>
  rowCommits.set(id, (rowCommits.get(id) ?? 0) + 1)

beforeEach(() => {
  rowCommits.clear()
  listRenders = 0
})
afterEach(cleanup)

// The Profiler sits inside the memoized row: it commits exactly when the row renders (one outside
// would commit whenever the list renders, even for rows that bail out).
const Row = memo(function Row({ userId }: { userId: string }) {
  const member = useMember(ROOM, userId)
  return (
    <Profiler id={userId} onRender={countCommit}>
      <li data-testid={userId}>
        {member?.profile?.name ?? userId}: {member?.status}
      </li>
    </Profiler>
  )
})

function Roster() {
  useRoom(ROOM)
  listRenders++
  const userIds = useMemberIds(ROOM)
  return (
    <ul>
      {userIds.map((id) => (
        <Row key={id} userId={id} />
      ))}
    </ul>
  )
}

function NaiveRow({ member }: { member: MemberPresence }) {
  return (
    <Profiler id={member.userId} onRender={countCommit}>
      <li>{member.status}</li>
    </Profiler>
  )
}

/** The pattern to beat: a list that copies the whole presence state on every change. */
function NaiveRoster() {
  const room = useRoom(ROOM)
  const [members, setMembers] = useState<readonly MemberPresence[]>([])
  useEffect(
    () =>
      room?.subscribe(() => setMembers(Array.from(room.getSnapshot().values(), (m) => ({ ...m })))),
    [room],
  )
  return (
    <ul>
      {members.map((m) => (
        <NaiveRow key={m.userId} member={m} />
      ))}
    </ul>
  )
}

/** A venue client whose room the test feeds by hand: 1,000 members without 1,000 clients. */
function scriptedVenue() {
  const transport = createScriptedTransport()
  const clock = createFakeClock(START)
  const client = createPresenceClient({ transport, userId: 'u-venue', clock })
  return { client, wrapper: providerFor(client, clock), wire: () => transport.room(ROOM) }
}

/** An update as a transport reports it: the new meta joins, the old one leaves. */
function setBusy(wire: ReturnType<ReturnType<typeof scriptedVenue>['wire']>, i: number) {
  const key = rosterUserId(i)
  wire.presence({
    type: 'join',
    key,
    metas: [rosterMeta(i, { seq: 2, manual: { status: 'busy', at: START } })],
  })
  wire.presence({ type: 'leave', key, metas: [rosterMeta(i)] })
}

describe('a 1,000-member roster of useMember rows', () => {
  it('re-renders exactly one row when one member changes status', () => {
    const venue = scriptedVenue()
    render(<Roster />, { wrapper: venue.wrapper })
    const wire = venue.wire()
    act(() => {
      wire.status('joined')
      wire.presence({ type: 'sync', state: rosterState(1_000) })
    })
    expect(screen.getAllByRole('listitem')).toHaveLength(1_000)
    expect(screen.getByTestId('u0500').textContent).toBe('Supplier 500: online')

    rowCommits.clear()
    const listBefore = listRenders
    act(() => setBusy(wire, 500))
    expect(screen.getByTestId('u0500').textContent).toBe('Supplier 500: busy')
    expect(rowCommits).toEqual(new Map([['u0500', 1]]))
    expect(listRenders).toBe(listBefore)

    // A newcomer renders the list (its ids changed) and the new row; no existing row re-renders.
    rowCommits.clear()
    act(() => wire.presence({ type: 'join', key: rosterUserId(1_000), metas: [rosterMeta(1_000)] }))
    expect(screen.getAllByRole('listitem')).toHaveLength(1_001)
    expect(rowCommits).toEqual(new Map([['u1000', 1]]))
    expect(listRenders).toBe(listBefore + 1)
    venue.client.destroy()
  })
})

describe('the naive pattern, for contrast', () => {
  it('re-renders every row when a list re-reads the whole presence state on every change', () => {
    const venue = scriptedVenue()
    render(<NaiveRoster />, { wrapper: venue.wrapper })
    const wire = venue.wire()
    act(() => {
      wire.status('joined')
      wire.presence({ type: 'sync', state: rosterState(1_000) })
    })
    rowCommits.clear()
    act(() => setBusy(wire, 500))
    expect(rowCommits.size).toBe(1_000)
    venue.client.destroy()
  })
})

describe('a roster on the memory hub, with a client per member', () => {
  it('re-renders the one row whose supplier set busy', async () => {
    const world = createWorld()
    const venue = world.supplier('u-venue')
    const suppliers = Array.from({ length: 24 }, (_, i) => world.supplier(rosterUserId(i)))
    for (const { client } of suppliers) client.enter(ROOM)
    render(<Roster />, { wrapper: providerFor(venue.client, world.clock) })
    await world.flush()
    expect(screen.getAllByRole('listitem')).toHaveLength(25)

    rowCommits.clear()
    act(() => suppliers[7]!.client.setStatus('busy'))
    await world.advance(1_000)
    expect(screen.getByTestId('u0007').textContent).toBe('u0007: busy')
    expect(rowCommits).toEqual(new Map([['u0007', 1]]))
    world.dispose()
  })
})
