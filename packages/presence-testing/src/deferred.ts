/**
 * A promise with its resolve and reject exposed, for tests that wait for an event instead of for
 * time. Settles once; later calls are ignored, and `settled` tells whether it has.
 */

export interface Deferred<T> {
  readonly promise: Promise<T>
  resolve(value: T): void
  reject(reason: unknown): void
  readonly settled: boolean
}

export function createDeferred<T = void>(): Deferred<T> {
  let resolveFn!: (value: T) => void
  let rejectFn!: (reason: unknown) => void
  const promise = new Promise<T>((resolve, reject) => {
    resolveFn = resolve
    rejectFn = reject
  })
  let settled = false
  return {
    promise,
    resolve(value) {
      if (settled) return
      settled = true
      resolveFn(value)
    },
    reject(reason) {
      if (settled) return
      settled = true
      rejectFn(reason)
    },
    get settled() {
      return settled
    },
  }
}
