/**
 * The floor: the least work any observer that keeps its room's members does per change. A mutable
 * `Map` from presence key to a record of that member's one session, holding a shallow copy of its
 * meta (what a validator hands back) — no validation, no aggregation, no snapshot, no change
 * list. Its growth from 10 to 5,000 members is what the memory hierarchy alone costs here: the
 * member touched is the one touched longest ago, so its objects are out of the CPU caches and,
 * having outlived a young-generation collection, are copied once by the GC.
 */
import type { SessionMeta } from '@wedsync/presence-core'
import { clock } from './harness.js'
import { Members, type Peer, type Published, publish, userId } from './room-fixture.js'

interface Kept {
  readonly ref: string
  readonly heardAt: number
  readonly meta: SessionMeta
}

function keep(p: Published, now: number): Kept {
  const { meta } = p
  const copy: SessionMeta = {
    ...meta,
    ...(meta.activity ? { activity: { ...meta.activity } } : {}),
    ...(meta.profile ? { profile: { ...meta.profile } } : {}),
  }
  return { ref: p.ref, heardAt: now, meta: copy }
}

export const mapFloor: Peer = {
  name: 'map floor',
  room(size) {
    const members = new Members(2 * size)
    const map = new Map<string, Kept>()
    let now = 0
    for (let m = 0; m < size; m++) map.set(userId(m), keep(members.get(m), now))
    return {
      join(m) {
        const [, after] = members.next(m)
        const key = userId(m)
        now++
        const start = clock()
        map.set(key, keep(after, now))
        return clock() - start
      },
      leave(m) {
        const key = userId(m)
        const { ref } = members.get(m)
        const start = clock()
        if (map.get(key)?.ref === ref) map.delete(key)
        return clock() - start
      },
      update(m) {
        const [before, after] = members.next(m)
        const key = userId(m)
        now++
        const start = clock()
        if (map.get(key)?.ref === before.ref) map.set(key, keep(after, now))
        return clock() - start
      },
      size: () => map.size,
      dispose() {},
    }
  },
  storm(size) {
    const joins = Array.from({ length: size }, (_, m) => ({ key: userId(m), meta: publish(m, 1) }))
    const map = new Map<string, Kept>()
    const start = clock()
    for (let i = 0; i < size; i++) map.set(joins[i]!.key, keep(joins[i]!.meta, i))
    const ns = clock() - start
    if (map.size !== size) throw new Error(`map floor: storm ended with ${map.size} members`)
    return ns
  },
  stormRuns: { repeats: 7, warmups: 2 },
}
