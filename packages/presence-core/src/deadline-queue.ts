/**
 * When each presence key must be looked at again (a lease ends, a custom status or calendar window
 * expires). A min-heap with at most one live entry per key; entries made stale by a later deadline
 * are skipped when popped. Internal to room state, which is used linearly (each state once).
 */

interface Entry {
  readonly at: number
  readonly key: string
}

export class DeadlineQueue {
  private readonly _heap: Entry[] = []
  /** The deadline each key is waiting for: heap entries that disagree are stale. */
  private readonly _scheduled = new Map<string, number>()

  /** Asks for `key` to be checked at `at`; keeps the earlier request if one is pending. */
  schedule(key: string, at: number): void {
    const current = this._scheduled.get(key)
    if (current !== undefined && current <= at) return
    this._scheduled.set(key, at)
    this._push({ at, key })
  }

  /** The earliest pending deadline (it may be earlier than needed, never later). */
  peek(): number | undefined {
    // Entries made stale by an earlier request for their key are dropped when they reach the top.
    for (
      let top = this._heap[0];
      top && this._scheduled.get(top.key) !== top.at;
      top = this._heap[0]
    )
      this._pop()
    return this._heap[0]?.at
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
