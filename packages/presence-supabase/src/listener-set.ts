/**
 * Listeners of one kind. Each is called in its own try/catch: a listener that throws is reported
 * and the others still run — and realtime-js, which called us from its socket handler, never sees
 * the exception. A listener removed during an emit is not called afterwards in that emit.
 */
export class ListenerSet<A extends unknown[]> {
  private readonly entries = new Set<{ readonly fn: (...args: A) => void }>()

  constructor(private readonly failed: (error: unknown) => void) {}

  /** Adds `fn` (the same function twice is two listeners); returns its idempotent remover. */
  add(fn: (...args: A) => void): () => void {
    const entry = { fn }
    this.entries.add(entry)
    return () => {
      this.entries.delete(entry)
    }
  }

  emit(...args: A): void {
    for (const entry of [...this.entries]) {
      if (!this.entries.has(entry)) continue
      try {
        entry.fn(...args)
      } catch (error) {
        this.failed(error)
      }
    }
  }

  get size(): number {
    return this.entries.size
  }
}
