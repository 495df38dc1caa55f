/**
 * Pages for the React roster bench: a real PresenceClient fed by a hand-driven transport (so a room
 * holds 1,000 members without 1,000 clients), shown three ways: no UI, `useMember` rows, and the
 * naive list. Time stands still (a fixed clock, a scheduler that never fires): nothing expires.
 * Import it only once a document exists and NODE_ENV is set: React reads both when it loads.
 */
import {
  createPresenceClient,
  type MemberPresence,
  type PresenceEvent,
  type PresenceState,
  type PresenceTransport,
  type TransportMeta,
  type TransportStatus,
} from '@wedsync/presence-core'
import { PresenceProvider, useMember, useMemberIds, useRoom } from '@wedsync/presence-react'
import type { Document as HappyDocument } from 'happy-dom'
import { createElement as h, memo, useEffect, useState } from 'react'
import { flushSync } from 'react-dom'
import { createRoot } from 'react-dom/client'

export type Pattern = 'room only' | 'useMember rows' | 'naive list'

export interface Page {
  /** Sets member `i` busy, or back online if it was busy: one update, as a transport reports it. */
  change(i: number): void
  /** Component renders so far (list and rows). */
  renders(): number
  unmount(): void
}

const START = Date.UTC(2026, 5, 12, 9, 0)
const ROOM = 'wedding:123'
const userId = (i: number) => `u${String(i).padStart(5, '0')}`

function meta(i: number, seq: number, busy: boolean): TransportMeta {
  return {
    ref: `r${i}.${seq}`,
    meta: {
      v: 1,
      session: `s${i}`,
      status: 'online',
      seq,
      lease: 60_000,
      activeAgo: 0,
      profile: { name: `Supplier ${i}`, role: 'photographer' },
      activity: { action: 'viewing', target: 'timeline', weddingId: '123' },
      ...(busy && { manual: { status: 'busy', at: START + seq } }),
    },
  }
}

/** A transport whose one room the page drives by hand, synchronously. */
function handDriven() {
  const presence = new Set<(event: PresenceEvent) => void>()
  const statuses = new Set<(status: TransportStatus) => void>()
  const listen =
    <L>(set: Set<L>) =>
    (listener: L) => {
      set.add(listener)
      return () => void set.delete(listener)
    }
  const transport: PresenceTransport = {
    openRoom: () => ({
      track: async () => {},
      untrack: async () => {},
      onPresence: listen(presence),
      send: async () => {},
      onMessage: () => () => {},
      onStatus: listen(statuses),
      close: async () => {},
    }),
  }
  return {
    transport,
    emit(event: PresenceEvent) {
      for (const listener of presence) listener(event)
    },
    status(status: TransportStatus) {
      for (const listener of statuses) listener(status)
    },
  }
}

let renders = 0

const Row = memo(function Row({ id }: { id: string }) {
  renders++
  const member = useMember(ROOM, id)
  return h('li', null, `${member?.profile?.name}: ${member?.status}`)
})

function Roster() {
  renders++
  useRoom(ROOM)
  const ids = useMemberIds(ROOM)
  return h(
    'ul',
    null,
    ids.map((id) => h(Row, { key: id, id })),
  )
}

function NaiveRow({ member }: { member: MemberPresence }) {
  renders++
  return h('li', null, `${member.profile?.name}: ${member.status}`)
}

/** What apps write from Realtime's docs: on every change, copy the whole state into React state. */
function NaiveRoster() {
  renders++
  const room = useRoom(ROOM)
  const [members, setMembers] = useState<readonly MemberPresence[]>([])
  useEffect(
    () =>
      room?.subscribe(() => setMembers(Array.from(room.getSnapshot().values(), (m) => ({ ...m })))),
    [room],
  )
  return h(
    'ul',
    null,
    members.map((m) => h(NaiveRow, { key: m.userId, member: m })),
  )
}

/** Shows a room of `size` members the `pattern` way, joined and synced. */
export function mount(pattern: Pattern, size: number, document: HappyDocument): Page {
  const wire = handDriven()
  const client = createPresenceClient({
    transport: wire.transport,
    userId: 'u-venue',
    clock: { now: () => START },
    scheduler: { schedule: () => () => {} },
  })
  const container = document.createElement('div')
  // happy-dom's element stands in for the DOM's, which the bench's TypeScript lib does not declare.
  const root = createRoot(container as unknown as Parameters<typeof createRoot>[0])
  if (pattern === 'room only') client.enter(ROOM)
  else {
    const page = pattern === 'useMember rows' ? Roster : NaiveRoster
    flushSync(() => root.render(h(PresenceProvider, { client }, h(page))))
  }
  const seqs = new Array<number>(size).fill(1)
  const busy = new Array<boolean>(size).fill(false)
  const state: Record<string, readonly TransportMeta[]> = {}
  for (let i = 0; i < size; i++) state[userId(i)] = [meta(i, 1, false)]
  flushSync(() => {
    wire.status('joined')
    wire.emit({ type: 'sync', state: state as PresenceState })
  })
  const shown = container.querySelectorAll('li').length
  if (pattern !== 'room only' && shown !== size)
    throw new Error(`${pattern}: ${shown} rows shown for ${size} members`)
  return {
    change(i) {
      const key = userId(i)
      const old = meta(i, seqs[i]!, busy[i]!)
      seqs[i]!++
      busy[i] = !busy[i]
      flushSync(() => {
        wire.emit({ type: 'join', key, metas: [meta(i, seqs[i]!, busy[i]!)] })
        wire.emit({ type: 'leave', key, metas: [old] })
      })
    },
    renders: () => renders,
    unmount() {
      flushSync(() => root.unmount())
      client.destroy()
    },
  }
}
