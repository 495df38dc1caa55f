/**
 * Waiting on events, the one way every scenario does it: `waitFor` re-asks `check` each time its
 * source signals a change, resolves with the milliseconds it waited once `check` holds, and
 * rejects after `failMs` — a bound on a hang, never a figure (figures are measured by the caller).
 */

/** Something that says when it changed: `subscribe` returns how to stop listening. */
export interface ChangeSource {
  subscribe(onChange: () => void): () => void
}

/** A ChangeSource the owner triggers with `changed()`. */
export interface ChangeSignal extends ChangeSource {
  changed(): void
}

export function createChangeSignal(): ChangeSignal {
  const listeners = new Set<() => void>()
  return {
    changed() {
      for (const listener of [...listeners]) listener()
    },
    subscribe(onChange) {
      listeners.add(onChange)
      return () => listeners.delete(onChange)
    },
  }
}

export function waitFor(
  what: string,
  check: () => boolean,
  source: ChangeSource,
  failMs = 60_000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const timer = setTimeout(() => {
      off()
      reject(new Error(`gave up after ${failMs} ms waiting for ${what}`))
    }, failMs)
    const attempt = () => {
      if (!check()) return
      clearTimeout(timer)
      off()
      resolve(performance.now() - started)
    }
    const off = source.subscribe(attempt)
    attempt()
  })
}
