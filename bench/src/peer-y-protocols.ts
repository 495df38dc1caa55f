/**
 * y-protocols awareness: an observer's `Awareness` receiving one encoded update per change, as
 * relayed by a sender `Awareness` that holds every member's state (what a y-websocket server
 * does). One change = `applyAwarenessUpdate(observer, encodeAwarenessUpdate(sender, [id]))`.
 */
import type { SessionMeta } from '@wedsync/presence-core'
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness'
import * as Y from 'yjs'
import { clock } from './harness.js'
import { Members, type Peer, sessionMeta } from './room-fixture.js'

const ORIGIN = 'bench'

/** Deterministic, unique uint32 client ids, like `Y.Doc#clientID` (a random uint32). */
function clientIds(): () => number {
  let seed = 0x2545f491
  const used = new Set<number>()
  return () => {
    for (;;) {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
      if (!used.has(seed)) {
        used.add(seed)
        return seed
      }
    }
  }
}

/** The sender side: sets a member's state with the next clock, as that member's client would. */
class Relay {
  readonly awareness = new Awareness(new Y.Doc())

  publish(id: number, state: SessionMeta): void {
    const meta = this.awareness.meta.get(id)
    this.awareness.states.set(id, state)
    this.awareness.meta.set(id, { clock: (meta?.clock ?? 0) + 1, lastUpdated: Date.now() })
  }

  /** One change as the observer receives it: encoded by the sender, applied by the observer. */
  deliver(to: Awareness, id: number): bigint {
    const start = clock()
    applyAwarenessUpdate(to, encodeAwarenessUpdate(this.awareness, [id]), ORIGIN)
    return clock() - start
  }
}

/** An observer that is not itself counted among the members. */
function observer(): Awareness {
  const awareness = new Awareness(new Y.Doc())
  awareness.setLocalState(null)
  return awareness
}

export const yProtocols: Peer = {
  name: 'y-protocols',
  room(size) {
    const members = new Members(2 * size)
    const nextId = clientIds()
    const relay = new Relay()
    const local = observer()
    const ids: number[] = []
    for (let m = 0; m < size; m++) {
      ids[m] = nextId()
      relay.publish(ids[m]!, members.get(m).meta)
      relay.deliver(local, ids[m]!)
    }
    return {
      join(m) {
        // Joining again is a new client id, as a new tab or reload is a new Y.Doc.
        const id = nextId()
        ids[m] = id
        relay.publish(id, members.next(m)[1].meta)
        return relay.deliver(local, id)
      },
      leave(m) {
        const id = ids[m]!
        removeAwarenessStates(relay.awareness, [id], ORIGIN)
        const ns = relay.deliver(local, id)
        relay.awareness.meta.delete(id)
        return ns
      },
      update(m) {
        const id = ids[m]!
        relay.publish(id, members.next(m)[1].meta)
        return relay.deliver(local, id)
      },
      size: () => local.getStates().size,
      dispose() {
        relay.awareness.doc.destroy()
        local.doc.destroy()
      },
    }
  },
  storm(size) {
    const nextId = clientIds()
    const relay = new Relay()
    const local = observer()
    const ids = Array.from({ length: size }, (_, m) => {
      const id = nextId()
      relay.publish(id, sessionMeta(m, 1))
      return id
    })
    const start = clock()
    for (const id of ids) {
      applyAwarenessUpdate(local, encodeAwarenessUpdate(relay.awareness, [id]), ORIGIN)
    }
    const ns = clock() - start
    const joined = local.getStates().size
    relay.awareness.doc.destroy()
    local.doc.destroy()
    if (joined !== size) throw new Error(`y-protocols: storm ended with ${joined} members`)
    return ns
  },
  stormRuns: { repeats: 7, warmups: 2 },
}
