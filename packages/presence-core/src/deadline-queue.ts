/**
 * When each presence key must be looked at again (a lease ends, a custom status or calendar window
 * expires). A key's deadline is its latest request: room state computes it from all the key's
 * sessions each time, and a heartbeat moves it later. A min-heap, updated lazily: an earlier
 * deadline adds an entry; a later one adds nothing, and the entry it outdates is moved to the new
 * deadline when it reaches the top. So the room's lease timer fires at real deadlines only, not
 * once per heartbeat heard. Internal to room state, which is used linearly (each state once).
 */

interface Entry {
  /** Moved later in place when a later request outdates it (no new entry per heartbeat). */
  at: number
  readonly key: string
}

export class DeadlineQueue {
  private readonly _heap: Entry[] = []
  /** The deadline each key is waiting for: heap entries that disagree are stale. */
  private readonly _scheduled = new Map<string, number>()

  /** Asks for `key` to be checked at `at`, instead of any time asked before. */
  schedule(key: string, at: number): void {
    const current = this._scheduled.get(key)
    this._scheduled.set(key, at)
    // A later deadline keeps the entry it outdates: `peek` moves it when it reaches the top.
    if (current === undefined || at < current) this._push({ at, key })
  }

  /** The earliest pending deadline. */
  peek(): number | undefined {
    for (let top = this._heap[0]; top; top = this._heap[0]) {
      const at = this._scheduled.get(top.key)
      if (at === top.at) return at
      this._pop()
      // Outdated by a later request, which has no entry yet: this one moves there. (An entry
      // outdated by an earlier request, or left by a key already taken, is only dropped.)
      if (at !== undefined && at > top.at) {
        top.at = at
        this._push(top)
      }
    }
    return undefined
  }

  /** Removes and returns every key due at or before `now`. */
  takeDue(now: number): string[] {
    const due: string[] = []
    for (let at = this.peek(); at !== undefined && at <= now; at = this.peek()) {
      const { key } = this._pop()
      this._scheduled.delete(key)
      due.push(key)
    }
    return due
  }

  clear(): void {
    this._heap.length = 0
    this._scheduled.clear()
  }

  private _push(entry: Entry): void {
    const heap = this._heap
    let i = heap.push(entry) - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (heap[parent]!.at <= entry.at) break
      heap[i] = heap[parent]!
      i = parent
    }
    heap[i] = entry
  }

  /** Removes and returns the top entry. */
  private _pop(): Entry {
    const heap = this._heap
    const top = heap[0]!
    const last = heap.pop()!
    if (heap.length === 0) return top
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= heap.length) break
      if (child + 1 < heap.length && heap[child + 1]!.at < heap[child]!.at) child++
      if (heap[child]!.at >= last.at) break
      heap[i] = heap[child]!
      i = child
    }
    heap[i] = last
    return top
  }
}
