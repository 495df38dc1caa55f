/**
 * When each presence key must be looked at again (a lease ends, a custom status or calendar window
 * expires). A key's deadline is its latest request: room state computes it from all the key's
 * sessions each time, and a heartbeat moves it later. A min-heap, updated lazily: an earlier
 * deadline adds an entry; a later one adds nothing, and the entry it outdates is moved to the new
 * deadline when it reaches the top. So the room's lease timer fires at real deadlines only, not
 * once per heartbeat heard. Owned by the room (the shell), fed the deadlines each room-state update
 * reports; the room state itself keeps each deadline as data.
 */

interface Entry {
  /** Moved later in place when a later request outdates it (no new entry per heartbeat). */
  at: number
  readonly key: string
}

export class DeadlineQueue {
  readonly #heap: Entry[] = []
  /** The deadline each key is waiting for: heap entries that disagree are stale. */
  readonly #scheduled = new Map<string, number>()

  /** Asks for `key` to be checked at `at`, instead of any time asked before. */
  schedule(key: string, at: number): void {
    const current = this.#scheduled.get(key)
    this.#scheduled.set(key, at)
    // A later deadline keeps the entry it outdates: `peek` moves it when it reaches the top.
    if (current === undefined || at < current) this.#push({ at, key })
  }

  /** Forgets `key`'s deadline (its entry in the heap is dropped when it reaches the top). */
  cancel(key: string): void {
    this.#scheduled.delete(key)
  }

  /** The earliest pending deadline. */
  peek(): number | undefined {
    for (let top = this.#heap[0]; top; top = this.#heap[0]) {
      const at = this.#scheduled.get(top.key)
      if (at === top.at) return at
      this.#pop()
      // Outdated by a later request, which has no entry yet: this one moves there. (An entry
      // outdated by an earlier request, or left by a key already taken, is only dropped.)
      if (at !== undefined && at > top.at) {
        top.at = at
        this.#push(top)
      }
    }
    return undefined
  }

  /** Removes and returns every key due at or before `now`. */
  takeDue(now: number): string[] {
    const due: string[] = []
    for (let at = this.peek(); at !== undefined && at <= now; at = this.peek()) {
      const { key } = this.#pop()
      this.#scheduled.delete(key)
      due.push(key)
    }
    return due
  }

  clear(): void {
    this.#heap.length = 0
    this.#scheduled.clear()
  }

  #push(entry: Entry): void {
    const heap = this.#heap
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
  #pop(): Entry {
    const heap = this.#heap
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
