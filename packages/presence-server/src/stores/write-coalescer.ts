/**
 * Group commit for small writes: calls made while earlier ones are in flight are gathered and
 * written together, so under load N writes cost a few statements instead of N, and an idle
 * server writes each one at once (no timer, no added latency). Each caller gets the result of
 * its own item from the batch that carried it, or that batch's error.
 */

export interface CoalescerOptions {
  /** Batches written at the same time. Default 2. */
  readonly maxInFlight?: number
  /** Items per batch. Default 500. */
  readonly maxBatch?: number
}

interface Pending<T, R> {
  readonly item: T
  readonly resolve: (result: R) => void
  readonly reject: (error: unknown) => void
}

/** `write` answers one result per item, in the order of the batch. */
export function createWriteCoalescer<T, R = void>(
  write: (batch: readonly T[]) => Promise<readonly R[]>,
  options: CoalescerOptions = {},
): (item: T) => Promise<R> {
  const maxInFlight = options.maxInFlight ?? 2
  const maxBatch = options.maxBatch ?? 500
  let pending: Pending<T, R>[] = []
  let inFlight = 0
  let scheduled = false

  function pump(): void {
    scheduled = false
    while (inFlight < maxInFlight && pending.length > 0) {
      const batch = pending.slice(0, maxBatch)
      pending = pending.slice(batch.length)
      inFlight++
      write(batch.map((p) => p.item))
        .then(
          (results) => {
            batch.forEach((p, i) => {
              p.resolve(results[i] as R)
            })
          },
          (error: unknown) => {
            for (const p of batch) p.reject(error)
          },
        )
        .finally(() => {
          inFlight--
          pump()
        })
    }
  }

  return (item) =>
    new Promise<R>((resolve, reject) => {
      pending.push({ item, resolve, reject })
      // Gather the calls made in this turn before writing.
      if (!scheduled && inFlight < maxInFlight) {
        scheduled = true
        queueMicrotask(pump)
      }
    })
}

/**
 * Splits a batch into rounds in which each key appears at most once (a statement may not update
 * one row twice), keeping each key's items in order: round k holds every key's k-th item.
 */
export function distinctRounds<T>(batch: readonly T[], key: (item: T) => string): number[][] {
  const seen = new Map<string, number>()
  const rounds: number[][] = []
  batch.forEach((item, index) => {
    const k = key(item)
    const round = seen.get(k) ?? 0
    seen.set(k, round + 1)
    const indexes = rounds[round] ?? []
    indexes.push(index)
    rounds[round] = indexes
  })
  return rounds
}
