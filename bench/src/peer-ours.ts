/**
 * Our room state fed the way a transport feeds it: a join or leave event per change, an update as
 * a join of the new ref and a leave of the old one. States are used linearly, as required.
 */
import {
  applyJoin,
  applyLeave,
  type PresenceState,
  roomStateFrom,
  type TransportMeta,
} from '@wedsync/presence-core'
import { clock } from './harness.js'
import { Members, type Peer, type Published, publish, ROOM_ID, T0, userId } from './room-fixture.js'

type RoomState = ReturnType<typeof roomStateFrom>
type RoomUpdate = ReturnType<typeof applyJoin>

function wire(p: Published): TransportMeta[] {
  return [{ ref: p.ref, meta: p.meta }]
}

/** The apply must have done the work measured: a rejected meta, for one, would be cheap. */
function expect(update: RoomUpdate, kind: 'joined' | 'left' | 'updated'): RoomState {
  if (update.rejected.length > 0 || update.changes[kind].length !== 1) {
    const { joined, left, updated } = update.changes
    throw new Error(
      `room state: expected one ${kind} member, got joined ${joined.length}, left ${left.length}, ` +
        `updated ${updated.length}, rejected ${JSON.stringify(update.rejected)}`,
    )
  }
  return update.state
}

export const ours: Peer = {
  name: 'ours',
  room(size) {
    const members = new Members(2 * size)
    let now = T0
    const full: Record<string, TransportMeta[]> = {}
    for (let m = 0; m < 2 * size; m++) full[userId(m)] = wire(members.get(m))
    let state = roomStateFrom(ROOM_ID, full as PresenceState, now)
    // The absent half has been here: the state keeps them as offline members (retainOffline).
    for (let m = size; m < 2 * size; m++) {
      state = applyLeave(state, userId(m), wire(members.get(m)), now).state
    }
    return {
      join(m) {
        const [, after] = members.next(m)
        now++
        const start = clock()
        const update = applyJoin(state, userId(m), wire(after), now)
        const ns = clock() - start
        state = expect(update, 'joined')
        return ns
      },
      leave(m) {
        now++
        const start = clock()
        const update = applyLeave(state, userId(m), wire(members.get(m)), now)
        const ns = clock() - start
        state = expect(update, 'left')
        return ns
      },
      update(m) {
        const [before, after] = members.next(m)
        const key = userId(m)
        now++
        const start = clock()
        const joined = applyJoin(state, key, wire(after), now)
        const left = applyLeave(joined.state, key, wire(before), now)
        const ns = clock() - start
        expect(joined, 'updated')
        state = left.state
        return ns
      },
      size: () => state.snapshot.counts.online,
      dispose() {},
    }
  },
  storm(size) {
    const joins = Array.from({ length: size }, (_, m) => ({
      key: userId(m),
      metas: wire(publish(m, 1)),
    }))
    let state = roomStateFrom(ROOM_ID, {}, T0)
    const start = clock()
    for (let i = 0; i < size; i++) {
      state = applyJoin(state, joins[i]!.key, joins[i]!.metas, T0 + i).state
    }
    const ns = clock() - start
    if (state.snapshot.counts.online !== size) {
      throw new Error(`room state: storm ended with ${state.snapshot.counts.online} members`)
    }
    return ns
  },
  stormRuns: { repeats: 7, warmups: 2 },
}
